// Two builds of the plugin side by side in one process, for a change that must not cost anything: the 405
// path and matched routes through `app.inject()`, and the registry's lookup alone.
//
//   node bench/builds.js <checkout A> <checkout B> [--table github] [--rounds 21] [--json]
//
// Each checkout is a built clone of this repository (its `dist/`), e.g. `git worktree add ../base <commit>`,
// then `npm run build` there. Both apps hold the same table and answer the same requests, interleaved:
// each round runs A then B or B then A, and the ratio is the median over rounds of B's time per request
// over A's (above 1: B costs more). Across processes two identical servers differ by more than such a change
// costs on this machine (bench/README.md, Machine and caveats); in one process they share Fastify's code and
// its optimisation.

import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import Fastify from 'fastify'
import { routeTable } from './routes.js'
import { plainApp, patternRequests } from './requests.js'
import { median } from './stats.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    table: { type: 'string', default: 'github' },
    rounds: { type: 'string', default: '21' },
    json: { type: 'boolean' }
  }
})
if (positionals.length !== 2) throw new Error('usage: node bench/builds.js <checkout A> <checkout B> [--table t]')

const WARM_UP_ROUNDS = 2
const PER_ROUND = 1000
const LOOKUPS = 100_000
const routes = routeTable(values.table)

/** One concrete URL per pattern Fastify's router reaches, with its methods and a method it lacks. */
async function requestsOf () {
  const app = await plainApp(routes)
  const { requests } = patternRequests(routes, app)
  await app.close()
  return {
    wrong: requests.filter(request => request.wrong !== null).map(({ wrong, url }) => ({ method: wrong, url })),
    matched: requests.map(({ methods, url }) => ({ method: methods[0], url }))
  }
}

/** A checkout's plugin on an app holding the table, and its registry (the test seam `registryOf`). */
async function appOf (checkout) {
  const dist = resolve(checkout, 'dist')
  // The registry's file before lib/ was grouped by stage, and after.
  const registryFile = ['lookup/registry.js', 'registry.js'].map(file => resolve(dist, file)).find(existsSync)
  const { default: plugin } = await import(pathToFileURL(resolve(dist, 'index.js')).href)
  const { registryOf } = await import(pathToFileURL(registryFile).href)
  const app = Fastify()
  await app.register(plugin)
  for (const { method, url } of routes) app.route({ method, url, handler: () => 'ok' })
  await app.ready()
  return { app, registry: registryOf(app) }
}

/** ns per request; yields to the event loop now and then, as a server does. */
async function injected (app, requests, status) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < PER_ROUND; i++) {
    const response = await app.inject(requests[i % requests.length])
    if (response.statusCode !== status) throw new Error(`${requests[i % requests.length].url}: ${response.statusCode}`)
    if (i % 200 === 199) await new Promise(resolve => setImmediate(resolve))
  }
  return Number(process.hrtime.bigint() - start) / PER_ROUND
}

/** ns per `registry.lookup()` of the wrong-method URLs. */
function lookedUp (registry, requests) {
  let found = 0
  const start = process.hrtime.bigint()
  for (let i = 0; i < LOOKUPS; i++) {
    if (registry.lookup(requests[i % requests.length].url, undefined) !== null) found++
  }
  const ns = Number(process.hrtime.bigint() - start) / LOOKUPS
  if (found !== LOOKUPS) throw new Error('a wrong-method URL has no answer')
  return ns
}

const { wrong, matched } = await requestsOf()
const sides = [await appOf(positionals[0]), await appOf(positionals[1])]
const MEASURES = [
  { name: '405 via inject()', run: ({ app }) => injected(app, wrong, 405) },
  { name: 'matched route via inject()', run: ({ app }) => injected(app, matched, 200) },
  { name: 'registry.lookup()', run: ({ registry }) => lookedUp(registry, wrong) }
]
const times = MEASURES.map(() => [[], []])
const rounds = Number(values.rounds)
for (let round = 0; round < rounds + WARM_UP_ROUNDS; round++) {
  const order = round % 2 === 0 ? [0, 1] : [1, 0]
  for (const [m, measure] of MEASURES.entries()) {
    for (const side of order) {
      const ns = await measure.run(sides[side])
      if (round >= WARM_UP_ROUNDS) times[m][side].push(ns)
    }
  }
}
for (const { app } of sides) await app.close()

const rows = MEASURES.map(({ name }, m) => {
  const [a, b] = times[m]
  const ratios = b.map((ns, i) => ns / a[i])
  return { name, a: median(a), b: median(b), ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) }
})
if (values.json) console.log(JSON.stringify({ table: values.table, rounds, rows }))
else {
  console.log(`table ${values.table}: ${wrong.length} wrong-method, ${matched.length} matched URLs; ${rounds} rounds`)
  console.log('\n| measure | A ns | B ns | B/A | range |\n| --- | ---: | ---: | ---: | ---: |')
  for (const row of rows) {
    const range = `${row.min.toFixed(3)} - ${row.max.toFixed(3)}`
    console.log(`| ${row.name} | ${row.a.toFixed(0)} | ${row.b.toFixed(0)} | **${row.ratio.toFixed(3)}** | ${range} |`)
  }
}
