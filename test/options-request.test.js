import { test } from 'node:test'
import net from 'node:net'
import { appWith, ok } from './support/with-plugin.js'

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

/** Sends one raw HTTP/1.1 request (inject cannot send the `*` request target) and returns status and headers. */
async function rawRequest (app, requestLine) {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address()
  const text = await new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let data = ''
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error('timeout')) })
    socket.on('data', chunk => { data += chunk })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
    socket.write(`${requestLine}\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
  })
  await app.close()
  const [head, body] = text.split('\r\n\r\n')
  const [statusLine, ...lines] = head.split('\r\n')
  const headers = Object.fromEntries(lines.map(line => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 2)]))
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

test('OPTIONS * gets the union of the app\'s methods', async (t) => {
  const app = await appWith(app => {
    app.get('/a', ok)
    app.post('/b', ok)
    app.delete('/c/:id', ok)
  })
  const response = await rawRequest(app, 'OPTIONS * HTTP/1.1')
  t.assert.strictEqual(response.status, 200)
  t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS, POST')
  t.assert.strictEqual(response.headers['content-length'], '0')
})

test('GET * is left to Fastify (404)', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  const response = await rawRequest(app, 'GET * HTTP/1.1')
  t.assert.strictEqual(response.status, 404)
})
