import { test } from 'node:test'
import { appWith, ok } from '../support/with-plugin.js'
import {
  MethodNotAllowedError, MethodNotAllowedSchema, NotImplementedError, NotImplementedSchema
} from '../../dist/index.js'
import { Value } from '@sinclair/typebox/value'

test('without an error handler, the 405 body is Fastify\'s error shape', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  const response = await app.inject({ method: 'DELETE', url: '/a?x=1' })
  t.assert.strictEqual(response.headers['content-type'], 'application/json; charset=utf-8')
  t.assert.deepStrictEqual(response.json(), {
    statusCode: 405,
    code: 'FST_ERR_METHOD_NOT_ALLOWED',
    error: 'Method Not Allowed',
    message: 'Method DELETE is not allowed for /a?x=1'
  })
  t.assert.ok(Value.Check(MethodNotAllowedSchema, response.json()), 'the body matches the exported schema')
})

test('the app\'s error handler receives the 405 as an error, and Allow survives its reply', async (t) => {
  let received
  const app = await appWith(app => {
    app.setErrorHandler((error, request, reply) => {
      received = error
      reply.code(error.statusCode).send({ problem: error.code, allowed: error.allowedMethods })
    })
    app.get('/a', ok)
    app.put('/a', ok)
  })
  const response = await app.inject({ method: 'POST', url: '/a' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, PUT')
  t.assert.deepStrictEqual(response.json(),
    { problem: 'FST_ERR_METHOD_NOT_ALLOWED', allowed: ['GET', 'HEAD', 'OPTIONS', 'PUT'] })
  t.assert.ok(received instanceof MethodNotAllowedError)
  t.assert.strictEqual(received.statusCode, 405)
  t.assert.strictEqual(received.code, 'FST_ERR_METHOD_NOT_ALLOWED')
})

test('the 501 reaches the error handler too', async (t) => {
  let received
  const app = await appWith(app => {
    app.setErrorHandler((error, request, reply) => {
      received = error
      reply.code(error.statusCode).send({ problem: error.code })
    })
    app.get('/a', ok)
  }, { pluginOptions: { notImplemented: true } })
  const response = await app.inject({ method: 'PUT', url: '/a' })
  t.assert.strictEqual(response.statusCode, 501)
  t.assert.deepStrictEqual(response.json(), { problem: 'FST_ERR_NOT_IMPLEMENTED' })
  t.assert.strictEqual(received.statusCode, 501)
})

test('the 501 body matches the exported schema', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) }, { pluginOptions: { notImplemented: true } })
  const response = await app.inject({ method: 'PUT', url: '/a' })
  t.assert.ok(Value.Check(NotImplementedSchema, response.json()))
})

test('a prefixed plugin\'s error handler formats the 405s of its URLs', async (t) => {
  const app = await appWith(app => {
    app.register(async (api) => {
      api.setErrorHandler((error, request, reply) => { reply.code(error.statusCode).send(`api: ${error.message}`) })
      api.setNotFoundHandler((request, reply) => { reply.code(404).send('api: not found') })
      api.get('/a', ok)
    }, { prefix: '/api' })
  })
  const response = await app.inject({ method: 'POST', url: '/api/a' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual(response.body, 'api: Method POST is not allowed for /api/a')
})

test('cacheControl sets Cache-Control on 405 responses only', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) }, { pluginOptions: { cacheControl: 'max-age=60' } })
  t.assert.strictEqual((await app.inject({ method: 'POST', url: '/a' })).headers['cache-control'], 'max-age=60')
  t.assert.strictEqual((await app.inject({ method: 'POST', url: '/b' })).headers['cache-control'], undefined)
  t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/a' })).headers['cache-control'], undefined)
})

test('without cacheControl, no Cache-Control header is added', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  t.assert.strictEqual((await app.inject({ method: 'POST', url: '/a' })).headers['cache-control'], undefined)
})

test('the error carries no captured stack (answers to clients are not server faults)', async (t) => {
  let received
  const app = await appWith(app => {
    app.setErrorHandler((error, request, reply) => { received = error; reply.send(error) })
    app.get('/a', ok)
  })
  await app.inject({ method: 'POST', url: '/a' })
  t.assert.strictEqual(received.stack, 'MethodNotAllowedError: Method POST is not allowed for /a')
  t.assert.ok(received instanceof Error)
  t.assert.strictEqual(received.name, 'MethodNotAllowedError')
  t.assert.strictEqual(String(received), 'MethodNotAllowedError: Method POST is not allowed for /a')
  // Built without calling Error() and without capturing a stack: neither the global stack trace limit nor
  // Error.captureStackTrace is touched, not even for a moment.
  const limit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')
  const capture = Error.captureStackTrace
  const touched = () => { throw new Error('touched') }
  Object.defineProperty(Error, 'stackTraceLimit', { get: () => limit.value, set: touched, configurable: true })
  Error.captureStackTrace = touched
  try {
    t.assert.strictEqual((await app.inject({ method: 'POST', url: '/a' })).statusCode, 405)
    t.assert.strictEqual(new NotImplementedError('PROPFIND').stack,
      'NotImplementedError: Method PROPFIND is not implemented by this server')
  } finally {
    Object.defineProperty(Error, 'stackTraceLimit', limit)
    Error.captureStackTrace = capture
  }
})

test('with Fastify\'s default error handler, the 405 is the response the error path would send', async (t) => {
  const routes = app => { app.get('/a', ok) }
  const direct = await appWith(routes)
  const viaErrorPath = await appWith(app => {
    // Sends the error through Fastify's error serialiser, as its default handler does.
    app.setErrorHandler((error, request, reply) => { reply.code(error.statusCode).send(error) })
    routes(app)
  })
  // The message names the URL: one that JSON needs no escape for, and those it does.
  for (const url of ['/a?x=1', '/a?q="quoted"', '/a?p=back\\slash', '/a?u=ünï', '/a?l=\u2028', '/a?s=\ud800']) {
    const expected = await viaErrorPath.inject({ method: 'POST', url })
    const actual = await direct.inject({ method: 'POST', url })
    t.assert.strictEqual(actual.statusCode, expected.statusCode)
    t.assert.strictEqual(actual.body, expected.body, url)
    const { date, ...headers } = actual.headers
    const { date: _, ...expectedHeaders } = expected.headers
    t.assert.deepStrictEqual(headers, expectedHeaders)
  }
})

test('an errorHandler given to setNotFoundHandler receives the 405', async (t) => {
  const app = await appWith(app => {
    app.setNotFoundHandler({
      errorHandler: (error, request, reply) => {
        reply.code(error.statusCode).send({ fromNotFoundErrorHandler: error.code })
      }
    }, (request, reply) => reply.code(404).send('custom'))
    app.get('/a', ok)
  })
  const response = await app.inject({ method: 'POST', url: '/a' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.deepStrictEqual(response.json(), { fromNotFoundErrorHandler: 'FST_ERR_METHOD_NOT_ALLOWED' })
})

test('the 405 is logged at info level, as Fastify\'s default error handler logs it', async (t) => {
  const lines = []
  const stream = { write: (line) => { lines.push(JSON.parse(line)) } }
  const app = await appWith(app => { app.get('/a', ok) }, { fastifyOptions: { logger: { level: 'info', stream } } })
  await app.inject({ method: 'POST', url: '/a' })
  const logged = lines.find(line => line.msg === 'Method POST is not allowed for /a')
  t.assert.strictEqual(logged?.level, 30)
  t.assert.strictEqual(logged?.res?.statusCode, 405)
})
