// fastify-metrics (the real package) labels a request with `routeOptions.url`, which Fastify leaves undefined
// for every request its router did not match: a 405 is skipped (`registeredRoutesOnly`, the default) or
// counted as `__unknown__`, with the 404s. docs/features.md's recipe labels it with `request.resourcePattern()`.
import { test } from 'node:test'
import Fastify from 'fastify'
import metricsPlugin from 'fastify-metrics'
import fastifyAllowedMethods from '../../dist/index.js'

/** docs/features.md's recipe. */
const recipe = {
  registeredRoutesOnly: false,
  overrides: {
    labels: { getRouteLabel: (request) => request.routeOptions.url ?? request.resourcePattern() ?? '__unknown__' }
  }
}

/** The plugin, then fastify-metrics (it adds its `/metrics` route, and routes come after the plugin), then routes. */
async function build (routeMetrics) {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  // clearRegisterOnInit: each test's app registers the same metrics in prom-client's global registry.
  await app.register(metricsPlugin, {
    endpoint: '/metrics', clearRegisterOnInit: true, defaultMetrics: { enabled: false }, routeMetrics
  })
  app.get('/users/:id', async () => 'user')
  app.post('/users/me', async () => 'me')
  await app.ready()
  return app
}

/** The request counts fastify-metrics exposes, by their labels (`method route status_code`). */
async function counts (app) {
  const text = (await app.inject('/metrics')).body
  const found = {}
  for (const [, labels, count] of text.matchAll(/^http_request_duration_seconds_count\{(.*)\} (\d+)$/gm)) {
    const pairs = [...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v])
    const { method, route, status_code: status } = Object.fromEntries(pairs)
    found[`${method} ${route} ${status}`] = Number(count)
  }
  return found
}

async function send (app, requests) {
  for (const [method, url] of requests) await app.inject({ method, url })
}

test('alone, fastify-metrics skips the 405, or counts it as __unknown__ with the 404s', async (t) => {
  const byDefault = await build({})
  await send(byDefault, [['DELETE', '/users/1'], ['GET', '/nope'], ['GET', '/users/1']])
  t.assert.deepStrictEqual(await counts(byDefault), { 'GET /users/:id 200': 1 })
  await byDefault.close()

  const everything = await build({ registeredRoutesOnly: false })
  await send(everything, [['DELETE', '/users/1'], ['GET', '/nope'], ['GET', '/users/1']])
  t.assert.deepStrictEqual(await counts(everything),
    { 'DELETE __unknown__ 405': 1, 'GET __unknown__ 404': 1, 'GET /users/:id 200': 1 })
  await everything.close()
})

test('with the recipe, the 405 is counted under its route pattern, one series for every URL of it', async (t) => {
  const app = await build(recipe)
  t.after(() => app.close())
  const users = Array.from({ length: 20 }, (_, i) => ['DELETE', `/users/${i}`])
  await send(app,
    [...users, ['DELETE', '/users/me'], ['PATCH', '/users/me'], ['GET', '/nope'], ['POST', '/nope/1'],
      ['GET', '/users/1']])
  t.assert.deepStrictEqual(await counts(app), {
    'DELETE /users/:id 405': 20,
    // GET /users/:id and POST /users/me both route /users/me: the most specific names it.
    'DELETE /users/me 405': 1,
    'PATCH /users/me 405': 1,
    'GET __unknown__ 404': 1,
    'POST __unknown__ 404': 1,
    'GET /users/:id 200': 1
  })
})
