'use strict'
// One tracing scenario, in a process of its own: tracers subscribe to Fastify's diagnostics channel
// (@sentry/node), patch `require('fastify')` (dd-trace) or install a global tracer provider (OpenTelemetry),
// so each must be set up before Fastify is required, and once per process. Run by
// test/integration/interop-tracing.test.js through fork(); it builds the same apps for every scenario, sends the same
// requests over real HTTP on 127.0.0.1 (dd-trace and Sentry trace the HTTP server, not `inject()`), and
// sends back over IPC each app's answers, and the spans when the tracer is OpenTelemetry. dd-trace's spans
// go to stdout (its log exporter); Sentry's events go to the test's collector.
//
// argv[2] is JSON: { tracer: 'none' | 'sentry' | 'otel' | 'dd-trace', plugin: 'none' | 'first' | 'after-otel'
// | 'before-otel', collector: port, project: number, keep501sFromSentry?: boolean, otelOnInitialization?:
// boolean }.

const { tracer, plugin, collector, project, keep501sFromSentry, otelOnInitialization } = JSON.parse(process.argv[2])

// The tracer, before Fastify and node:http are loaded.
let sentry
let otel
if (tracer === 'sentry') {
  sentry = require('@sentry/node')
  const dsn = `http://public@127.0.0.1:${collector}/${project}`
  if (keep501sFromSentry) {
    // docs/deploying.md's recipe: Sentry's default (a status >= 500) but for the plugin's 501s.
    const { NotImplementedError } = require('../../../dist/index.cjs')
    sentry.init({
      dsn,
      integrations: [sentry.fastifyIntegration({
        shouldHandleError: (error) => !(error instanceof NotImplementedError) && (error.statusCode ?? 500) >= 500
      })]
    })
  } else {
    // Nothing but the DSN, as Sentry's quick start has it: its Fastify integration is on by default.
    sentry.init({ dsn })
  }
} else if (tracer === 'dd-trace') {
  // The exporter and the features that would reach an agent are set by the test through DD_* variables.
  require('dd-trace').init()
} else if (tracer === 'otel') {
  const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base')
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node')
  const FastifyOtelInstrumentation = require('@fastify/otel')
  const exporter = new InMemorySpanExporter()
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  provider.register()
  // `registerOnInitialization` (the way of OpenTelemetry's Node SDK) registers it in every Fastify instance
  // as the instance is created: before anything else.
  const instrumentation = new FastifyOtelInstrumentation({ registerOnInitialization: otelOnInitialization === true })
  instrumentation.setTracerProvider(provider)
  otel = { exporter, instrumentation }
}

const http = require('node:http')
const Fastify = require('fastify')
const rateLimit = require('@fastify/rate-limit')
const fastifyAllowedMethods = require('../../../dist/index.cjs')

const routes = (app) => {
  app.get('/items', async () => ({ items: [] }))
  app.post('/items', async () => ({ created: true }))
  app.delete('/items/:id', async () => ({ deleted: true }))
}

// 200, 404, 405 (and the methods listed in Allow), the automatic OPTIONS, 501 on a known and an unknown URL.
const requests = [
  ['GET', '/items'], ['GET', '/nowhere'], ['DELETE', '/items'], ['POST', '/items/1'], ['OPTIONS', '/items'],
  ['PROPFIND', '/items'], ['PROPFIND', '/nowhere']
]

// Named functions: Sentry and @fastify/otel read `.name` of what they wrap. Each guard leaves its mark on the
// answer, so that an answer given without the app's guards differs from the oracle's.
const guard = (mark) => function markGuard (request, reply, done) {
  reply.header('x-guards', `${reply.getHeader('x-guards') ?? ''}${mark}`)
  done()
}
function notFound (request, reply) {
  reply.code(404).send({ notFound: request.url })
}

// The apps' not-found and error handlers, set after the plugin (as its README asks) and the routes.
const apps = [
  { name: 'no not-found handler of the app', requests, setUp () {} },
  { name: 'setNotFoundHandler(handler)', requests, setUp: (app) => app.setNotFoundHandler(notFound) },
  {
    name: 'setNotFoundHandler({ preHandler: fn }, handler)',
    requests,
    setUp: (app) => app.setNotFoundHandler({ preHandler: guard('A') }, notFound)
  },
  {
    name: 'setNotFoundHandler({ preHandler: [fn1, fn2] }, handler)',
    requests,
    setUp: (app) => app.setNotFoundHandler({ preHandler: [guard('A'), guard('B')] }, notFound)
  },
  {
    name: 'the plugin\'s notFound option',
    requests,
    pluginOptions: { notFound },
    // Without the plugin, the same handler set by the app.
    setUp: (app) => { if (plugin === 'none') app.setNotFoundHandler(notFound) }
  },
  {
    name: 'setErrorHandler(formats the error)',
    requests,
    setUp: (app) => app.setErrorHandler((error, request, reply) => {
      reply.code(error.statusCode ?? 500).send({ handled: error.message })
    })
  },
  {
    name: 'setErrorHandler(sends the error on)',
    requests,
    setUp: (app) => app.setErrorHandler((error, request, reply) => { reply.send(error) })
  },
  ...[['a wrong method', ['DELETE', '/items']], ['an unknown URL', ['GET', '/nowhere']]].map(([what, request]) => ({
    name: `@fastify/rate-limit's not-found pattern, limit 1, ${what} twice`,
    requests: [request, request],
    async setUp (app) {
      await app.register(rateLimit, { global: true, max: 1, timeWindow: 60_000 })
      app.setNotFoundHandler({ preHandler: app.rateLimit() }, notFound)
    }
  }))
]

async function build ({ setUp, pluginOptions }) {
  const app = Fastify()
  const otelFirst = plugin === 'after-otel' || (tracer === 'otel' && plugin === 'none')
  if (otelFirst) await app.register(otel.instrumentation.plugin())
  if (plugin !== 'none') await app.register(fastifyAllowedMethods, { notImplemented: true, ...pluginOptions })
  if (plugin === 'before-otel') await app.register(otel.instrumentation.plugin())
  routes(app)
  await setUp(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  return app
}

// Each request carries its app's and its own index in the query (the same in every scenario, even when an
// app failed to build), so that the test can tell spans and events apart.
function send (port, probe, method, path) {
  const url = `${path}?probe=${probe}`
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, method, path: url, agent: false, timeout: 5000 }
    const request = http.request(options, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => { body += chunk })
      response.on('end', () => resolve({
        method,
        url,
        status: response.statusCode,
        allow: response.headers.allow,
        guards: response.headers['x-guards'],
        body
      }))
    })
    request.on('timeout', () => request.destroy(new Error(`${method} ${url} timed out`)))
    request.on('error', reject)
    request.end()
  })
}

async function main () {
  const results = []
  for (const [index, scenarioApp] of apps.entries()) {
    let app
    try {
      app = await build(scenarioApp)
    } catch (error) {
      results.push({ name: scenarioApp.name, error: error.message, answers: [] })
      continue
    }
    const answers = []
    const { port } = app.server.address()
    for (const [n, [method, path]] of scenarioApp.requests.entries()) {
      answers.push(await send(port, `${index}.${n}`, method, path))
    }
    await app.close()
    results.push({ name: scenarioApp.name, answers })
  }
  if (sentry !== undefined) await sentry.flush(5000)
  const spans = otel?.exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    attributes: span.attributes,
    status: span.status
  }))
  process.send({ results, spans }, () => process.disconnect())
}

main().catch((error) => {
  // An app still listening would keep the process up until the test's timeout.
  process.send({ crash: error.stack }, () => process.exit(1))
})
