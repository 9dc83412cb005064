// Tracers and error monitors wrap Fastify's APIs as the plugin does: @sentry/node 11 (its bundled copy of
// the Fastify integration wraps `setNotFoundHandler` and `addHook`), @fastify/otel (a plugin that wraps the
// same, registered first as its README asks, or after ours) and dd-trace (which patches `require('fastify')`).
// Each scenario runs in a child process (test/support/tracing/scenario.cjs), since a tracer is set up once
// per process, before Fastify is loaded. The oracles are the same script without the tracer: the plugin
// alone for every answer, Fastify alone for the 404s. Nothing leaves 127.0.0.1: Sentry's DSN and dd-trace's
// agent URL point at a collector this file starts, OpenTelemetry's spans stay in memory.
import { test, after } from 'node:test'
import { fork } from 'node:child_process'
import http from 'node:http'
import { gunzipSync } from 'node:zlib'

const SCENARIO = new URL('./support/tracing/scenario.cjs', import.meta.url)
const CHILD_TIMEOUT = 20_000

const scenarios = {
  fastifyAlone: { tracer: 'none', plugin: 'none' },
  pluginAlone: { tracer: 'none', plugin: 'first' },
  sentryAlone: { tracer: 'sentry', plugin: 'none' },
  sentry: { tracer: 'sentry', plugin: 'first' },
  otelAlone: { tracer: 'otel', plugin: 'none' },
  otelFirst: { tracer: 'otel', plugin: 'after-otel' },
  otelAfter: { tracer: 'otel', plugin: 'before-otel' },
  ddTraceAlone: { tracer: 'dd-trace', plugin: 'none' },
  ddTrace: { tracer: 'dd-trace', plugin: 'first' }
}

// The collector: Sentry's envelopes (one project number per scenario) and whatever dd-trace sends its agent.
const received = []
const collector = http.createServer((request, response) => {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    const body = Buffer.concat(chunks)
    received.push({ url: request.url, body: request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body })
    response.setHeader('content-type', 'application/json')
    response.end('{}')
  })
})
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve))
const collectorPort = collector.address().port

const childEnv = {
  ...process.env,
  // dd-trace writes its spans to stdout instead of sending them, and sends nothing else anywhere but here.
  DD_TRACE_AGENT_URL: `http://127.0.0.1:${collectorPort}`,
  DD_TRACE_EXPERIMENTAL_EXPORTER: 'log',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
  DD_CRASHTRACKING_ENABLED: 'false',
  DD_TRACE_STARTUP_LOGS: 'false'
}

function runScenario ({ tracer, plugin }, project) {
  return new Promise((resolve, reject) => {
    const child = fork(SCENARIO, [JSON.stringify({ tracer, plugin, collector: collectorPort, project })], {
      env: childEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], timeout: CHILD_TIMEOUT, killSignal: 'SIGKILL'
    })
    let stdout = ''
    let stderr = ''
    let message
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk })
    child.on('message', (value) => { message = value })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (message === undefined || message.crash !== undefined) {
        reject(new Error(`scenario ${tracer}/${plugin} ended (${signal ?? code}) without answers: ` +
          `${message?.crash ?? ''}\n${stderr}`))
      } else resolve({ ...message, stdout, stderr })
    })
  })
}

// Two children at a time, all started now: each test awaits its own. A Sentry scenario's project number
// tells its envelopes apart.
const project = Object.fromEntries(Object.keys(scenarios).map((name, index) => [name, index + 1]))
const runs = {}
const queues = [Promise.resolve(), Promise.resolve()]
for (const [index, [name, scenario]] of Object.entries(scenarios).entries()) {
  const queue = index % queues.length
  runs[name] = queues[queue].then(() => runScenario(scenario, project[name]))
  queues[queue] = runs[name].catch(() => {})
}
after(async () => {
  await Promise.all(queues)
  collector.closeAllConnections()
  collector.close()
})

/** The answers of one run, by app name; a build error stands in for the answers. */
const byApp = ({ results }) => Object.fromEntries(results.map(({ name, error, answers }) =>
  [name, error === undefined ? answers : { error }]))

/** The answers to `GET` of an unknown URL (a 404 with the plugin too), in every app of a run. */
const isNotFound = ({ method, url }) => method === 'GET' && url.startsWith('/nowhere?')
const notFoundAnswers = (run) => Object.fromEntries(run.results.map(({ name, error, answers }) =>
  [name, error === undefined ? answers.filter(isNotFound) : { error }]))

const statusesOf = (run) => Object.fromEntries(run.results.map(({ name, answers }) =>
  [name, answers.map(({ status, allow }) => allow === undefined ? status : `${status} ${allow}`)]))

const ALLOW = 'GET, HEAD, OPTIONS, POST'
const RATE_LIMITED = {
  "@fastify/rate-limit's not-found pattern, limit 1, a wrong method twice": [`405 ${ALLOW}`, 429],
  "@fastify/rate-limit's not-found pattern, limit 1, an unknown URL twice": [404, 429]
}

test('the oracles: the plugin alone answers 200, 404, 405, OPTIONS, 501, and 429 to the rate-limited', async (t) => {
  const plugin = statusesOf(await runs.pluginAlone)
  const apps = Object.keys(plugin)
  t.assert.deepStrictEqual(plugin, Object.fromEntries(apps.map((name) => [name, RATE_LIMITED[name] ??
    [200, 404, `405 ${ALLOW}`, '405 DELETE, OPTIONS', `200 ${ALLOW}`, 501, 501]])))
  // Fastify alone answers 404 wherever the plugin answers 405, OPTIONS or 501, and the same 404s.
  const fastify = await runs.fastifyAlone
  t.assert.deepStrictEqual(statusesOf(fastify), Object.fromEntries(apps.map((name) =>
    [name, name.includes('rate-limit') ? [404, 429] : [200, 404, 404, 404, 404, 404, 404]])))
  t.assert.deepStrictEqual(notFoundAnswers(await runs.pluginAlone), notFoundAnswers(fastify))
})

/** The error events Sentry sent for `project`, as `url: message` lines. */
function sentryErrors (project) {
  const errors = []
  for (const { url, body } of received) {
    if (!url.startsWith(`/api/${project}/envelope/`)) continue
    const lines = body.toString('utf8').split('\n')
    for (let i = 1; i + 1 < lines.length; i += 2) {
      if (JSON.parse(lines[i]).type !== 'event') continue
      const event = JSON.parse(lines[i + 1])
      errors.push(`${event.request?.url}: ${event.exception?.values?.[0]?.value ?? event.message}`)
    }
  }
  return errors
}

/** Checks that every answer of `run` has one span, as `spanStatus` finds them, with the answer's status. */
function assertSpans (t, run, spanStatus) {
  const missing = []
  for (const { name, error, answers } of run.results) {
    if (error !== undefined) missing.push(`${name}: the app failed to start: ${error}`)
    for (const { method, url, status } of answers) {
      const statuses = spanStatus(method, url)
      if (statuses.length !== 1 || statuses[0] !== status) {
        missing.push(`${name}: ${method} ${url} answered ${status}, its spans: [${statuses}]`)
      }
    }
  }
  t.assert.deepStrictEqual(missing, [], 'a request without its span, or with the wrong status')
}

const otelSpans = (run) => (method, url) => run.spans
  .filter(({ name, attributes }) => name === 'request' && attributes['http.request.method'] === method &&
    attributes['url.path'] === url)
  .map(({ attributes }) => attributes['http.response.status_code'])

const ddTraceSpans = (run) => {
  const spans = run.stdout.split('\n').filter((line) => line.startsWith('{"traces":'))
    .flatMap((line) => JSON.parse(line).traces.flat())
    .filter(({ name }) => name === 'fastify.request')
  return (method, url) => spans
    .filter(({ meta }) => {
      const { pathname, search } = new URL(meta['http.url'])
      return meta['http.method'] === method && pathname + search === url
    })
    .map(({ meta }) => Number(meta['http.status_code']))
}

// Sentry's wrapper takes a not-found preHandler array for one function: the app's own `[fn1, fn2]` breaks
// every 404 without the plugin too. That app is left out of the baseline.
const SENTRYS_OWN_BUG = 'setNotFoundHandler({ preHandler: [fn1, fn2] }, handler)'
const without = (answers, name) => Object.fromEntries(Object.entries(answers).filter(([app]) => app !== name))

test('Sentry alone (the baseline): Fastify\'s answers, no error event', async (t) => {
  const run = await runs.sentryAlone
  const fastify = await runs.fastifyAlone
  t.assert.deepStrictEqual(without(byApp(run), SENTRYS_OWN_BUG), without(byApp(fastify), SENTRYS_OWN_BUG))
  const skipped = `probe=${run.results.findIndex(({ name }) => name === SENTRYS_OWN_BUG)}.`
  t.assert.deepStrictEqual(sentryErrors(project.sentryAlone).filter((error) => !error.includes(skipped)), [])
})

test('Sentry with the plugin: the plugin\'s answers', async (t) => {
  t.assert.deepStrictEqual(byApp(await runs.sentry), byApp(await runs.pluginAlone))
})

test('Sentry with the plugin: Fastify\'s 404s', async (t) => {
  t.assert.deepStrictEqual(notFoundAnswers(await runs.sentry), notFoundAnswers(await runs.fastifyAlone))
})

test('Sentry with the plugin: no error event for 404, 405, OPTIONS or 501', async (t) => {
  await runs.sentry
  t.assert.deepStrictEqual(sentryErrors(project.sentry), [])
})

test('Sentry with the plugin: @fastify/rate-limit\'s not-found guard limits the 405 as the 404', async (t) => {
  const statuses = statusesOf(await runs.sentry)
  for (const [name, expected] of Object.entries(RATE_LIMITED)) t.assert.deepStrictEqual(statuses[name], expected, name)
})

/** Differential tests of one tracer's scenario: the answers of its oracle, the 404s of Fastify alone, spans. */
function tracerTests (name, title, spansOf) {
  const oracle = name.endsWith('Alone') ? 'fastifyAlone' : 'pluginAlone'
  test(`${title}: the answers without it`, async (t) => {
    t.assert.deepStrictEqual(byApp(await runs[name]), byApp(await runs[oracle]))
  })
  test(`${title}: Fastify's 404s`, async (t) => {
    t.assert.deepStrictEqual(notFoundAnswers(await runs[name]), notFoundAnswers(await runs.fastifyAlone))
  })
  test(`${title}: a span for each request, with its status`, async (t) => {
    const run = await runs[name]
    assertSpans(t, run, spansOf(run))
  })
}

tracerTests('otelAlone', '@fastify/otel alone (the baseline)', otelSpans)
tracerTests('otelFirst', '@fastify/otel registered before the plugin', otelSpans)
tracerTests('otelAfter', '@fastify/otel registered after the plugin', otelSpans)
tracerTests('ddTraceAlone', 'dd-trace alone (the baseline)', ddTraceSpans)
tracerTests('ddTrace', 'dd-trace with the plugin', ddTraceSpans)
