import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { appWith, answer, ok } from '../support/with-plugin.js'
import { rawRequest, rawRequestText } from '../support/raw-http.js'

test('fastify.allowedMethods(url) returns the sorted Allow list of a concrete URL', async (t) => {
  const app = await appWith(app => {
    app.get('/users/:id', ok)
    app.post('/users/me', ok)
    app.get('/hosted', { constraints: { host: 'a.example' } }, ok)
  })
  t.assert.deepStrictEqual(app.allowedMethods('/users/me?x=1'), ['GET', 'HEAD', 'OPTIONS', 'POST'])
  t.assert.deepStrictEqual(app.allowedMethods('/users/3'), ['GET', 'HEAD', 'OPTIONS'])
  t.assert.deepStrictEqual(app.allowedMethods('/nothing'), [])
  t.assert.deepStrictEqual(app.allowedMethods('/hosted'), [], 'constrained routes need their constraints')
  t.assert.deepStrictEqual(app.allowedMethods('/hosted', { host: 'a.example' }), ['GET', 'HEAD', 'OPTIONS'])
})

test('allowedMethods returns a fresh array each time', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  const first = app.allowedMethods('/a')
  first.push('MUTATED')
  t.assert.deepStrictEqual(app.allowedMethods('/a'), ['GET', 'HEAD', 'OPTIONS'])
})

test('allowedMethods before ready() fails loudly', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  t.assert.throws(() => app.allowedMethods('/a'), /available once the app is ready/)
})

test('allowedMethods rejects a non-string URL with a TypeError', async (t) => {
  const app = await appWith(() => {})
  t.assert.throws(() => app.allowedMethods(42), TypeError)
})

test('reply.methodNotAllowed() sends the 405 from a handler, Allow listing the URL\'s other methods', async (t) => {
  const app = await appWith(app => {
    app.get('/doc', ok)
    app.delete('/doc', async (request, reply) => {
      if (request.headers['x-role'] !== 'admin') return reply.methodNotAllowed()
      return 'deleted'
    })
  }, { pluginOptions: { cacheControl: 'no-store' } })
  const denied = await app.inject({ method: 'DELETE', url: '/doc' })
  t.assert.strictEqual(denied.statusCode, 405)
  t.assert.strictEqual(denied.headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual(denied.headers['cache-control'], 'no-store')
  t.assert.strictEqual(denied.json().code, 'FST_ERR_METHOD_NOT_ALLOWED')
  const allowed = await app.inject({ method: 'DELETE', url: '/doc', headers: { 'x-role': 'admin' } })
  t.assert.strictEqual(allowed.body, 'deleted')
})

// A reader may only read, an admin may do anything. Each narrowing test asks as both, on one path: the two
// Allow values differ only where filterAllowed is applied, so a path that skips it fails the test.
const readOnly = (request, methods) => request.headers['x-role'] === 'admin'
  ? methods
  : methods.filter(method => ['GET', 'HEAD', 'OPTIONS'].includes(method))
const reader = {}
const admin = { 'x-role': 'admin' }

/** GET, PUT and DELETE /doc, where PUT refuses every caller with reply.methodNotAllowed() (a locked document). */
const docApp = () => appWith(app => {
  app.get('/doc', ok)
  app.put('/doc', async (request, reply) => reply.methodNotAllowed())
  app.delete('/doc', ok)
}, { pluginOptions: { filterAllowed: readOnly } })

test('filterAllowed narrows the Allow of 405s', async (t) => {
  const app = await docApp()
  t.assert.deepStrictEqual(await answer(app, 'POST', '/doc', reader), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/doc', admin),
    { status: 405, allow: 'DELETE, GET, HEAD, OPTIONS, PUT' })
})

test('filterAllowed narrows the automatic OPTIONS answer', async (t) => {
  const app = await docApp()
  t.assert.deepStrictEqual(await answer(app, 'OPTIONS', '/doc', reader), { status: 200, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'OPTIONS', '/doc', admin),
    { status: 200, allow: 'DELETE, GET, HEAD, OPTIONS, PUT' })
})

test('filterAllowed narrows the answer to OPTIONS *', async (t) => {
  const app = await docApp()
  // app.inject() turns the `*` target into `/*`: only a socket sends it as is.
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const { port } = app.server.address()
  const star = async (headers) => {
    const response = await rawRequest(port, rawRequestText('OPTIONS', '*', headers))
    return { status: response.status, allow: response.headers.allow }
  }
  t.assert.deepStrictEqual(await star(reader), { status: 200, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await star(admin), { status: 200, allow: 'DELETE, GET, HEAD, OPTIONS, PUT' })
})

test('filterAllowed narrows the Allow of reply.methodNotAllowed()', async (t) => {
  const app = await docApp()
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/doc', reader), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/doc', admin),
    { status: 405, allow: 'DELETE, GET, HEAD, OPTIONS' })
})

test('filterAllowed can only narrow: methods it adds are ignored, and Allow may be empty', async (t) => {
  const app = await appWith(app => { app.get('/doc', ok) }, {
    pluginOptions: { filterAllowed: (request) => request.headers['x-none'] ? [] : ['TRACE', 'GET'] }
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/doc'), { status: 405, allow: 'GET' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/doc', { 'x-none': '1' }), { status: 405, allow: '' })
})

test('a filterAllowed that throws gets the app\'s 500, not a crash', async (t) => {
  const app = await appWith(app => { app.get('/doc', ok) }, {
    pluginOptions: { filterAllowed: () => { throw new Error('boom') } }
  })
  const response = await app.inject({ method: 'POST', url: '/doc' })
  t.assert.strictEqual(response.statusCode, 500)
  t.assert.strictEqual(response.json().message, 'boom')
})

test('replyDecorator names the reply decorator, or turns it off', async (t) => {
  const renamed = await appWith(app => {
    app.get('/doc', ok)
    app.delete('/doc', async (request, reply) => reply.sendMethodNotAllowed())
  }, { pluginOptions: { replyDecorator: 'sendMethodNotAllowed' } })
  t.assert.deepStrictEqual(await answer(renamed, 'DELETE', '/doc'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.ok(!renamed.hasReplyDecorator('methodNotAllowed'))
  const none = await appWith(() => {}, { pluginOptions: { replyDecorator: false } })
  t.assert.ok(!none.hasReplyDecorator('methodNotAllowed'))
})

test('a reply decorator of the same name already present: a TypeError naming the option', async (t) => {
  const app = Fastify()
  app.decorateReply('methodNotAllowed', function () {})
  app.register(fastifyAllowedMethods)
  await t.assert.rejects(app.ready(),
    /fastify-allowed-methods: option "replyDecorator": reply\.methodNotAllowed\(\) already exists/)
})
