// The 405 (and 501) are errors sent through Fastify's error path, so that the app's error handler formats
// them. The handler must receive `statusCode`, `code` and `allowedMethods`, and the `Allow` header, set
// before the error is sent, must survive whatever the handler sends.
import { test, describe, before, after } from 'node:test'
import { spawnSync } from 'node:child_process'
import Fastify from 'fastify'
import sensible from '@fastify/sensible'
import fastifyAllowedMethods, { MethodNotAllowedError, NotImplementedError } from '../../dist/index.js'
import { methodNotAllowedBody } from '../support/expected.js'

describe('an app-level setErrorHandler', () => {
  let app
  const received = []
  before(async () => {
    app = Fastify()
    await app.register(fastifyAllowedMethods, { notImplemented: true })
    app.setErrorHandler(function handler (error, request, reply) {
      received.push({ url: request.url, error })
      const how = request.query.how
      if (how === 'text') return reply.code(error.statusCode).type('text/plain').send(`no: ${error.message}`)
      if (how === 'status-400') return reply.code(400).send({ replaced: true })
      if (how === 'headers') {
        return reply.code(error.statusCode).headers({ 'x-handled': 'yes', 'cache-control': 'no-store' }).send('')
      }
      if (how === 'no-status') return reply.send({ problem: error.code })
      if (how === 'rethrow') return reply.send(error)
      if (how === 'throw') throw new Error('handler failed')
      return reply.code(error.statusCode).send({ problem: error.code, allowed: error.allowedMethods })
    })
    app.get('/users', async () => ['ada'])
    app.post('/users', async () => 'created')
    app.get('/locked', async (request, reply) => reply.methodNotAllowed())
    app.put('/locked', async () => 'put')
    await app.ready()
  })
  after(() => app.close())

  test('the 405 error arrives with statusCode, code, allowedMethods and a message', async (t) => {
    received.length = 0
    // PUT: a method the app implements (on /locked), or notImplemented would answer 501.
    const response = await app.inject({ method: 'PUT', url: '/users' })
    t.assert.strictEqual(received.length, 1)
    const { error } = received[0]
    t.assert.ok(error instanceof MethodNotAllowedError)
    t.assert.ok(error instanceof Error)
    t.assert.strictEqual(error.statusCode, 405)
    t.assert.strictEqual(error.code, 'FST_ERR_METHOD_NOT_ALLOWED')
    t.assert.deepStrictEqual(error.allowedMethods, ['GET', 'HEAD', 'OPTIONS', 'POST'])
    t.assert.strictEqual(error.message, 'Method PUT is not allowed for /users')
    t.assert.strictEqual(response.statusCode, 405)
    t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, POST')
    t.assert.deepStrictEqual(response.json(),
      { problem: 'FST_ERR_METHOD_NOT_ALLOWED', allowed: ['GET', 'HEAD', 'OPTIONS', 'POST'] })
  })

  test('the 501 error arrives with statusCode and code, and no Allow header', async (t) => {
    received.length = 0
    const response = await app.inject({ method: 'PROPFIND', url: '/users' })
    t.assert.strictEqual(received.length, 1)
    const { error } = received[0]
    t.assert.ok(error instanceof NotImplementedError)
    t.assert.strictEqual(error.statusCode, 501)
    t.assert.strictEqual(error.code, 'FST_ERR_NOT_IMPLEMENTED')
    t.assert.strictEqual(response.statusCode, 501)
    t.assert.strictEqual(response.headers.allow, undefined)
    t.assert.deepStrictEqual(response.json(), { problem: 'FST_ERR_NOT_IMPLEMENTED' })
  })

  test('reply.methodNotAllowed() goes through the same handler', async (t) => {
    received.length = 0
    const response = await app.inject({ method: 'GET', url: '/locked' })
    t.assert.strictEqual(received.length, 1)
    // A refused GET refuses its automatic HEAD route too (same handler): neither is in Allow.
    t.assert.deepStrictEqual(received[0].error.allowedMethods, ['OPTIONS', 'PUT'])
    t.assert.strictEqual(response.statusCode, 405)
    t.assert.strictEqual(response.headers.allow, 'OPTIONS, PUT')
    t.assert.deepStrictEqual(response.json(), { problem: 'FST_ERR_METHOD_NOT_ALLOWED', allowed: ['OPTIONS', 'PUT'] })
  })

  // PUT /users?how=...: what the handler sends -> status, content-type, body; Allow is the same in every row.
  const rows = [
    ['text', 405, 'text/plain', 'no: Method PUT is not allowed for /users?how=text'],
    ['status-400', 400, 'application/json; charset=utf-8', '{"replaced":true}'],
    ['headers', 405, 'text/plain; charset=utf-8', ''],
    // Fastify does not set the status before a custom error handler runs: a handler that sets none sends 200.
    ['no-status', 200, 'application/json; charset=utf-8', '{"problem":"FST_ERR_METHOD_NOT_ALLOWED"}'],
    // reply.send(error) from the root handler falls back to Fastify's default handler.
    ['rethrow', 405, 'application/json; charset=utf-8',
      JSON.stringify(methodNotAllowedBody('PUT', '/users?how=rethrow'))],
    ['throw', 500, 'application/json; charset=utf-8',
      '{"statusCode":500,"error":"Internal Server Error","message":"handler failed"}']
  ]
  for (const [how, status, type, body] of rows) {
    test(`the Allow header survives a handler that answers "${how}"`, async (t) => {
      const response = await app.inject({ method: 'PUT', url: `/users?how=${how}` })
      t.assert.strictEqual(response.statusCode, status)
      t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, POST')
      t.assert.strictEqual(response.headers['content-type'], type)
      t.assert.strictEqual(response.body, body)
      if (how === 'headers') {
        t.assert.strictEqual(response.headers['x-handled'], 'yes')
        t.assert.strictEqual(response.headers['cache-control'], 'no-store')
      }
    })
  }
})

describe('error handlers of encapsulated plugins', () => {
  test('the 405 goes to the error handler of the context that owns the not-found handler', async (t) => {
    const app = Fastify()
    await app.register(fastifyAllowedMethods)
    app.setErrorHandler((error, request, reply) =>
      reply.code(error.statusCode).send({ handledBy: 'root', allowed: error.allowedMethods }))
    await app.register(async (child) => {
      // No not-found handler of its own: unmatched requests under /plain belong to the root's context.
      child.setErrorHandler((error, request, reply) => reply.code(error.statusCode).send({ handledBy: 'plain' }))
      child.get('/a', async () => 'a')
    }, { prefix: '/plain' })
    await app.register(async (child) => {
      child.setErrorHandler((error, request, reply) =>
        reply.code(error.statusCode).send({ handledBy: 'own', allowed: error.allowedMethods }))
      child.setNotFoundHandler((request, reply) => reply.code(404).send({ notFound: 'own' }))
      child.get('/a', async () => 'a')
    }, { prefix: '/own' })
    await app.ready()
    t.after(() => app.close())

    const plain = await app.inject({ method: 'DELETE', url: '/plain/a' })
    t.assert.strictEqual(plain.statusCode, 405)
    t.assert.strictEqual(plain.headers.allow, 'GET, HEAD, OPTIONS')
    t.assert.deepStrictEqual(plain.json(), { handledBy: 'root', allowed: ['GET', 'HEAD', 'OPTIONS'] })

    const own = await app.inject({ method: 'DELETE', url: '/own/a' })
    t.assert.strictEqual(own.statusCode, 405)
    t.assert.strictEqual(own.headers.allow, 'GET, HEAD, OPTIONS')
    t.assert.deepStrictEqual(own.json(), { handledBy: 'own', allowed: ['GET', 'HEAD', 'OPTIONS'] })

    const missing = await app.inject({ method: 'DELETE', url: '/own/nope' })
    t.assert.strictEqual(missing.statusCode, 404)
    t.assert.strictEqual(missing.headers.allow, undefined)
    t.assert.deepStrictEqual(missing.json(), { notFound: 'own' })
  })
})

describe('@fastify/sensible', () => {
  // @fastify/sensible decorates the reply with one method per HTTP error, `reply.methodNotAllowed()`
  // included (a 405 without Allow). The plugin's reply decorator has the same default name: with sensible,
  // the `replyDecorator` option names it otherwise, and the default fails with a message saying so.
  test('sensible registered first, then the plugin with the default decorator name: a clear TypeError', async (t) => {
    const app = Fastify()
    t.after(() => app.close())
    await app.register(sensible)
    app.register(fastifyAllowedMethods)
    await t.assert.rejects(app.ready(), (error) => {
      t.assert.ok(error instanceof TypeError)
      t.assert.match(error.message,
        /^fastify-allowed-methods: option "replyDecorator": reply\.methodNotAllowed\(\) already exists/)
      return true
    })
  })

  test('sensible registered first, then the plugin: the app starts and the 405 reaches the handler', async (t) => {
    const app = Fastify()
    t.after(() => app.close())
    await app.register(sensible)
    await app.register(fastifyAllowedMethods, { replyDecorator: 'sendMethodNotAllowed' })
    let received
    app.setErrorHandler((error, request, reply) => {
      received = error
      // The usual sensible style: rebuild the answer with its http-errors.
      reply.send(app.httpErrors.createError(error.statusCode, error.message))
    })
    app.get('/users', async () => ['ada'])
    await app.ready()
    const response = await app.inject({ method: 'DELETE', url: '/users' })
    t.assert.strictEqual(received.statusCode, 405)
    t.assert.strictEqual(received.code, 'FST_ERR_METHOD_NOT_ALLOWED')
    t.assert.deepStrictEqual(received.allowedMethods, ['GET', 'HEAD', 'OPTIONS'])
    t.assert.strictEqual(response.statusCode, 405)
    t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
    t.assert.deepStrictEqual(response.json(),
      { statusCode: 405, error: 'Method Not Allowed', message: 'Method DELETE is not allowed for /users' })
  })

  // In this order a name collision makes sensible's synchronous decorateReply() throw outside any promise
  // (an uncaught exception), so the app runs in a child process.
  test('the plugin registered first, then sensible: the app starts', (t) => {
    const script = `
      import Fastify from 'fastify'
      import sensible from '@fastify/sensible'
      import plugin from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)}
      const app = Fastify()
      await app.register(plugin, { replyDecorator: 'sendMethodNotAllowed' })
      await app.register(sensible)
      app.get('/users', async () => ['ada'])
      app.delete('/users', async (request, reply) => reply.sendMethodNotAllowed())
      await app.ready()
      const response = await app.inject({ method: 'DELETE', url: '/users' })
      console.log(JSON.stringify({ status: response.statusCode, allow: response.headers.allow }))
      await app.close()
    `
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('.', import.meta.url), encoding: 'utf8', timeout: 20000
    })
    t.assert.strictEqual(child.status, 0, child.stderr)
    // DELETE is routed: its handler refuses it with the renamed decorator, Allow listing the other methods.
    t.assert.deepStrictEqual(JSON.parse(child.stdout), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  })
})
