// Lookup micro-benchmark: the work done on the not-found path to turn (method, URL) into the allowed set.
//
//   node --expose-gc bench/lookup.js [--table 1000] [--rounds 3] [--min-cpu-ms 120] [--warm-calls 3000000] [--json]
//
// Compared, per route table and request group (see routes.js, requests.js; `mixed`: every group's requests
// shuffled together, hits and misses interleaved as real traffic sends them), on the same routes:
// - floor: one find-my-way `find(method, path)` with the request's method on a router holding the same
//   routes: the tree walk Fastify's router has already made for this request;
// - floor-compiled: the same on a router compiled by find-my-way's compiler (`compile()`, what
//   `routerOptions.compile` does to Fastify's router): the failed find of an app that compiles its router;
// - fmw-allowed (hits only): one `find()` with a method the path does have: a successful walk to the leaf;
// - ours: `registryOf(app).lookup(url, undefined)` from dist/lookup/registry.js, for a ready app that registered the
//   plugin before the routes;
// - ours-compiled: the same, its pattern index compiled by the bench (`compile()` on the router that the
//   plugin fills with the index's `{ id }` stores at ready()): the plugin walks its index, and this measures
//   what compiling it would give;
// - naive: `fastify.findRoute({ method, url })` for every method of `fastify.supportedMethods`;
// - fastify-allow: fastify-allow 2.0.0's own code (its `onRoute` and `onRequest` hooks, driven with a fake
//   instance, request and reply), which scans a list of regular expressions per request.
// Every request's answer is checked against Fastify's router (naive) before anything is timed, and the
// plan our lookup follows for each request is counted (`planOf`: how many requests ask the router per request).
// A compiled matcher is new code that V8 optimises only after many calls, path by path: before any timing,
// the floors and ours run `--warm-calls` look-ups each over the mixed requests, and the time per call over
// the first 10^3, 10^4, ... of them is kept (`warmUp`), as is the time `compile()` takes on our index. Each
// round starts with a full collection, as the heap of a server sees them now and then.

import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { measure, do_not_optimize as doNotOptimize } from 'mitata'
import plugin from '../dist/index.js'
import { registryOf } from '../dist/lookup/registry.js'
import { routeTable, withHead, METHODS } from './routes.js'
import { plainApp, prng, requestGroups } from './requests.js'
import { median } from './stats.js'

const require = createRequire(import.meta.url)
// The find-my-way that Fastify loads: the one the registry uses too.
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const fastifyAllow = require('fastify-allow').default

export const COMPETITORS = ['floor', 'floor-compiled', 'fmw-allowed', 'ours', 'ours-compiled', 'naive', 'fastify-allow']
/** The competitors warmed up before timing, and whose warm-up is kept. */
const WARMED = ['floor', 'floor-compiled', 'ours', 'ours-compiled']
/** The call counts at which the warm-up's time per call is read. */
const WARM_MARKS = [1e3, 1e4, 1e5, 1e6, 3e6]

const noop = () => {}

/** fastify-allow's hooks, captured from a fake instance; its internals are not exported. */
function buildFastifyAllow (routes) {
  const hooks = {}
  const fake = {
    initialConfig: { caseSensitive: true, ignoreTrailingSlash: false },
    addHook (name, fn) { hooks[name] = fn }
  }
  fastifyAllow(fake, {}, noop)
  for (const route of withHead(routes)) hooks.onRoute({ method: route.method, url: route.url })
  return hooks.onRequest
}

/** A reply that records what fastify-allow does with it. */
function fakeReply () {
  return {
    allow: undefined,
    statusCode: 200,
    header (name, value) { this.allow = value; return this },
    code (status) { this.statusCode = status; return this },
    send () { return this }
  }
}

export async function buildAll (table) {
  const routes = routeTable(table)
  const app = await plainApp(routes)

  const floor = FindMyWay()
  for (const route of withHead(routes)) floor.on(route.method, route.url, noop)

  const floorCompiled = FindMyWay()
  for (const route of withHead(routes)) floorCompiled.on(route.method, route.url, noop)
  floorCompiled.compile()

  const withPlugin = await appWithPlugin(routes)
  const registry = registryOf(withPlugin)
  const indexRouters = []
  const withPluginCompiled = await whileIndexing(indexRouters, () => appWithPlugin(routes))
  const registryCompiled = registryOf(withPluginCompiled)
  if (indexRouters.length !== 1) throw new Error(`found ${indexRouters.length} pattern index routers, not 1`)
  const compileStarted = performance.now()
  indexRouters[0].compile()
  const indexCompileMs = performance.now() - compileStarted

  const started = performance.now()
  const allowHook = buildFastifyAllow(routes)
  const allowBuildMs = performance.now() - started

  const supported = [...app.supportedMethods].sort()
  const naive = (url) => {
    let allow = ''
    for (const method of supported) {
      if (app.findRoute({ method, url }) !== null) allow = allow === '' ? method : `${allow}, ${method}`
    }
    return allow === '' ? null : allow
  }

  const groups = requestGroups(table, routes, app)
  groups.mixed = shuffled(Object.values(groups).flat())
  return {
    routes,
    app,
    withPlugin,
    withPluginCompiled,
    floor,
    floorCompiled,
    registry,
    registryCompiled,
    indexCompileMs,
    allowHook,
    allowBuildMs,
    naive,
    groups
  }
}

/** A seeded shuffle: the same order every run. */
function shuffled (list) {
  const random = prng(0x5A1AD)
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

async function appWithPlugin (routes) {
  const fastify = Fastify()
  await fastify.register(plugin)
  for (const route of routes) fastify.route({ method: route.method, url: route.url, handler: noop })
  await fastify.ready()
  return fastify
}

/**
 * Runs `build` while noting in `routers` each find-my-way router that `on()` gives an `{ id }` store: the
 * plugin's pattern index (lib/lookup/registry.ts `PatternId`; its overflow trees are in the same router).
 */
async function whileIndexing (routers, build) {
  const { prototype } = FindMyWay
  const on = prototype.on
  prototype.on = function noteIndex (...args) {
    const store = args[4]
    if (typeof store?.id === 'number' && !routers.includes(this)) routers.push(this)
    return on.apply(this, args)
  }
  try {
    return await build()
  } finally {
    prototype.on = on
  }
}

/** Batches of one group's requests per competitor: each call runs every request of the group once. */
function batchesOf ({ floor, floorCompiled, registry, registryCompiled, allowHook, naive }, requests) {
  const n = requests.length
  const allowRequests = requests.map(({ method, url }) => ({ method, url, routeOptions: {} }))
  const reply = fakeReply()
  // A method the path does have, for the successful-walk reference (hits only).
  const allowed = requests.map(({ url }) => METHODS.find(method => floor.find(method, url) !== null))
  const out = {
    floor () {
      for (let i = 0; i < n; i++) doNotOptimize(floor.find(requests[i].method, requests[i].url))
    },
    'floor-compiled' () {
      for (let i = 0; i < n; i++) doNotOptimize(floorCompiled.find(requests[i].method, requests[i].url))
    },
    ours () {
      for (let i = 0; i < n; i++) doNotOptimize(registry.lookup(requests[i].url, undefined))
    },
    'ours-compiled' () {
      for (let i = 0; i < n; i++) doNotOptimize(registryCompiled.lookup(requests[i].url, undefined))
    },
    naive () {
      for (let i = 0; i < n; i++) doNotOptimize(naive(requests[i].url))
    },
    'fastify-allow' () {
      for (let i = 0; i < n; i++) {
        reply.allow = undefined
        reply.statusCode = 200
        allowHook(allowRequests[i], reply, noop)
      }
      doNotOptimize(reply)
    }
  }
  if (allowed.every(method => method !== undefined)) {
    out['fmw-allowed'] = () => {
      for (let i = 0; i < n; i++) doNotOptimize(floor.find(allowed[i], requests[i].url))
    }
  }
  return out
}

const sameSet = (a, b) => {
  const x = a.split(', ').sort().join()
  const y = b.split(', ').sort().join()
  return x === y
}

const withoutOptions = (allow) =>
  allow === null ? null : allow.split(', ').filter(method => method !== 'OPTIONS').join(', ') || null

/**
 * Every request's answer from ours (walked and compiled index) and fastify-allow, compared with Fastify's own
 * router (OPTIONS aside: the plugin answers it for every known URL); and per group, how many requests our
 * lookup answers by asking the router (`planOf(url).asked` not empty). `mixed` repeats the other groups: it is
 * not checked twice.
 */
function check (built) {
  const { registry, registryCompiled, allowHook, naive, groups } = built
  const result = { requests: 0, oursMismatches: [], allowAgrees: 0, asking: {} }
  const reply = fakeReply()
  for (const [group, requests] of Object.entries(groups)) {
    result.asking[group] = requests.filter(({ url }) => (registry.planOf(url)?.asked.length ?? 0) > 0).length
    if (group === 'mixed') continue
    for (const { method, url } of requests) {
      result.requests++
      const expected = withoutOptions(naive(url))
      for (const [competitor, registryOfSide] of [['ours', registry], ['ours-compiled', registryCompiled]]) {
        const ours = withoutOptions(registryOfSide.lookup(url, undefined)?.allow ?? null)
        if (ours !== expected) result.oursMismatches.push({ competitor, group, method, url, expected, ours })
      }
      reply.allow = undefined
      reply.statusCode = 200
      allowHook({ method, url, routeOptions: {} }, reply, noop)
      const theirs = reply.statusCode === 405 ? withoutOptions(reply.allow) : null
      const agrees = theirs === expected || (theirs !== null && expected !== null && sameSet(theirs, expected))
      if (agrees) result.allowAgrees++
    }
  }
  return result
}

/**
 * Runs `calls` look-ups of each warmed competitor over the mixed requests, one competitor after the other,
 * and returns the time per call over the first `WARM_MARKS` calls of each (ns; marks beyond `calls` left out).
 */
function warmUp (built, calls) {
  const requests = built.groups.mixed
  const fns = batchesOf(built, requests)
  const result = {}
  for (const name of WARMED) {
    const curve = []
    let done = 0
    const started = process.hrtime.bigint()
    for (const mark of [...WARM_MARKS.filter(mark => mark < calls), calls]) {
      while (done < mark) {
        fns[name]()
        done += requests.length
      }
      curve.push({ calls: done, ns: Number(process.hrtime.bigint() - started) / done })
    }
    result[name] = curve
  }
  return result
}

/**
 * Times every competitor on every group, in `rounds` interleaved rounds, after the warm-up; returns median ns
 * per request, and every round's time (`samples`), for ranges and per-round ratios.
 */
export async function benchTable (table, { rounds = 3, minCpuMs = 120, warmCalls = 3e6 } = {}) {
  const built = await buildAll(table)
  const checks = check(built)
  const warm = warmUp(built, warmCalls)
  const results = {}
  const samples = {}
  for (const [group, requests] of Object.entries(built.groups)) {
    const fns = batchesOf(built, requests)
    const names = COMPETITORS.filter(name => name in fns)
    samples[group] = Object.fromEntries(names.map(name => [name, []]))
    for (let round = 0; round < rounds; round++) {
      // One collection per round rather than mitata's one per measurement: with 10,000 routes in the heap,
      // each takes over 100 ms. The p50 of the samples is what counts, so a collection inside is harmless.
      if (typeof global.gc === 'function') global.gc()
      // Rotate the order so that no competitor always runs right after the same other one.
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + round) % names.length]
        const options = { min_cpu_time: minCpuMs * 1e6, batch_samples: 128, min_samples: 6, gc: false }
        const stats = await measure(fns[name], options)
        samples[group][name].push(stats.p50 / requests.length)
      }
    }
    results[group] = Object.fromEntries(names.map(name => [name, median(samples[group][name])]))
  }
  await built.app.close()
  await built.withPlugin.close()
  await built.withPluginCompiled.close()
  return {
    table,
    routes: built.routes.length,
    patterns: new Set(built.routes.map(route => route.url)).size,
    groupSizes: Object.fromEntries(Object.entries(built.groups).map(([group, requests]) => [group, requests.length])),
    allowBuildMs: built.allowBuildMs,
    indexCompileMs: built.indexCompileMs,
    checks,
    warmUp: warm,
    results,
    samples
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      table: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '3' },
      'min-cpu-ms': { type: 'string', default: '120' },
      'warm-calls': { type: 'string', default: '3000000' },
      json: { type: 'boolean', default: false }
    }
  })
  const result = await benchTable(values.table, {
    rounds: Number(values.rounds), minCpuMs: Number(values['min-cpu-ms']), warmCalls: Number(values['warm-calls'])
  })
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.dir(result, { depth: null })
}
