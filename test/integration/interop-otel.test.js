// @fastify/otel (the real package, with OpenTelemetry's SDK) sets `http.route` from `routeOptions.url`, which
// Fastify leaves undefined for every request its router did not match: a 405's span is named `request` and
// has no route, like a 404's. docs/features.md's recipe names it from `request.resourcePattern()`.
import { test } from 'node:test'
import Fastify from 'fastify'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import fastifyAllowedMethods from '../../dist/index.js'

const exporter = new InMemorySpanExporter()
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const instrumentation = new FastifyOtelInstrumentation()
instrumentation.setTracerProvider(provider)

/** docs/features.md's recipe. */
async function nameTheResource (request) {
  const route = request.resourcePattern()
  const { span } = request.opentelemetry()
  if (route !== undefined && span != null) {
    span.setAttribute('http.route', route)
    span.updateName(`${request.method} ${route}`)
  }
}

/** @fastify/otel first (its README requires it) or after the plugin, the recipe or not, then routes. */
async function build ({ otelFirst, withRecipe }) {
  const app = Fastify()
  if (otelFirst) await app.register(instrumentation.plugin())
  await app.register(fastifyAllowedMethods)
  if (!otelFirst) await app.register(instrumentation.plugin())
  if (withRecipe) app.addHook('onSend', nameTheResource)
  app.get('/users/:id', async () => 'user')
  app.post('/users/me', async () => 'me')
  await app.register(async (api) => { api.get('/items/:id', async () => 'item') }, { prefix: '/api' })
  await app.ready()
  return app
}

/** The request span @fastify/otel ended for one request: its name, route and status. */
async function requestSpan (app, method, url) {
  exporter.reset()
  const response = await app.inject({ method, url })
  const spans = exporter.getFinishedSpans().filter(span => span.attributes['fastify.root'] === '@fastify/otel')
  if (spans.length !== 1) throw new Error(`${method} ${url}: ${spans.length} request spans`)
  const [span] = spans
  return {
    status: response.statusCode,
    name: span.name,
    route: span.attributes['http.route'],
    spanStatus: span.attributes['http.response.status_code']
  }
}

for (const otelFirst of [true, false]) {
  const order = otelFirst ? '@fastify/otel registered first' : '@fastify/otel registered after the plugin'

  test(`${order}, alone: the 405's span has no route, like a 404's`, async (t) => {
    const app = await build({ otelFirst, withRecipe: false })
    t.after(() => app.close())
    t.assert.deepStrictEqual(await requestSpan(app, 'DELETE', '/users/1'),
      { status: 405, name: 'request', route: undefined, spanStatus: 405 })
    t.assert.deepStrictEqual(await requestSpan(app, 'GET', '/nope'),
      { status: 404, name: 'request', route: undefined, spanStatus: 404 })
  })

  test(`${order}, with the recipe: the 405 and OPTIONS spans are named after the route pattern`, async (t) => {
    const app = await build({ otelFirst, withRecipe: true })
    t.after(() => app.close())
    const cases = [
      ['DELETE', '/users/1', 405, '/users/:id'],
      ['DELETE', '/users/me', 405, '/users/me'],
      ['OPTIONS', '/users/1', 200, '/users/:id'],
      ['PUT', '/api/items/7', 405, '/api/items/:id']
    ]
    for (const [method, url, status, route] of cases) {
      t.assert.deepStrictEqual(await requestSpan(app, method, url),
        { status, name: `${method} ${route}`, route, spanStatus: status }, `${method} ${url}`)
    }
    // A 404 keeps its unnamed span; a matched route keeps what @fastify/otel set.
    t.assert.deepStrictEqual(await requestSpan(app, 'GET', '/nope'),
      { status: 404, name: 'request', route: undefined, spanStatus: 404 })
    t.assert.deepStrictEqual(await requestSpan(app, 'GET', '/users/1'),
      { status: 200, name: 'request', route: '/users/:id', spanStatus: 200 })
  })
}
