import { test } from 'node:test'
import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'

// The app's hooks on the not-found path (rate limits, auth) guard the plugin's 405, 501 and automatic
// OPTIONS answers as they guard the 404, in Fastify's order, although the plugin answers before the body is
// parsed (a 405 wins over a 400 for a malformed body).

const statuses = async (app, requests) => {
  const seen = []
  for (const [method, url, headers] of requests) seen.push((await app.inject({ method, url, headers })).statusCode)
  return seen
}
const times = (n, request) => Array.from({ length: n }, () => request)

test("@fastify/rate-limit's documented not-found pattern limits wrong methods, OPTIONS and 501s too", async (t) => {
  const app = Fastify()
  await app.register(rateLimit, { global: false, max: 3, timeWindow: 60_000 })
  await app.register(fastifyAllowedMethods, { notImplemented: true })
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => reply.code(404).send('nope'))
  app.get('/a', ok)
  await app.ready()
  t.assert.deepStrictEqual(await statuses(app, times(5, ['GET', '/missing'])), [404, 404, 404, 429, 429])
  const other = Fastify()
  await other.register(rateLimit, { global: false, max: 3, timeWindow: 60_000 })
  await other.register(fastifyAllowedMethods, { notImplemented: true })
  other.setNotFoundHandler({ preHandler: other.rateLimit() }, (request, reply) => reply.code(404).send('nope'))
  other.get('/a', ok)
  other.post('/b', ok)
  await other.ready()
  t.assert.deepStrictEqual(
    await statuses(other, [...times(2, ['POST', '/a']), ['OPTIONS', '/a'], ['PATCH', '/a'], ['POST', '/a']]),
    [405, 405, 200, 429, 429])
  // Matched routes are not on the not-found path.
  t.assert.deepStrictEqual(await statuses(other, times(2, ['GET', '/a'])), [200, 200])
})

for (const hook of ['onRequest', 'preValidation', 'preHandler']) {
  test(`an auth hook given to setNotFoundHandler as ${hook} guards the 405 and the automatic OPTIONS`, async (t) => {
    const app = Fastify()
    await app.register(fastifyAllowedMethods)
    const auth = async (request, reply) => {
      if (request.headers.authorization !== 'Bearer ok') return reply.code(401).send({ error: 'who are you?' })
    }
    app.setNotFoundHandler({ [hook]: auth }, (request, reply) => reply.code(404).send('nope'))
    app.post('/a', ok)
    await app.ready()
    const withToken = { authorization: 'Bearer ok' }
    t.assert.deepStrictEqual(await statuses(app, [['GET', '/a'], ['OPTIONS', '/a'], ['GET', '/missing']]),
      [401, 401, 401])
    t.assert.deepStrictEqual(
      await statuses(app, [['GET', '/a', withToken], ['OPTIONS', '/a', withToken], ['GET', '/missing', withToken]]),
      [405, 200, 404])
  })
}

test("the instance's own hooks guard too, in Fastify's order, and see no body", async (t) => {
  const order = []
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.addHook('onRequest', async () => { order.push('instance onRequest') })
  app.addHook('preValidation', async (request) => { order.push(`instance preValidation body=${request.body}`) })
  app.addHook('preHandler', async () => { order.push('instance preHandler') })
  app.setNotFoundHandler({
    onRequest: async () => { order.push('not-found onRequest') },
    preValidation: async () => { order.push('not-found preValidation') },
    preHandler: (request, reply, done) => { order.push('not-found preHandler'); done() }
  }, (request, reply) => reply.code(404).send('nope'))
  app.post('/a', ok)
  await app.ready()
  const response = await app.inject({
    method: 'PUT', url: '/a', payload: '{"broken', headers: { 'content-type': 'application/json' }
  })
  t.assert.strictEqual(response.statusCode, 405, 'the 405 still wins over the 400 of a malformed body')
  t.assert.deepStrictEqual(order, [
    'instance onRequest', 'not-found onRequest', 'instance preValidation body=undefined',
    'not-found preValidation', 'instance preHandler', 'not-found preHandler'
  ])
})

test("a guard's error goes to the app's error handler; a guard's reply stops the chain", async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods, { notImplemented: true })
  app.setErrorHandler((error, request, reply) => reply.code(error.statusCode ?? 500).send({ handled: error.message }))
  let later = 0
  app.setNotFoundHandler({
    preValidation: async (request, reply) => {
      if (request.headers['x-fail'] !== undefined) throw Object.assign(new Error('guard failed'), { statusCode: 403 })
      if (request.headers['x-stop'] !== undefined) return reply.code(418).send('stopped')
    },
    preHandler: async () => { later++ }
  }, (request, reply) => reply.code(404).send('nope'))
  app.post('/a', ok)
  app.get('/b', ok)
  await app.ready()
  const failed = await app.inject({ method: 'GET', url: '/a', headers: { 'x-fail': '1' } })
  t.assert.deepStrictEqual([failed.statusCode, failed.json()], [403, { handled: 'guard failed' }])
  const stopped = await app.inject({ method: 'PATCH', url: '/a', headers: { 'x-stop': '1' } })
  t.assert.deepStrictEqual([stopped.statusCode, stopped.body], [418, 'stopped'])
  t.assert.strictEqual(later, 0)
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/a' })).statusCode, 405)
  t.assert.strictEqual(later, 1)
})

// Differential: the same guards on Fastify's own not-found path (an unknown URL, whose guards Fastify runs
// before its 404) and on the plugin's (a known URL, a method it lacks). A guard that ends the request must
// end both alike; one that lets it through leaves the 404 and the 405. The edge cases are Fastify's: each
// hook list is a chain of its own whose end counts any error but undefined and null (`done('')` ends
// preValidation's chain with a 500, where in preHandler's, with the plugin's own hook after it, it passes),
// a thrown value that is not an Error still goes to the error handler, a hook that replies and then fails
// sends nothing more.
const guards = {
  'throws a string': () => { throw 'nope' }, // eslint-disable-line no-throw-literal
  // eslint-disable-next-line prefer-promise-reject-errors
  'rejects with a plain object': () => Promise.reject({ statusCode: 418, message: 'teapot' }),
  // eslint-disable-next-line prefer-promise-reject-errors
  'rejects with nothing': () => Promise.reject(),
  'passes an empty string': (request, reply, done) => { done('') },
  'passes zero': (request, reply, done) => { done(0) },
  'throws nothing': () => { throw undefined }, // eslint-disable-line no-throw-literal
  'replies, then fails': (request, reply, done) => { reply.code(401).send('no'); done(new Error('late')) },
  'replies, then throws': async (request, reply) => { reply.code(401).send('no'); throw new Error('late') },
  hijacks: (request, reply, done) => { reply.hijack(); reply.raw.end('raw'); done() }
}
// Where Fastify's chain ends without an error, so the request goes on: to the 404, or to the plugin's 405.
const passes = new Set([
  'preHandler: passes an empty string', 'preHandler: passes zero', 'preValidation: throws nothing',
  'preHandler: throws nothing'
])

test("a guard ends the plugin's answers as it ends Fastify's 404, in every way a hook can end", async (t) => {
  for (const [name, guard] of Object.entries(guards)) {
    for (const hook of ['preValidation', 'preHandler']) {
      const app = Fastify()
      await app.register(fastifyAllowedMethods)
      app.setNotFoundHandler({ [hook]: guard }, (request, reply) => reply.code(404).send('nope'))
      app.get('/a', ok)
      await app.ready()
      const [fastifys, ours] = [await app.inject('/missing'), await app.inject({ method: 'DELETE', url: '/a' })]
      const seen = (response) => [response.statusCode, response.headers['content-type'], response.body]
      if (passes.has(`${hook}: ${name}`)) {
        t.assert.deepStrictEqual([fastifys.statusCode, ours.statusCode], [404, 405], `${hook}: ${name}`)
      } else {
        t.assert.notStrictEqual(fastifys.statusCode, 404, `${hook}: ${name}`)
        t.assert.deepStrictEqual(seen(ours), seen(fastifys), `${hook}: ${name}`)
      }
      await app.close()
    }
  }
})
