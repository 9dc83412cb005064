// Unit tests of `decide` (lib/respond/decide.ts): which answer a request that reached the not-found context is
// owed, as a value, on the registry of a real app. What the delivery makes of each decision (narrowing, guards,
// the response itself) is the concern of the plugin tests.

import { test } from 'node:test'
import Fastify from 'fastify'
import allowedMethods from '../../dist/index.js'
import { registryOf } from '../../dist/lookup/registry.js'
import { decide } from '../../dist/respond/decide.js'

const ALL_RULES = { autoOptions: true, notImplemented: true }

/**
 * The registry of an app with a plain resource and one whose GET is versioned; with `declining`, a catch-all OPTIONS
 * route hands every OPTIONS request to the not-found handler, as @fastify/cors with `preflight: false` does.
 */
async function registryOfApp ({ declining = false } = {}) {
  const app = Fastify()
  await app.register(allowedMethods)
  app.get('/items', () => 'list')
  app.post('/items', () => 'created')
  app.delete('/other', () => 'gone')
  app.get('/versioned', { constraints: { version: '1.0.0' } }, () => 'v1')
  app.post('/versioned', () => 'unversioned')
  if (declining) app.options('*', (request, reply) => reply.callNotFound())
  await app.ready()
  return registryOf(app)
}

const asked = (method, url, { constraints, declined = false } = {}) => ({ method, url, constraints, declined })

test('a known URL, another method: 405 with the URL\'s methods', async (t) => {
  const registry = await registryOfApp()
  const decision = decide(registry, ALL_RULES, asked('DELETE', '/items'))
  t.assert.strictEqual(decision.kind, 'method-not-allowed')
  t.assert.deepStrictEqual(decision.answer.methods, ['GET', 'HEAD', 'OPTIONS', 'POST'])
})

test('an unknown URL: not found, whatever the method', async (t) => {
  const registry = await registryOfApp()
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('DELETE', '/nowhere')).kind, 'not-found')
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('OPTIONS', '/nowhere')).kind, 'not-found')
})

test('OPTIONS on a known URL: the automatic answer, or 405 without autoOptions', async (t) => {
  const registry = await registryOfApp()
  const decision = decide(registry, ALL_RULES, asked('OPTIONS', '/items'))
  t.assert.strictEqual(decision.kind, 'options')
  t.assert.strictEqual(decision.answer.allow, 'GET, HEAD, OPTIONS, POST')
  const without = decide(registry, { autoOptions: false, notImplemented: false }, asked('OPTIONS', '/items'))
  t.assert.strictEqual(without.kind, 'method-not-allowed')
})

test('a method no route serves: 501 with notImplemented, before the URL is looked at', async (t) => {
  const registry = await registryOfApp()
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('BREW', '/items')).kind, 'not-implemented')
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('BREW', '/nowhere')).kind, 'not-implemented')
  t.assert.strictEqual(decide(registry, { autoOptions: true, notImplemented: false }, asked('BREW', '/items')).kind,
    'method-not-allowed')
})

test('OPTIONS *: the server\'s answer, with autoOptions only; any other method at * is not found', async (t) => {
  const registry = await registryOfApp()
  const decision = decide(registry, ALL_RULES, asked('OPTIONS', '*'))
  t.assert.strictEqual(decision.kind, 'server-options')
  t.assert.strictEqual(decision.answer, registry.serverAnswer)
  t.assert.strictEqual(decide(registry, { autoOptions: false, notImplemented: false }, asked('OPTIONS', '*')).kind,
    'not-found')
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('GET', '*')).kind, 'not-found')
})

test('a route of the method that refused the constraint values: not found, as Fastify answers', async (t) => {
  const registry = await registryOfApp()
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('GET', '/versioned')).kind, 'not-found')
  const other = decide(registry, ALL_RULES, asked('DELETE', '/versioned', { constraints: { version: '1.0.0' } }))
  t.assert.strictEqual(other.kind, 'method-not-allowed', 'another method at the URL is refused for its method')
})

test('declined by a matched route: the automatic OPTIONS answer for a known URL, nothing else', async (t) => {
  const registry = await registryOfApp({ declining: true })
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('OPTIONS', '/items')).kind, 'not-found',
    'the router matched the catch-all: unless it declines, its answer stands')
  const declined = { declined: true }
  const resource = decide(registry, ALL_RULES, asked('OPTIONS', '/items', declined))
  t.assert.strictEqual(resource.kind, 'options')
  t.assert.strictEqual(resource.answer.allow, 'GET, HEAD, OPTIONS, POST')
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('OPTIONS', '*', declined)).kind, 'server-options')
  t.assert.strictEqual(decide(registry, ALL_RULES, asked('OPTIONS', '/nowhere', declined)).kind, 'not-found')
  t.assert.strictEqual(decide(registry, { autoOptions: false, notImplemented: true },
    asked('OPTIONS', '/items', declined)).kind, 'not-found', 'without autoOptions the route\'s 404 stands')
})
