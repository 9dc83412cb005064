import { test } from 'node:test'
import { appWith, ok } from '../support/with-plugin.js'
import { rawRequest as sendRaw, rawRequestText } from '../support/raw-http.js'

test('OPTIONS to a known URL gets 200, Allow, Content-Length: 0 and no body', async (t) => {
  const app = await appWith(app => {
    app.get('/items/:id', ok)
    app.delete('/items/:id', ok)
  })
  const response = await app.inject({ method: 'OPTIONS', url: '/items/3?x=1' })
  t.assert.strictEqual(response.statusCode, 200)
  t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS')
  t.assert.strictEqual(response.headers['content-length'], '0')
  t.assert.strictEqual(response.body, '')
})

test('OPTIONS to an unknown URL gets 404', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/b' })).statusCode, 404)
})

test('the app\'s own OPTIONS route wins', async (t) => {
  const app = await appWith(app => {
    app.get('/a', ok)
    app.options('/a', async (request, reply) => reply.code(204).header('x-mine', '1').send())
  })
  const response = await app.inject({ method: 'OPTIONS', url: '/a' })
  t.assert.strictEqual(response.statusCode, 204)
  t.assert.strictEqual(response.headers['x-mine'], '1')
})

test('autoOptions: false leaves OPTIONS to the routes: 405 for a known URL', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) }, { pluginOptions: { autoOptions: false } })
  const response = await app.inject({ method: 'OPTIONS', url: '/a' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD')
})

/** One raw request (inject rewrites the `*` request target to `/*`) to the app, listening on 127.0.0.1. */
async function rawRequest (app, method, target) {
  await app.listen({ port: 0, host: '127.0.0.1' })
  try {
    return await sendRaw(app.server.address().port, rawRequestText(method, target))
  } finally {
    await app.close()
  }
}

test('OPTIONS * gets the union of the app\'s methods', async (t) => {
  const app = await appWith(app => {
    app.get('/a', ok)
    app.post('/b', ok)
    app.delete('/c/:id', ok)
  })
  const response = await rawRequest(app, 'OPTIONS', '*')
  t.assert.strictEqual(response.status, 200)
  t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS, POST')
  t.assert.strictEqual(response.headers['content-length'], '0')
})

test('GET * is left to Fastify (404)', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  const response = await rawRequest(app, 'GET', '*')
  t.assert.strictEqual(response.status, 404)
})

test('optionsStatus: 204 answers OPTIONS with 204, Allow and no Content-Length (RFC 9110 8.6)', async (t) => {
  const app = await appWith(app => {
    app.get('/items/:id', ok)
    app.patch('/items/:id', ok)
  }, { pluginOptions: { optionsStatus: 204 } })
  const response = await app.inject({ method: 'OPTIONS', url: '/items/3' })
  t.assert.strictEqual(response.statusCode, 204)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, PATCH')
  t.assert.strictEqual(response.headers['content-length'], undefined)
  t.assert.strictEqual(response.headers['accept-patch'], 'application/json, text/plain')
  t.assert.strictEqual(response.body, '')
  // Over HTTP: no Content-Length on the wire either, and the 405 and 404 are as before.
  const raw = await rawRequest(app, 'OPTIONS', '/items/3')
  t.assert.strictEqual(raw.status, 204)
  t.assert.strictEqual(raw.headers['content-length'], undefined)
  t.assert.strictEqual(raw.headers.allow, 'GET, HEAD, OPTIONS, PATCH')
})

test('optionsStatus: 204 leaves the 405 and the 404 alone', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) }, { pluginOptions: { optionsStatus: 204 } })
  t.assert.strictEqual((await app.inject({ method: 'PUT', url: '/a' })).statusCode, 405)
  t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/b' })).statusCode, 404)
})

test('optionsStatus: 204 answers OPTIONS * with 204 too', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) }, { pluginOptions: { optionsStatus: 204 } })
  const response = await rawRequest(app, 'OPTIONS', '*')
  t.assert.strictEqual(response.status, 204)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual(response.headers['content-length'], undefined)
})

test('optionsStatus: 204 keeps the described OPTIONS answer at 200: it has content', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) },
    { pluginOptions: { optionsStatus: 204, describeOptions: true } })
  const described = await app.inject({ method: 'OPTIONS', url: '/a', headers: { accept: 'application/json' } })
  t.assert.strictEqual(described.statusCode, 200)
  t.assert.strictEqual(described.headers['content-type'], 'application/json; charset=utf-8')
  t.assert.deepStrictEqual(described.json().allow, ['GET', 'HEAD', 'OPTIONS'])
  // A client that does not ask for JSON gets the content-less answer, 204.
  t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/a' })).statusCode, 204)
})

test('optionsStatus: 204 is the status of the OPTIONS answer @fastify/cors hands on ' +
  'with preflight: false', async (t) => {
  const cors = (await import('@fastify/cors')).default
  const app = await appWith(async app => {
    await app.register(cors, { preflight: false })
    app.get('/a', ok)
  }, { pluginOptions: { optionsStatus: 204 } })
  const response = await app.inject({ method: 'OPTIONS', url: '/a' })
  t.assert.strictEqual(response.statusCode, 204)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual(response.headers['content-length'], undefined)
})
