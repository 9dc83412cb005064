// The public decorators next to the internal lookup they answer from, per request group:
//
//   node --expose-gc bench/decorators.js [--table github] [--rounds 9] [--min-cpu-ms 120] [--groups hit-all] [--json]
//
// Compared on one app that registered the plugin before the table (routes.js, requests.js):
// - lookup: `registryOf(app).lookup(url, undefined)` from dist/lookup/registry.js, as bench/lookup.js times it;
// - instance: `app.allowedMethods(url)`, a fresh array per call (its type is `string[]`, the caller's to change);
// - instance-own: the same function called through a reference taken once, for reference: Fastify's instance
//   is an object in dictionary mode (V8's `%HasFastProperties` says false), so `app.allowedMethods` is a hash
//   look-up on every call, which this side leaves out: what remains is the decorator's own work;
// - request: `request.allowedMethods()` on a real request of the app for that URL (captured by an onRequest
//   hook while the app answers it once), without `filterAllowed`: no narrowing;
// - request-url: the lookup given `request.url` of those same requests, for reference: what reaching the URL
//   through each request object costs, which `request.allowedMethods()` must pay (it takes no URL).
// Every answer is checked against the lookup's before anything is timed. Each round times the five, in an
// order rotated from round to round (one GC per round); a round's ratio is a decorator's p50 over the lookup's
// p50 in that round, and the median over rounds is what the goal holds.

import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import Fastify from 'fastify'
import { measure, do_not_optimize as doNotOptimize } from 'mitata'
import plugin from '../dist/index.js'
import { registryOf } from '../dist/lookup/registry.js'
import { routeTable } from './routes.js'
import { plainApp, requestGroups } from './requests.js'
import { median } from './stats.js'

export const SIDES = ['lookup', 'instance', 'instance-own', 'request', 'request-url']
const CAPTURE = 'x-bench-capture'

async function build (table) {
  const routes = routeTable(table)
  const plain = await plainApp(routes)
  const groups = requestGroups(table, routes, plain)
  await plain.close()

  const app = Fastify()
  await app.register(plugin)
  for (const { method, url } of routes) app.route({ method, url, handler: () => {} })
  const captured = new Map()
  app.addHook('onRequest', (request, reply, done) => {
    if (request.headers[CAPTURE] !== undefined) captured.set(request.headers[CAPTURE], request)
    done()
  })
  await app.ready()
  const requests = {}
  for (const [group, list] of Object.entries(groups)) {
    requests[group] = []
    for (const [i, { method, url }] of list.entries()) {
      const key = `${group} ${i}`
      await app.inject({ method, url, headers: { [CAPTURE]: key } })
      const request = captured.get(key)
      // The very string the other sides get: light-my-request builds the URL string of its own request, which
      // measured slower to walk than the same URL written by requests.js. Only the decorators' work differs.
      request.raw.url = url
      requests[group].push(request)
    }
  }
  return { app, registry: registryOf(app), groups, requests }
}

/** Every answer of both decorators against the lookup's methods (`[]` for an unknown URL). */
function check ({ app, registry, groups, requests }) {
  const mismatches = []
  for (const [group, list] of Object.entries(groups)) {
    list.forEach(({ url }, i) => {
      const expected = [...registry.lookup(url, undefined)?.methods ?? []]
      const instance = app.allowedMethods(url)
      const request = requests[group][i].allowedMethods()
      if (!isDeepStrictEqual(instance, expected) || !isDeepStrictEqual([...request], expected)) {
        mismatches.push({ group, url, expected, instance, request })
      }
    })
  }
  return mismatches
}

function batches ({ app, registry }, list, requests) {
  const n = list.length
  const urls = list.map(({ url }) => url)
  const { allowedMethods } = app
  return {
    lookup () {
      for (let i = 0; i < n; i++) doNotOptimize(registry.lookup(urls[i], undefined))
    },
    instance () {
      for (let i = 0; i < n; i++) doNotOptimize(app.allowedMethods(urls[i]))
    },
    'instance-own' () {
      for (let i = 0; i < n; i++) doNotOptimize(allowedMethods(urls[i]))
    },
    request () {
      for (let i = 0; i < n; i++) doNotOptimize(requests[i].allowedMethods())
    },
    'request-url' () {
      for (let i = 0; i < n; i++) doNotOptimize(registry.lookup(requests[i].url, undefined))
    }
  }
}

export async function benchDecorators (table, { rounds = 9, minCpuMs = 120, groups } = {}) {
  const built = await build(table)
  const mismatches = check(built)
  const results = {}
  for (const [group, list] of Object.entries(built.groups)) {
    if (groups !== undefined && !groups.includes(group)) continue
    const fns = batches(built, list, built.requests[group])
    const samples = Object.fromEntries(SIDES.map(side => [side, []]))
    for (let round = 0; round < rounds; round++) {
      if (typeof global.gc === 'function') global.gc()
      for (let k = 0; k < SIDES.length; k++) {
        const side = SIDES[(k + round) % SIDES.length]
        const options = { min_cpu_time: minCpuMs * 1e6, batch_samples: 128, min_samples: 6, gc: false }
        samples[side].push((await measure(fns[side], options)).p50 / list.length)
      }
    }
    const ratios = (side) => samples[side].map((ns, i) => ns / samples.lookup[i])
    results[group] = {
      requests: list.length,
      ns: Object.fromEntries(SIDES.map(side => [side, median(samples[side])])),
      ratios: Object.fromEntries(SIDES.slice(1).map(side => {
        const all = ratios(side)
        return [side, { median: median(all), min: Math.min(...all), max: Math.max(...all) }]
      }))
    }
  }
  await built.app.close()
  return { table, rounds, mismatches, results }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      table: { type: 'string', default: 'github' },
      rounds: { type: 'string', default: '9' },
      'min-cpu-ms': { type: 'string', default: '120' },
      groups: { type: 'string' },
      json: { type: 'boolean', default: false }
    }
  })
  const result = await benchDecorators(values.table, {
    rounds: Number(values.rounds), minCpuMs: Number(values['min-cpu-ms']), groups: values.groups?.split(',')
  })
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.dir(result, { depth: null })
}
