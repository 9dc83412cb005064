// HTTP benchmark: autocannon against servers on 127.0.0.1, each case measured side by side in alternation.
//
//   node bench/http.js [--size 1000] [--rounds 10] [--duration 1] [--warmup 1] [--connections 10] [--json]
//
// The servers run in child processes (server.js), only those the selected cases compare: `plain` (no plugin),
// `ours`, `ours-aos`, `ours-problem`, `ours-no-media`, `fastify-allow`, and `cors-fixed`, `cors-recipe` (the
// plugin with @fastify/cors). Each case is a pair (A, B) measured as A B, B A, A B, ... after a warm-up of each side;
// the table reports the median req/s of each side and their ratio. Client and servers share the machine's cores.

import { fork } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { routeTable, METHODS } from './routes.js'
import { plainApp, requestGroups } from './requests.js'
import { median } from './stats.js'
import { OPTIONS_PATTERN, CORS_METHODS } from './server.js'

const SERVER = fileURLToPath(new URL('./server.js', import.meta.url))
const START_TIMEOUT_MS = 60_000
/** The Origin of the cross-origin requests: @fastify/cors (`origin: true`) reflects any. */
const ORIGIN = 'https://app.example.com'

export function startServer (kind, size) {
  const child = fork(SERVER, [kind, String(size)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`server ${kind} did not start within ${START_TIMEOUT_MS} ms`))
    }, START_TIMEOUT_MS)
    child.once('message', ({ port }) => {
      clearTimeout(timer)
      resolve({ kind, child, origin: `http://127.0.0.1:${port}` })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server ${kind} exited with code ${code}`))
    })
  })
}

export function stopServer ({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL') }, 5000)
    child.removeAllListeners('exit')
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    if (child.connected) child.send('close')
    else child.kill()
  })
}

/** The request mixes, from the same generator as the lookup benchmark, checked against Fastify's router. */
export async function requestSets (size) {
  const routes = routeTable(size)
  const app = await plainApp(routes)
  const known = (method, url) => app.findRoute({ method, url }) !== null
  const groups = requestGroups(size, routes, app, 32)
  const distinct = (list, count) => [...new Map(list.map(r => [`${r.method} ${r.url}`, r])).values()].slice(0, count)
  const wrong = [
    ...distinct(groups['hit-shallow'] ?? [], 4),
    ...distinct(groups['hit-deep'] ?? [], 4),
    ...distinct(groups['hit-overlap'] ?? [], 4)
  ]
  const matched = wrong.map(({ url }) => ({ method: METHODS.find(method => known(method, url)), url }))
  const unknown = [...distinct(groups['miss-shallow'] ?? [], 6), ...distinct(groups['miss-deep'] ?? [], 6)]
  const options = [{ method: 'OPTIONS', url: OPTIONS_PATTERN.replace(':id', '42') }]
  // The automatic OPTIONS answer on the 12 wrong-method URLs: those with a PATCH route get Accept-Patch.
  const optionsMany = wrong.map(({ url }) => ({ method: 'OPTIONS', url }))
  const crossOrigin = matched.map(request => ({ ...request, headers: { origin: ORIGIN } }))
  // Preflights for the wrong-method URLs, asking for a method the URL has: README.md's recipe answers with
  // that method alone, as its target route.
  const preflight = matched.map(({ method, url }) => ({
    method: 'OPTIONS', url, headers: { origin: ORIGIN, 'access-control-request-method': method }
  }))
  await app.close()
  return { matched, wrong, unknown, options, optionsMany, crossOrigin, preflight }
}

/** For probe(): the CORS headers of a response, and which list Access-Control-Allow-Methods is. */
function corsHeaders (response, requested) {
  const origin = response.headers.has('access-control-allow-origin') ? ' +ACAO' : ''
  const methods = response.headers.get('access-control-allow-methods')
  if (methods === null) return origin
  const list = methods === CORS_METHODS.join(', ') ? 'fixed' : methods === requested ? 'requested' : methods
  return `${origin} +ACAM(${list})`
}

/**
 * One request of each to a server, to check the case measures what it says (status, Allow, Accept-Patch,
 * problem+json, CORS headers).
 */
export async function probe (server, requests) {
  const seen = new Map()
  for (const { method, url, headers } of requests) {
    const response = await fetch(server.origin + url, { method, headers })
    await response.arrayBuffer()
    const problemJson = response.headers.get('content-type')?.startsWith('application/problem+json') === true
    const problem = problemJson ? ' problem+json' : ''
    const patch = response.headers.has('accept-patch') ? ' +Accept-Patch' : ''
    const cors = corsHeaders(response, headers?.['access-control-request-method'])
    const key = `${response.status}${response.headers.has('allow') ? ' +Allow' : ''}${patch}${problem}${cors}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  return [...seen].map(([key, count]) => `${count}x ${key}`).join(', ')
}

function serverCpu ({ child }) {
  return new Promise((resolve) => {
    child.once('message', ({ cpu }) => resolve(cpu.user + cpu.system))
    child.send('cpu')
  })
}

// autocannon stops on its once-a-second sampling tick: durations are whole seconds.
export async function load (server, requests, seconds, connections) {
  seconds = Math.max(1, Math.round(seconds))
  const cpuBefore = await serverCpu(server)
  const result = await autocannon({
    url: server.origin,
    connections,
    duration: seconds,
    // A request without headers stays the one autocannon always sent (its defaults only).
    requests: requests.map(({ method, url, headers }) =>
      headers === undefined ? { method, path: url } : { method, path: url, headers })
  })
  const cpu = await serverCpu(server) - cpuBefore
  const problems = result.errors + result.timeouts
  return { rps: result.requests.total / (result.duration || seconds), cpuUs: cpu / result.requests.total, problems }
}

/**
 * Measures one case: servers `a` and `b` under the same requests, as A B, B A, ... after a warm-up of each.
 * Returns medians and ratios (B over A); `testCase` needs `a`, `b` (server objects) and `requests`.
 */
export async function compare ({ a, b, requests }, { rounds = 10, duration = 1, warmup = 1, connections = 10 } = {}) {
  const probes = { a: await probe(a, requests), b: await probe(b, requests) }
  if (warmup > 0) {
    await load(a, requests, warmup, connections)
    await load(b, requests, warmup, connections)
  }
  const servers = { a, b }
  const samples = { a: [], b: [] }
  const cpu = { a: [], b: [] }
  let problems = 0
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['a', 'b'] : ['b', 'a']
    for (const side of order) {
      const { rps, cpuUs, problems: p } = await load(servers[side], requests, duration, connections)
      samples[side].push(rps)
      cpu[side].push(cpuUs)
      problems += p
    }
  }
  // Each round's two sides ran back to back: their ratio is the least disturbed by the machine's
  // background load, which changes from one second to the next.
  const ratios = samples.a.map((rps, i) => samples.b[i] / rps)
  return {
    requests: requests.length,
    probes,
    rpsA: median(samples.a),
    rpsB: median(samples.b),
    ratio: median(ratios),
    ratioOfMedians: median(samples.b) / median(samples.a),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    ratios,
    cpuA: median(cpu.a),
    cpuB: median(cpu.b),
    // Server CPU per request, A over B: above 1 when B costs less, comparable with the req/s ratio.
    cpuRatio: median(cpu.a.map((us, i) => us / cpu.b[i])),
    problems
  }
}

export const CASES = ['matched', 'unknown', 'wrong', 'vs-allow', 'options', 'allow-on-success',
  'problem-details', 'options-media-types', 'cors-preflight', 'cors-matched', 'cors-options']

/** Runs the cases (all, or the ids in `only`); returns one row per case. */
export async function benchHttp ({
  size = 1000, rounds = 10, duration = 1, warmup = 1, connections = 10, only, log = () => {}
} = {}) {
  const sets = await requestSets(size)
  const cases = [
    {
      id: 'matched',
      name: 'matched route',
      what: 'no plugin vs ours',
      a: 'plain',
      b: 'ours',
      requests: sets.matched,
      goal: 1
    },
    {
      id: 'unknown',
      name: 'unknown URL (404)',
      what: 'Fastify 404 vs our 404',
      a: 'plain',
      b: 'ours',
      requests: sets.unknown,
      goal: 0.97
    },
    {
      id: 'wrong',
      name: 'wrong method',
      what: 'Fastify 404 vs our 405',
      a: 'plain',
      b: 'ours',
      requests: sets.wrong,
      goal: 1
    },
    {
      id: 'vs-allow',
      name: 'wrong method',
      what: 'fastify-allow 405 vs our 405',
      a: 'fastify-allow',
      b: 'ours',
      requests: sets.wrong,
      goal: null
    },
    {
      id: 'options',
      name: 'OPTIONS',
      what: 'hand-written route vs our auto answer',
      a: 'plain',
      b: 'ours',
      requests: sets.options,
      goal: null
    },
    {
      id: 'allow-on-success',
      name: 'matched route',
      what: 'allowOnSuccess off vs on',
      a: 'ours',
      b: 'ours-aos',
      requests: sets.matched,
      goal: null
    },
    {
      id: 'problem-details',
      name: 'wrong method',
      what: 'our 405 vs our problemDetails 405',
      a: 'ours',
      b: 'ours-problem',
      requests: sets.wrong,
      goal: null
    },
    {
      id: 'options-media-types',
      name: 'OPTIONS',
      what: 'requestMediaTypes off vs on (Accept-Patch)',
      a: 'ours-no-media',
      b: 'ours',
      requests: sets.optionsMany,
      goal: null
    },
    {
      id: 'cors-preflight',
      name: 'CORS preflight',
      what: 'cors fixed methods vs README recipe',
      a: 'cors-fixed',
      b: 'cors-recipe',
      requests: sets.preflight,
      goal: null
    },
    {
      id: 'cors-matched',
      name: 'matched route, Origin',
      what: 'cors fixed methods vs README recipe',
      a: 'cors-fixed',
      b: 'cors-recipe',
      requests: sets.crossOrigin,
      goal: null
    },
    // Without an Origin, cors-fixed answers 400 Invalid Preflight Request: the same answer is the plugin's alone.
    {
      id: 'cors-options',
      name: 'OPTIONS, no Origin',
      what: 'our auto answer vs through README recipe',
      a: 'ours',
      b: 'cors-recipe',
      requests: sets.optionsMany,
      goal: null
    }
  ].filter(testCase => only === undefined || only.includes(testCase.id))
  const servers = {}
  try {
    // Only the servers the cases compare: an idle one would still hold memory and start-up time.
    for (const kind of new Set(cases.flatMap(({ a, b }) => [a, b]))) servers[kind] = await startServer(kind, size)
    const rows = []
    for (const { id, name, what, a, b, requests, goal } of cases) {
      const options = { rounds, duration, warmup, connections }
      const measured = await compare({ a: servers[a], b: servers[b], requests }, options)
      const row = { id, name, what, a, b, goal, ...measured }
      rows.push(row)
      log(row)
    }
    return { size, rounds, duration, warmup, connections, rows }
  } finally {
    await Promise.all(Object.values(servers).map(stopServer))
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '10' },
      duration: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '10' },
      cases: { type: 'string', default: CASES.join(',') },
      json: { type: 'boolean', default: false }
    }
  })
  const result = await benchHttp({
    size: Number(values.size),
    rounds: Number(values.rounds),
    duration: Number(values.duration),
    warmup: Number(values.warmup),
    connections: Number(values.connections),
    only: values.cases.split(','),
    log: values.json ? () => {} : (row) => console.log(row)
  })
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
}
