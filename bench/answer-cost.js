// What the opt-in features (problemDetails, requestMediaTypes, the CORS recipe) cost on the 405 and OPTIONS
// paths, measured in one process, side by side.
//
//   node --expose-gc bench/answer-cost.js [--table 1000] [--rounds 9] [--min-cpu-ms 150] [--pair id] [--json]
//
// Across processes (http.js) two identical servers differ by up to a quarter on this machine, more than these
// features cost. Here the two apps of a pair (server.js's kinds, `buildApp`, no socket) answer the same
// requests through `app.inject()` in one process of their own (one child per pair: apps of other pairs
// would leave Fastify's shared code optimised for them), interleaved over rounds; a pair's ratio is the
// median over rounds of A's time per request over B's (below 1: B costs more). Pairs:
// - problem-details: ours vs ours-problem, on wrong-method requests (the 405);
// - media-types: ours-no-media vs ours, OPTIONS on URLs with a PATCH route (Accept-Patch);
// - cors-preflight: cors-fixed vs README.md's CORS recipe (cors-recipe), on preflights;
// - cors-matched: the same, on matched requests with an Origin;
// - cors-options: ours vs cors-recipe, OPTIONS without an Origin (the automatic answer, through cors's
//   `OPTIONS *` under the recipe; cors-fixed would answer 400).
// And the work Accept-Patch adds, apart: `registry.mediaTypesFor('PATCH', url)` in ns, next to
// `registry.lookup(url)`, the lookup every OPTIONS answer makes.

import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { measure, do_not_optimize as doNotOptimize } from 'mitata'
import { registryOf } from '../dist/registry.js'
import { buildApp, CORS_METHODS } from './server.js'
import { routeTable } from './routes.js'
import { plainApp, patternRequests } from './requests.js'
import { median } from './stats.js'

const ORIGIN = 'https://app.example.com'
const PER_SET = 48

export const PAIRS = [
  { id: 'problem-details', a: 'ours', b: 'ours-problem', requests: 'wrong' },
  { id: 'media-types', a: 'ours-no-media', b: 'ours', requests: 'optionsPatch' },
  { id: 'cors-preflight', a: 'cors-fixed', b: 'cors-recipe', requests: 'preflight' },
  { id: 'cors-matched', a: 'cors-fixed', b: 'cors-recipe', requests: 'crossOrigin' },
  { id: 'cors-options', a: 'ours', b: 'cors-recipe', requests: 'options' }
]

/** The request sets, from one concrete URL per pattern that Fastify's router reaches (requests.js). */
async function requestSets (table) {
  const routes = routeTable(table)
  const app = await plainApp(routes)
  const { requests } = patternRequests(routes, app)
  await app.close()
  const some = (list) => list.slice(0, PER_SET)
  return {
    wrong: some(requests.filter(r => r.wrong !== null).map(({ url, wrong }) => ({ method: wrong, url }))),
    optionsPatch: some(requests.filter(r => r.methods.includes('PATCH')).map(({ url }) => ({ method: 'OPTIONS', url }))),
    preflight: some(requests.map(({ url, methods }) => ({
      method: 'OPTIONS', url, headers: { origin: ORIGIN, 'access-control-request-method': methods[0] }
    }))),
    crossOrigin: some(requests.map(({ url, methods }) => ({ method: methods[0], url, headers: { origin: ORIGIN } }))),
    options: some(requests.map(({ url }) => ({ method: 'OPTIONS', url })))
  }
}

/**
 * What a set's responses are, to show the pair measures what it says (status, and the headers at stake):
 * `+ACAM(fixed)` is cors-fixed's list, `+ACAM(requested)` the preflight's Access-Control-Request-Method alone.
 */
async function probe (app, requests) {
  const seen = new Map()
  for (const request of requests) {
    const { statusCode, headers } = await app.inject(request)
    const methods = headers['access-control-allow-methods']
    const list = methods === CORS_METHODS.join(', ')
      ? 'fixed'
      : methods === request.headers?.['access-control-request-method'] ? 'requested' : methods
    const key = [statusCode, headers.allow !== undefined && '+Allow',
      headers['accept-patch'] !== undefined && '+Accept-Patch',
      String(headers['content-type']).startsWith('application/problem+json') && 'problem+json',
      headers['access-control-allow-origin'] !== undefined && '+ACAO',
      methods !== undefined && `+ACAM(${list})`].filter(Boolean).join(' ')
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  return [...seen].map(([key, count]) => `${count}x ${key}`).join(', ')
}

const injectAll = (app, requests) => async () => {
  for (const request of requests) doNotOptimize(await app.inject(request))
}

/** Measures one pair in this process. */
async function benchPair ({ id, a, b, requests: name }, table, { rounds, minCpuMs }) {
  const requests = (await requestSets(table))[name]
  const apps = { a: await buildApp(a, table), b: await buildApp(b, table) }
  try {
    const probes = { a: await probe(apps.a, requests), b: await probe(apps.b, requests) }
    const samples = { a: [], b: [] }
    for (let round = 0; round < rounds; round++) {
      if (typeof global.gc === 'function') global.gc()
      for (const side of round % 2 === 0 ? ['a', 'b'] : ['b', 'a']) {
        const stats = await measure(injectAll(apps[side], requests), { min_cpu_time: minCpuMs * 1e6, min_samples: 6, gc: false })
        samples[side].push(stats.p50 / requests.length)
      }
    }
    const result = { id, a, b, requests: requests.length, nsA: median(samples.a), nsB: median(samples.b), ratio: median(samples.a.map((ns, i) => ns / samples.b[i])), probes }
    if (id === 'media-types') result.micro = await microMediaTypes(apps.b, requests.map(({ url }) => url), { rounds, minCpuMs })
    return result
  } finally {
    await apps.a.close()
    await apps.b.close()
  }
}

/** The work Accept-Patch adds to an OPTIONS answer, next to the lookup that answer makes anyway: ns per URL. */
async function microMediaTypes (app, urls, { rounds, minCpuMs }) {
  const registry = registryOf(app)
  const micro = {}
  for (const [name, fn] of [
    ['lookup', () => { for (const url of urls) doNotOptimize(registry.lookup(url, undefined)) }],
    ['mediaTypesFor', () => { for (const url of urls) doNotOptimize(registry.mediaTypesFor('PATCH', url, undefined)) }]
  ]) {
    const ns = []
    for (let round = 0; round < rounds; round++) ns.push((await measure(fn, { min_cpu_time: minCpuMs * 1e6, batch_samples: 128, gc: false })).p50 / urls.length)
    micro[name] = median(ns)
  }
  return micro
}

/** Every pair, each in a child process of its own. */
export function benchAnswers (table, { rounds = 9, minCpuMs = 150 } = {}) {
  const pairs = PAIRS.map(({ id }) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url),
    '--table', String(table), '--rounds', String(rounds), '--min-cpu-ms', String(minCpuMs), '--pair', id, '--json'],
  { encoding: 'utf8', maxBuffer: 16 << 20 }).trim().split('\n').pop()))
  return { table, rounds, pairs }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      table: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '9' },
      'min-cpu-ms': { type: 'string', default: '150' },
      pair: { type: 'string' },
      json: { type: 'boolean', default: false }
    }
  })
  const settings = { rounds: Number(values.rounds), minCpuMs: Number(values['min-cpu-ms']) }
  const pair = PAIRS.find(({ id }) => id === values.pair)
  if (values.pair !== undefined && pair === undefined) throw new Error(`unknown pair ${values.pair} (known: ${PAIRS.map(({ id }) => id).join(', ')})`)
  const result = pair === undefined ? benchAnswers(values.table, settings) : await benchPair(pair, values.table, settings)
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.dir(result, { depth: null })
}
