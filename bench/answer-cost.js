// What the opt-in features (problemDetails, requestMediaTypes, the CORS recipe) and the routes' guards cost
// on the 405 and OPTIONS paths, measured in one process, side by side.
//
//   node --expose-gc bench/answer-cost.js [--table 1000] [--rounds 9] [--min-cpu-ms 150] [--pair id]
//     [--pairs id,id] [--json]
//
// Across processes (http.js) two identical servers differ by up to a quarter on this machine, more than these
// features cost. Here the apps of a pair (server.js's kinds, `buildApp`, no socket; two, or three for
// `guards`) answer the same requests through `app.inject()` in one process of their own (one child per
// pair: apps of other pairs would leave Fastify's shared code optimised for them), interleaved over rounds;
// the ratio of A to B is the median over rounds of A's time per request over B's (below 1: B costs more).
// `--pair` runs one pair in this process, `--pairs` some of them, each in its child. Pairs:
// - problem-details: ours vs ours-problem, on wrong-method requests (the 405);
// - media-types: ours-no-media vs ours, OPTIONS on URLs with a PATCH route (Accept-Patch);
// - cors-preflight: cors-fixed vs README.md's CORS recipe (cors-recipe), on preflights;
// - cors-matched: the same, on matched requests with an Origin;
// - cors-options: ours vs cors-recipe, OPTIONS without an Origin (the automatic answer, through cors's
//   `OPTIONS *` under the recipe; cors-fixed would answer 400);
// - guards: the 405 with the routes in an encapsulated plugin, three apps: without a guard
//   (ours-encapsulated), behind the plugin's onRequest guard, which the caller passes (ours-guarded: the
//   plugin runs it before its 405), and the same app under `guards: 'not-found'` (ours-guarded-not-found:
//   it does not); every request carries the authorised caller's Authorization.
// And the work Accept-Patch adds, apart: `registry.mediaTypesFor('PATCH', url)` in ns, next to
// `registry.lookup(url)`, the lookup every OPTIONS answer makes.

import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { measure, do_not_optimize as doNotOptimize } from 'mitata'
import { registryOf } from '../dist/lookup/registry.js'
import { buildApp, CORS_METHODS, AUTHORISED } from './server.js'
import { routeTable } from './routes.js'
import { plainApp, patternRequests } from './requests.js'
import { median } from './stats.js'

const ORIGIN = 'https://app.example.com'
const PER_SET = 48

/** Each pair's apps (server.js kinds) and requests; `compare`: the ratios printed, [A, B] by index (default A vs B). */
export const PAIRS = [
  { id: 'problem-details', sides: ['ours', 'ours-problem'], requests: 'wrong' },
  { id: 'media-types', sides: ['ours-no-media', 'ours'], requests: 'optionsPatch' },
  { id: 'cors-preflight', sides: ['cors-fixed', 'cors-recipe'], requests: 'preflight' },
  { id: 'cors-matched', sides: ['cors-fixed', 'cors-recipe'], requests: 'crossOrigin' },
  { id: 'cors-options', sides: ['ours', 'cors-recipe'], requests: 'options' },
  {
    id: 'guards',
    sides: ['ours-encapsulated', 'ours-guarded', 'ours-guarded-not-found'],
    requests: 'wrongAuthorised',
    compare: [[0, 1], [0, 2], [2, 1]]
  }
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
    wrongAuthorised: some(requests.filter(r => r.wrong !== null)
      .map(({ url, wrong }) => ({ method: wrong, url, headers: AUTHORISED }))),
    optionsPatch: some(requests.filter(r => r.methods.includes('PATCH'))
      .map(({ url }) => ({ method: 'OPTIONS', url }))),
    preflight: some(requests.map(({ url, methods }) => ({
      method: 'OPTIONS', url, headers: { origin: ORIGIN, 'access-control-request-method': methods[0] }
    }))),
    crossOrigin: some(requests.map(({ url, methods }) => ({ method: methods[0], url, headers: { origin: ORIGIN } }))),
    options: some(requests.map(({ url }) => ({ method: 'OPTIONS', url })))
  }
}

/**
 * What a set's responses are, to show the pair measures what it says (status, and the headers at stake):
 * `+ACAM(fixed)` is cors-fixed's list, `+ACAM(requested)` the preflight's Access-Control-Request-Method alone;
 * `+Vary: *` marks an answer the routes' guards decided (it depends on the caller).
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
      headers.vary === '*' && '+Vary: *',
      methods !== undefined && `+ACAM(${list})`].filter(Boolean).join(' ')
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  return [...seen].map(([key, count]) => `${count}x ${key}`).join(', ')
}

const injectAll = (app, requests) => async () => {
  for (const request of requests) doNotOptimize(await app.inject(request))
}

/** Measures one pair in this process: its sides take turns, starting with the next one every round. */
async function benchPair ({ id, sides, requests: name, compare = [[0, 1]] }, table, { rounds, minCpuMs }) {
  const requests = (await requestSets(table))[name]
  const apps = []
  try {
    for (const kind of sides) apps.push(await buildApp(kind, table))
    const probes = []
    for (const app of apps) probes.push(await probe(app, requests))
    const samples = sides.map(() => [])
    for (let round = 0; round < rounds; round++) {
      if (typeof global.gc === 'function') global.gc()
      for (let turn = 0; turn < sides.length; turn++) {
        const side = (round + turn) % sides.length
        const options = { min_cpu_time: minCpuMs * 1e6, min_samples: 6, gc: false }
        const stats = await measure(injectAll(apps[side], requests), options)
        samples[side].push(stats.p50 / requests.length)
      }
    }
    const ratios = compare.map(([a, b]) => ({ a, b, ratio: median(samples[a].map((ns, i) => ns / samples[b][i])) }))
    const result = { id, sides, requests: requests.length, ns: samples.map(median), ratios, probes }
    if (id === 'media-types') {
      result.micro = await microMediaTypes(apps[1], requests.map(({ url }) => url), { rounds, minCpuMs })
    }
    return result
  } finally {
    for (const app of apps) await app.close()
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
    for (let round = 0; round < rounds; round++) {
      const stats = await measure(fn, { min_cpu_time: minCpuMs * 1e6, batch_samples: 128, gc: false })
      ns.push(stats.p50 / urls.length)
    }
    micro[name] = median(ns)
  }
  return micro
}

/** Every pair (or those of `ids`), each in a child process of its own. */
export function benchAnswers (table, { rounds = 9, minCpuMs = 150, ids = PAIRS.map(({ id }) => id) } = {}) {
  const args = ['--table', String(table), '--rounds', String(rounds), '--min-cpu-ms', String(minCpuMs), '--json']
  const pairs = ids.map((id) => JSON.parse(execFileSync(process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), ...args, '--pair', id],
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
      pairs: { type: 'string' },
      json: { type: 'boolean', default: false }
    }
  })
  const ids = values.pairs?.split(',').map(id => id.trim()) ?? (values.pair === undefined ? [] : [values.pair])
  const unknown = ids.filter(id => !PAIRS.some(pair => pair.id === id))
  if (unknown.length > 0) {
    throw new Error(`unknown pair ${unknown.join(', ')} (known: ${PAIRS.map(({ id }) => id).join(', ')})`)
  }
  const settings = { rounds: Number(values.rounds), minCpuMs: Number(values['min-cpu-ms']) }
  const result = values.pair === undefined
    ? benchAnswers(values.table, ids.length === 0 ? settings : { ...settings, ids })
    : await benchPair(PAIRS.find(({ id }) => id === values.pair), values.table, settings)
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.dir(result, { depth: null })
}
