// Per-URL worst cases of the lookup: for every pattern's concrete URL (requests.js `patternRequests`), the
// time of our lookup for that URL divided by the time of the slowest single-method `find()` of that URL on a
// find-my-way router holding the same routes (HEAD included), over every method of `supportedMethods`.
//
//   node --expose-gc bench/worst-case.js [--table github] [--rounds 15] [--batch-us 30] [--json]
//
// The slowest find is what asking the router for one method can cost at that URL; a lookup that asks more
// methods per request (a partial or exact plan) shows up as a ratio above it. Each time is the median over
// rounds of a batch of repetitions long enough (`--batch-us`) to be well above the timer's resolution; in
// every round each URL is timed once for ours and once per method, ours first every other round, the
// rounds starting at different URLs. A warm-up round comes first and is not counted. The URLs of highest
// ratio are measured again (see RECHECKED) before p99, max and the worst URLs are read.

import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { do_not_optimize as doNotOptimize } from 'mitata'
import plugin from '../dist/index.js'
import { registryOf } from '../dist/lookup/registry.js'
import { routeTable, withHead } from './routes.js'
import { plainApp, patternRequests } from './requests.js'
import { median, percentile } from './stats.js'

const require = createRequire(import.meta.url)
// The find-my-way that Fastify loads.
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')

const noop = () => {}
const WORST = 5
/** The URLs of highest ratio measured a second time: more than p99 of the largest table. */
const RECHECKED = 24

// The first calls for a URL after other URLs cost many times the next ones (presumably its tree nodes are
// out of the CPU's caches by then): WARM untimed calls come first, so that the batch measures the per-call time.
const WARM = 8

// One loop per competitor, so that each call site sees one receiver and one method: per-call ns.
function timeLookup (registry, url, reps) {
  for (let i = 0; i < WARM; i++) doNotOptimize(registry.lookup(url, undefined))
  const started = process.hrtime.bigint()
  for (let i = 0; i < reps; i++) doNotOptimize(registry.lookup(url, undefined))
  return Number(process.hrtime.bigint() - started) / reps
}

function timeFind (router, method, url, reps) {
  for (let i = 0; i < WARM; i++) doNotOptimize(router.find(method, url))
  const started = process.hrtime.bigint()
  for (let i = 0; i < reps; i++) doNotOptimize(router.find(method, url))
  return Number(process.hrtime.bigint() - started) / reps
}

/** Repetitions for a batch of about `batchNs`, from a first estimate of the per-call time. */
const repsFor = (estimateNs, batchNs) => Math.max(16, Math.ceil(batchNs / Math.max(estimateNs, 1)))

const withoutOptions = (methods) => methods.filter(method => method !== 'OPTIONS').sort().join()

export async function worstCase (table, { rounds = 15, batchUs = 30 } = {}) {
  const routes = routeTable(table)
  const plain = await plainApp(routes)
  const { requests } = patternRequests(routes, plain)
  const methods = [...plain.supportedMethods]
  await plain.close()

  const app = Fastify()
  await app.register(plugin)
  for (const { method, url } of routes) app.route({ method, url, handler: noop })
  await app.ready()
  const registry = registryOf(app)
  const router = FindMyWay()
  for (const { method, url } of withHead(routes)) router.on(method, url, noop)

  // Our answers against Fastify's before timing (OPTIONS aside: the plugin answers it for every known URL).
  const mismatches = requests
    .map(({ url, methods: expected }) => ({ url, expected, ours: registry.lookup(url, undefined)?.methods ?? null }))
    .filter(({ expected, ours }) => withoutOptions(ours ?? []) !== withoutOptions(expected))

  const batchNs = batchUs * 1000
  const reps = requests.map(({ url }) => ({
    ours: repsFor(timeLookup(registry, url, 64), batchNs),
    find: methods.map(method => repsFor(timeFind(router, method, url, 64), batchNs))
  }))
  const ours = requests.map(() => [])
  const finds = requests.map(() => methods.map(() => []))
  /** Times the URLs of `indices` (ours and every method's find) in `rounds` rounds after a warm-up round. */
  const measure = (indices) => {
    for (let round = -1; round < rounds; round++) {
      if (typeof global.gc === 'function') global.gc()
      // Each round starts at another URL, so that none is always first after the collection.
      const offset = round < 0 ? 0 : Math.floor(round * indices.length / rounds)
      for (let k = 0; k < indices.length; k++) {
        const i = indices[(offset + k) % indices.length]
        const { url } = requests[i]
        const timeOurs = () => {
          const ns = timeLookup(registry, url, reps[i].ours)
          if (round >= 0) ours[i].push(ns)
        }
        if (round % 2 === 0) timeOurs()
        methods.forEach((method, m) => {
          const ns = timeFind(router, method, url, reps[i].find[m])
          if (round >= 0) finds[i][m].push(ns)
        })
        if (round % 2 !== 0) timeOurs()
      }
    }
  }
  const rowOf = (i) => {
    const findNs = finds[i].map(median)
    const slowest = findNs.indexOf(Math.max(...findNs))
    const oursNs = median(ours[i])
    const slowestNs = findNs[slowest]
    return { url: requests[i].url, oursNs, slowestNs, slowestMethod: methods[slowest], ratio: oursNs / slowestNs }
  }
  measure(requests.map((request, i) => i))
  // A scavenge inside a batch multiplies that batch's time (the lookups and finds allocate), and a run of
  // them can land on one URL: the highest ratios are measured again, their medians taken over both passes.
  const highest = requests.map((request, i) => i).sort((a, b) => rowOf(b).ratio - rowOf(a).ratio).slice(0, RECHECKED)
  measure(highest)
  const rows = requests.map((request, i) => rowOf(i))
  const ratios = rows.map(row => row.ratio)
  const worst = [...rows].sort((a, b) => b.ratio - a.ratio).slice(0, WORST)
    .map(row => ({ ...row, plan: registry.planOf(row.url) }))
  const asking = requests.filter(({ url }) => (registry.planOf(url)?.asked.length ?? 0) > 0).length
  await app.close()
  return {
    table,
    urls: requests.length,
    rounds,
    mismatches,
    asking,
    p50: percentile(ratios, 0.5),
    p99: percentile(ratios, 0.99),
    max: Math.max(...ratios),
    oursP50Ns: percentile(rows.map(row => row.oursNs), 0.5),
    slowestP50Ns: percentile(rows.map(row => row.slowestNs), 0.5),
    worst
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      table: { type: 'string', default: 'github' },
      rounds: { type: 'string', default: '15' },
      'batch-us': { type: 'string', default: '30' },
      json: { type: 'boolean', default: false }
    }
  })
  const result = await worstCase(values.table, { rounds: Number(values.rounds), batchUs: Number(values['batch-us']) })
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.dir(result, { depth: null })
}
