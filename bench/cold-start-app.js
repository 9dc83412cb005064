// The process whose start is timed by cold-start.js: it imports Fastify (and, on the `with` and `lazy` sides,
// the plugin, registered first; `lazy` with `lazy: true`), adds a table's routes, awaits `ready()` and takes
// the milliseconds since the process started (`performance.now()`, whose origin is the process's start). With
// the plugin, it then times the first refused request (PROPFIND, which no table routes, on the first route's
// URL: a 405), whose inject() loads light-my-request on either side and, under `lazy`, builds the registry.
// It prints both, then ends.
//
//   node bench/cold-start-app.js <table> with|without|lazy

import Fastify from 'fastify'
import { routeTable } from './routes.js'

const SIDES = ['with', 'without', 'lazy']
const [table, side] = process.argv.slice(2)
if (!SIDES.includes(side)) throw new Error(`usage: node bench/cold-start-app.js <table> ${SIDES.join('|')}`)

const app = Fastify()
if (side !== 'without') {
  // Imported here so that the `without` side does not load it at all; the entry as published (one file).
  const { default: plugin } = await import('../dist/bundle.js')
  await app.register(plugin, { lazy: side === 'lazy' })
}
const handler = () => 'ok'
const routes = routeTable(table)
for (const { method, url } of routes) app.route({ method, url, handler })
await app.ready()
const ms = performance.now()
let firstRefused
if (side !== 'without') {
  // Any value fits each parameter of the tables (`:id`, `:id(^\\d+$)`) and each wildcard.
  const url = routes[0].url.replace(/:\w+(\([^)]*\))?/g, '1').replace('*', 'x')
  const start = performance.now()
  const response = await app.inject({ method: 'PROPFIND', url })
  firstRefused = { status: response.statusCode, ms: performance.now() - start }
}
process.stdout.write(JSON.stringify({ ms, firstRefused }) + '\n')
