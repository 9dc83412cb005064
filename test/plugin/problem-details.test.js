// `problemDetails`: the 405 and 501 bodies the plugin formats are RFC 9457 problem details. An error
// handler of the app's still receives the error, whatever the option says.
import { test } from 'node:test'
import { Value } from '@sinclair/typebox/value'
import { appWith, ok } from '../support/with-plugin.js'
import {
  MethodNotAllowedError, MethodNotAllowedProblemSchema, NotImplementedError, NotImplementedProblemSchema
} from '../../dist/index.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const pluginOptions = { problemDetails: true }
const routes = (app) => {
  app.get('/a', ok)
  app.put('/a', ok)
  app.post('/b', ok)
  app.delete('/b', ok)
}

const methodNotAllowed = (method, url, allowedMethods) => ({
  type: 'https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6',
  title: 'Method Not Allowed',
  status: 405,
  detail: `Method ${method} is not allowed for ${url}`,
  instance: url,
  allowedMethods
})

const notImplemented = (method, url) => ({
  type: 'https://www.rfc-editor.org/rfc/rfc9110#section-15.6.2',
  title: 'Not Implemented',
  status: 501,
  detail: `Method ${method} is not implemented by this server`,
  instance: url
})

test('the 405 is application/problem+json with the RFC 9457 members and allowedMethods', async (t) => {
  const app = await appWith(routes, { pluginOptions })
  for (const [method, payload] of [['DELETE', undefined], ['POST', { a: 1 }]]) {
    const response = await app.inject({ method, url: '/a?x=1', payload })
    t.assert.strictEqual(response.statusCode, 405)
    t.assert.strictEqual(response.headers['content-type'], PROBLEM_JSON)
    t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, PUT')
    t.assert.deepStrictEqual(response.json(), methodNotAllowed(method, '/a?x=1', ['GET', 'HEAD', 'OPTIONS', 'PUT']))
    t.assert.strictEqual(response.headers['content-length'], String(Buffer.byteLength(response.body)))
    t.assert.ok(Value.Check(MethodNotAllowedProblemSchema, response.json()), 'the body matches the exported schema')
  }
})

test('a HEAD 405 carries the length of the GET 405\'s body, or none where GET is allowed', async (t) => {
  const app = await appWith(routes, { pluginOptions })
  const get = await app.inject({ method: 'GET', url: '/b?q' })
  t.assert.strictEqual(get.statusCode, 405)
  t.assert.deepStrictEqual(get.json(), methodNotAllowed('GET', '/b?q', ['DELETE', 'OPTIONS', 'POST']))
  const head = await app.inject({ method: 'HEAD', url: '/b?q' })
  t.assert.strictEqual(head.statusCode, 405)
  t.assert.strictEqual(head.headers['content-type'], PROBLEM_JSON)
  t.assert.strictEqual(head.headers['content-length'], String(Buffer.byteLength(get.body)))
  t.assert.strictEqual(head.body, '')

  const allowedGet = await appWith(app => { app.get('/c', ok) },
    { fastifyOptions: { exposeHeadRoutes: false }, pluginOptions })
  const refused = await allowedGet.inject({ method: 'HEAD', url: '/c' })
  t.assert.strictEqual(refused.statusCode, 405)
  t.assert.strictEqual(refused.headers.allow, 'GET, OPTIONS')
  t.assert.strictEqual(refused.headers['content-type'], PROBLEM_JSON)
  t.assert.strictEqual(refused.headers['content-length'], undefined)
})

test('the 501 is application/problem+json, logged at info: the method is the client\'s choice', async (t) => {
  const lines = []
  const stream = { write: (line) => { lines.push(JSON.parse(line)) } }
  const app = await appWith(routes, {
    fastifyOptions: { logger: { level: 'info', stream } }, pluginOptions: { ...pluginOptions, notImplemented: true }
  })
  const response = await app.inject({ method: 'PATCH', url: '/a?x=1', payload: { a: 1 } })
  t.assert.strictEqual(response.statusCode, 501)
  t.assert.strictEqual(response.headers['content-type'], PROBLEM_JSON)
  t.assert.strictEqual(response.headers.allow, undefined)
  t.assert.deepStrictEqual(response.json(), notImplemented('PATCH', '/a?x=1'))
  t.assert.ok(Value.Check(NotImplementedProblemSchema, response.json()), 'the body matches the exported schema')
  const logged = lines.find(line => line.msg === 'Method PATCH is not implemented by this server')
  t.assert.strictEqual(logged?.level, 30)
  t.assert.strictEqual(logged?.res?.statusCode, 501)
})

test('a HEAD 501 carries the length of the GET 501\'s body, or none where GET is served', async (t) => {
  const options = { pluginOptions: { ...pluginOptions, notImplemented: true } }
  const noGet = await appWith(app => { app.post('/b', ok) }, options)
  const get = await noGet.inject({ method: 'GET', url: '/b' })
  t.assert.deepStrictEqual(get.json(), notImplemented('GET', '/b'))
  const head = await noGet.inject({ method: 'HEAD', url: '/b' })
  t.assert.strictEqual(head.statusCode, 501)
  t.assert.strictEqual(head.headers['content-length'], String(Buffer.byteLength(get.body)))

  const withGet = await appWith(app => { app.get('/c', ok) },
    { ...options, fastifyOptions: { exposeHeadRoutes: false } })
  const refused = await withGet.inject({ method: 'HEAD', url: '/c' })
  t.assert.strictEqual(refused.statusCode, 501)
  t.assert.strictEqual(refused.headers['content-type'], PROBLEM_JSON)
  t.assert.strictEqual(refused.headers['content-length'], undefined)
})

test('the app\'s own error handler still receives the errors, and formats the body', async (t) => {
  const received = []
  const errorHandler = (error, request, reply) => {
    received.push(error)
    reply.code(error.statusCode).send({ code: error.code, allowed: error.allowedMethods })
  }
  const root = await appWith(app => { app.setErrorHandler(errorHandler); routes(app) },
    { pluginOptions: { ...pluginOptions, notImplemented: true } })
  const notFoundOption = await appWith(app => {
    app.setNotFoundHandler({ errorHandler }, (request, reply) => reply.code(404).send('custom'))
    routes(app)
  }, { pluginOptions: { ...pluginOptions, notImplemented: true } })
  for (const app of [root, notFoundOption]) {
    received.length = 0
    const refused = await app.inject({ method: 'DELETE', url: '/a' })
    t.assert.strictEqual(refused.statusCode, 405)
    t.assert.strictEqual(refused.headers['content-type'], 'application/json; charset=utf-8')
    t.assert.strictEqual(refused.headers.allow, 'GET, HEAD, OPTIONS, PUT')
    t.assert.deepStrictEqual(refused.json(),
      { code: 'FST_ERR_METHOD_NOT_ALLOWED', allowed: ['GET', 'HEAD', 'OPTIONS', 'PUT'] })
    const unknown = await app.inject({ method: 'PATCH', url: '/a' })
    t.assert.strictEqual(unknown.statusCode, 501)
    t.assert.deepStrictEqual(unknown.json(), { code: 'FST_ERR_NOT_IMPLEMENTED' })
    t.assert.ok(received[0] instanceof MethodNotAllowedError)
    t.assert.ok(received[1] instanceof NotImplementedError)
  }
})

test('reply.methodNotAllowed() keeps the error path: ' +
  'Fastify\'s body without an error handler of the app\'s', async (t) => {
  const app = await appWith(app => {
    app.delete('/a', (request, reply) => reply.methodNotAllowed())
    app.get('/a', ok)
  }, { pluginOptions })
  const response = await app.inject({ method: 'DELETE', url: '/a' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers['content-type'], 'application/json; charset=utf-8')
  t.assert.strictEqual(response.json().code, 'FST_ERR_METHOD_NOT_ALLOWED')
})

test('off by default: the 405 and 501 keep Fastify\'s error shape', async (t) => {
  const app = await appWith(routes, { pluginOptions: { notImplemented: true } })
  const refused = await app.inject({ method: 'DELETE', url: '/a' })
  t.assert.strictEqual(refused.headers['content-type'], 'application/json; charset=utf-8')
  t.assert.deepStrictEqual(refused.json(), {
    statusCode: 405,
    code: 'FST_ERR_METHOD_NOT_ALLOWED',
    error: 'Method Not Allowed',
    message: 'Method DELETE is not allowed for /a'
  })
  const unknown = await app.inject({ method: 'PATCH', url: '/a' })
  t.assert.strictEqual(unknown.headers['content-type'], 'application/json; charset=utf-8')
  t.assert.deepStrictEqual(unknown.json(), {
    statusCode: 501,
    code: 'FST_ERR_NOT_IMPLEMENTED',
    error: 'Not Implemented',
    message: 'Method PATCH is not implemented by this server'
  })
})
