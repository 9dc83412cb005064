import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { appWith, ok } from '../support/with-plugin.js'

// notFoundWhenEmpty: a caller whom filterAllowed leaves no method gets the app's 404, as if the resource
// did not exist (GitHub's answer for a private repository), for every method including OPTIONS.

const visible = (request, methods) => request.headers['x-member'] === 'yes' ? methods : []
const routes = app => {
  app.get('/repo/private', ok)
  app.put('/repo/private', ok)
}
// GET, HEAD and PUT are routed: their handlers are the app's (allowOnSuccess hides them too, below).
const METHODS = ['POST', 'DELETE', 'PATCH', 'OPTIONS']

test("an outsider gets the app's own 404, byte for byte, for every method the plugin answers", async (t) => {
  const app = await appWith(routes, { pluginOptions: { filterAllowed: visible, notFoundWhenEmpty: true } })
  // The oracle: the same app without the plugin, asked for a URL that does not exist.
  const oracle = Fastify()
  await oracle.ready()
  for (const method of METHODS) {
    const hidden = await app.inject({ method, url: '/repo/private' })
    const missing = await oracle.inject({ method, url: '/repo/private' })
    t.assert.strictEqual(hidden.statusCode, 404, method)
    t.assert.strictEqual(hidden.body, missing.body, method)
    t.assert.strictEqual(hidden.headers['content-type'], missing.headers['content-type'], method)
    t.assert.strictEqual(hidden.headers['content-length'], missing.headers['content-length'], method)
    t.assert.strictEqual(hidden.headers.allow, undefined, method)
    t.assert.strictEqual(hidden.headers.vary, '*', `${method}: the 404 depends on the caller`)
    // An unknown URL's 404 says the same, or that one header would tell the two apart.
    t.assert.strictEqual((await app.inject({ method, url: '/repo/nowhere' })).headers.vary, '*', method)
  }
  const member = await app.inject({ method: 'POST', url: '/repo/private', headers: { 'x-member': 'yes' } })
  t.assert.deepStrictEqual([member.statusCode, member.headers.allow], [405, 'GET, HEAD, OPTIONS, PUT'])
})

test('the 404 is the not-found handler the app set', async (t) => {
  const app = await appWith(routes, {
    pluginOptions: {
      filterAllowed: visible,
      notFoundWhenEmpty: true,
      notFound: (request, reply) => reply.code(404).send('no such thing')
    }
  })
  const response = await app.inject({ method: 'OPTIONS', url: '/repo/private' })
  t.assert.deepStrictEqual([response.statusCode, response.body], [404, 'no such thing'])
})

test('reply.methodNotAllowed() and allowOnSuccess hide the resource too', async (t) => {
  const app = await appWith(app => {
    app.get('/repo/private', async (request, reply) => reply.methodNotAllowed())
  }, { pluginOptions: { filterAllowed: visible, notFoundWhenEmpty: true, allowOnSuccess: true } })
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/repo/private' })).statusCode, 404)
  const member = await app.inject({ method: 'GET', url: '/repo/private', headers: { 'x-member': 'yes' } })
  t.assert.strictEqual(member.statusCode, 405, 'a member is refused, and told so')
})

test('without notFoundWhenEmpty, an empty Allow is still a 405', async (t) => {
  const app = await appWith(routes, { pluginOptions: { filterAllowed: visible } })
  const response = await app.inject({ method: 'POST', url: '/repo/private' })
  t.assert.deepStrictEqual([response.statusCode, response.headers.allow], [405, ''])
})

test('filterAllowed may return a Promise; its rejection goes to the error handler', async (t) => {
  const lookUp = async (request, methods) => {
    await new Promise(resolve => setImmediate(resolve))
    if (request.headers['x-broken'] !== undefined) {
      throw Object.assign(new Error('permissions unavailable'), { statusCode: 503 })
    }
    return request.headers['x-member'] === 'yes' ? methods : []
  }
  const app = Fastify()
  await app.register(fastifyAllowedMethods, { filterAllowed: lookUp, notFoundWhenEmpty: true, allowOnSuccess: true })
  app.setErrorHandler((error, request, reply) => reply.code(error.statusCode).send({ handled: error.message }))
  routes(app)
  app.put('/refuse', async (request, reply) => reply.methodNotAllowed())
  app.get('/refuse', ok)
  await app.ready()
  const member = { 'x-member': 'yes' }
  const answers = async (method, url, headers) => {
    const response = await app.inject({ method, url, headers })
    return [response.statusCode, response.headers.allow]
  }
  t.assert.deepStrictEqual(await answers('POST', '/repo/private', member), [405, 'GET, HEAD, OPTIONS, PUT'])
  t.assert.deepStrictEqual(await answers('OPTIONS', '/repo/private', member), [200, 'GET, HEAD, OPTIONS, PUT'])
  t.assert.deepStrictEqual(await answers('GET', '/repo/private', member), [200, 'GET, HEAD, OPTIONS, PUT'])
  t.assert.deepStrictEqual(await answers('PUT', '/refuse', member), [405, 'GET, HEAD, OPTIONS'])
  t.assert.deepStrictEqual(await answers('POST', '/repo/private', {}), [404, undefined])
  t.assert.deepStrictEqual(await answers('GET', '/repo/private', {}), [404, undefined])
  const filtered = [['POST', '/repo/private'], ['OPTIONS', '/repo/private'], ['GET', '/repo/private'],
    ['PUT', '/refuse']]
  for (const [method, url] of filtered) {
    const broken = await app.inject({ method, url, headers: { 'x-broken': '1' } })
    t.assert.deepStrictEqual([broken.statusCode, broken.json()], [503, { handled: 'permissions unavailable' }],
      `${method} ${url}`)
  }
})

test('reply.methodNotAllowed() on a route kept out of the registry: nothing to advertise', async (t) => {
  const refuse = async (request, reply) => reply.methodNotAllowed()
  const routes = app => { app.delete('/hidden', { config: { allowedMethods: false } }, refuse) }
  const told = await appWith(routes, { pluginOptions: { autoOptions: false } })
  const response = await told.inject({ method: 'DELETE', url: '/hidden' })
  t.assert.deepStrictEqual([response.statusCode, response.headers.allow], [405, ''])
  const hidden = await appWith(routes, { pluginOptions: { autoOptions: false, notFoundWhenEmpty: true } })
  t.assert.strictEqual((await hidden.inject({ method: 'DELETE', url: '/hidden' })).statusCode, 404)
})
