// Lookup micro-benchmark: the work done on the not-found path to turn (method, URL) into the allowed set.
//
//   node --expose-gc bench/lookup.js [--table 1000] [--rounds 3] [--min-cpu-ms 120] [--json]
//
// Compared, per route table and request group (see routes.js, requests.js), on the same routes:
// - floor: one find-my-way `find(method, path)` with the request's method on a router holding the same
//   routes: the tree walk Fastify's router has already made for this request;
// - fmw-allowed (hits only): one `find()` with a method the path does have: a successful walk to the leaf;
// - ours: `registryOf(app).lookup(url, undefined)` from dist/lookup/registry.js, for a ready app that registered the
//   plugin before the routes;
// - naive: `fastify.findRoute({ method, url })` for every method of `fastify.supportedMethods`;
// - fastify-allow: fastify-allow 2.0.0's own code (its `onRoute` and `onRequest` hooks, driven with a fake
//   instance, request and reply), which scans a list of regular expressions per request.
// Every request's answer is checked against Fastify's router (naive) before anything is timed, and the
// plan our lookup follows for each request is counted (`planOf`: how many requests ask the router per request).

import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { measure, do_not_optimize as doNotOptimize } from 'mitata'
import plugin from '../dist/index.js'
import { registryOf } from '../dist/lookup/registry.js'
import { routeTable, withHead, METHODS } from './routes.js'
import { plainApp, requestGroups } from './requests.js'
import { median } from './stats.js'

const require = createRequire(import.meta.url)
// The find-my-way that Fastify loads: the one the registry uses too.
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const fastifyAllow = require('fastify-allow').default

export const COMPETITORS = ['floor', 'fmw-allowed', 'ours', 'naive', 'fastify-allow']

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

  const withPlugin = Fastify()
  await withPlugin.register(plugin)
  for (const route of routes) withPlugin.route({ method: route.method, url: route.url, handler: noop })
  await withPlugin.ready()
  const registry = registryOf(withPlugin)

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
  return { routes, app, withPlugin, floor, registry, allowHook, allowBuildMs, naive, groups }
}

/** Batches of one group's requests per competitor: each call runs every request of the group once. */
function batches ({ floor, registry, allowHook, naive }, requests) {
  const n = requests.length
  const allowRequests = requests.map(({ method, url }) => ({ method, url, routeOptions: {} }))
  const reply = fakeReply()
  // A method the path does have, for the successful-walk reference (hits only).
  const allowed = requests.map(({ url }) => METHODS.find(method => floor.find(method, url) !== null))
  const out = {
    floor () {
      for (let i = 0; i < n; i++) doNotOptimize(floor.find(requests[i].method, requests[i].url))
    },
    ours () {
      for (let i = 0; i < n; i++) doNotOptimize(registry.lookup(requests[i].url, undefined))
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
 * Every request's answer from ours and fastify-allow, compared with Fastify's own router (OPTIONS aside: the
 * plugin answers it for every known URL); and per group, how many requests our lookup answers by asking the
 * router (`planOf(url).asked` not empty).
 */
function check (built) {
  const { registry, allowHook, naive, groups } = built
  const result = { requests: 0, oursMismatches: [], allowAgrees: 0, asking: {} }
  const reply = fakeReply()
  for (const [group, requests] of Object.entries(groups)) {
    result.asking[group] = requests.filter(({ url }) => (registry.planOf(url)?.asked.length ?? 0) > 0).length
    for (const { method, url } of requests) {
      result.requests++
      const expected = withoutOptions(naive(url))
      const ours = withoutOptions(registry.lookup(url, undefined)?.allow ?? null)
      if (ours !== expected) result.oursMismatches.push({ group, method, url, expected, ours })
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

/** Times every competitor on every group, in `rounds` interleaved rounds; returns median ns per request. */
export async function benchTable (table, { rounds = 3, minCpuMs = 120 } = {}) {
  const built = await buildAll(table)
  const checks = check(built)
  const results = {}
  for (const [group, requests] of Object.entries(built.groups)) {
    const fns = batches(built, requests)
    const names = COMPETITORS.filter(name => name in fns)
    const samples = Object.fromEntries(names.map(name => [name, []]))
    for (let round = 0; round < rounds; round++) {
      // One collection per round rather than mitata's one per measurement: with 10,000 routes in the heap,
      // each takes over 100 ms. The p50 of the samples is what counts, so a collection inside is harmless.
      if (typeof global.gc === 'function') global.gc()
      // Rotate the order so that no competitor always runs right after the same other one.
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + round) % names.length]
        const options = { min_cpu_time: minCpuMs * 1e6, batch_samples: 128, min_samples: 6, gc: false }
        const stats = await measure(fns[name], options)
        samples[name].push(stats.p50 / requests.length)
      }
    }
    results[group] = Object.fromEntries(names.map(name => [name, median(samples[name])]))
  }
  await built.app.close()
  await built.withPlugin.close()
  return {
    table,
    routes: built.routes.length,
    patterns: new Set(built.routes.map(route => route.url)).size,
    groupSizes: Object.fromEntries(Object.entries(built.groups).map(([group, requests]) => [group, requests.length])),
    allowBuildMs: built.allowBuildMs,
    checks,
    results
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      table: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '3' },
      'min-cpu-ms': { type: 'string', default: '120' },
      json: { type: 'boolean', default: false }
    }
  })
  const result = await benchTable(values.table, {
    rounds: Number(values.rounds), minCpuMs: Number(values['min-cpu-ms'])
  })
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.dir(result, { depth: null })
}
