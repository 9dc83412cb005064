import { test } from 'node:test'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'

// The plugin handed `setNotFoundHandler` its hooks as arrays (`[ours]`, `[yours, ours]`) and, without a
// handler of the app's, no handler at all. Tracers wrap `setNotFoundHandler` (@sentry/node's copy of the
// @fastify/otel instrumentation calls a hook option as one function, @fastify/otel reads `handler.name`):
// every 404 became a 500, or registration threw. What a plugin registered before ours is handed must keep
// the shapes Fastify documents: each hook option a function where the app gave a function or none (an array
// where it gave an array), and the handler a function.

/** A plugin registered first that records each call of `setNotFoundHandler` it sees, then makes it. */
const recorder = (calls) => fp(async (app) => {
  const original = app.setNotFoundHandler
  app.setNotFoundHandler = function (opts, handler) {
    calls.push(typeof opts === 'function' ? { handler: opts } : { ...opts, handler })
    return original.call(this, opts, handler)
  }
})

const shapes = (call) => Object.fromEntries(Object.entries(call)
  .map(([name, value]) => [name, Array.isArray(value) ? 'array' : typeof value]))

async function appWhere (setNotFound) {
  const calls = []
  const app = Fastify()
  await app.register(recorder(calls))
  await app.register(fastifyAllowedMethods)
  setNotFound(app)
  app.get('/a', ok)
  await app.ready()
  return { app, calls }
}

const guard = async (request, reply) => {
  if (request.headers['x-deny'] !== undefined) return reply.code(429).send('slow down')
}
const handler = (request, reply) => reply.code(404).send('mine')

test('without a handler of the app\'s: function hooks and Fastify\'s own handler, a function', async (t) => {
  const { app, calls } = await appWhere(() => {})
  t.assert.deepStrictEqual(calls.map(shapes), [{ onRequest: 'function', preHandler: 'function', handler: 'function' }])
  const fastifyAlone = Fastify()
  fastifyAlone.get('/a', ok)
  const [ours, theirs] = await Promise.all([app, fastifyAlone].map(instance => instance.inject('/missing')))
  t.assert.strictEqual(ours.statusCode, 404)
  t.assert.strictEqual(ours.body, theirs.body)
  t.assert.strictEqual((await app.inject({ method: 'DELETE', url: '/a' })).statusCode, 405)
})

test('the app\'s handler alone, then with a function hook, then with an array', async (t) => {
  const cases = [
    [(app) => app.setNotFoundHandler(handler),
      { onRequest: 'function', preHandler: 'function', handler: 'function' }],
    [(app) => app.setNotFoundHandler({ preHandler: guard }, handler),
      { onRequest: 'function', preHandler: 'function', handler: 'function' }],
    [(app) => app.setNotFoundHandler({ preHandler: [guard, guard] }, handler),
      { onRequest: 'function', preHandler: 'array', handler: 'function' }]
  ]
  for (const [setNotFound, expected] of cases) {
    const { app, calls } = await appWhere(setNotFound)
    t.assert.deepStrictEqual(shapes(calls.at(-1)), expected)
    t.assert.strictEqual((await app.inject('/missing')).body, 'mine')
    // The app's guard runs before the 405, as before the 404.
    t.assert.strictEqual((await app.inject({ method: 'DELETE', url: '/a', headers: { 'x-deny': '1' } })).statusCode,
      setNotFound === cases[0][0] ? 405 : 429)
    t.assert.strictEqual((await app.inject({ method: 'DELETE', url: '/a' })).statusCode, 405)
    t.assert.strictEqual((await app.inject({ method: 'GET', url: '/missing', headers: { 'x-deny': '1' } })).statusCode,
      setNotFound === cases[0][0] ? 404 : 429)
  }
})

test('a hook joined with ours as one function still stops the chain when it replies, ' +
  'and passes its errors on', async (t) => {
  const failing = async () => { throw Object.assign(new Error('no entry'), { statusCode: 403 }) }
  const { app } = await appWhere((app) => app.setNotFoundHandler({ preHandler: failing }, handler))
  const refused = await app.inject({ method: 'DELETE', url: '/a' })
  t.assert.strictEqual(refused.statusCode, 403)
  t.assert.strictEqual(refused.json().message, 'no entry')
  t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/a' })).statusCode, 403)
})
