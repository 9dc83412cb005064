// The process whose start is timed by cold-start.js: it imports Fastify (and, on the `with` side, the
// plugin, registered first), adds a table's routes, awaits `ready()` and prints the milliseconds since the
// process started (`performance.now()`, whose origin is the process's start), then ends.
//
//   node bench/cold-start-app.js <table> with|without

import Fastify from 'fastify'
import { routeTable } from './routes.js'

const [table, side] = process.argv.slice(2)
if (side !== 'with' && side !== 'without') throw new Error('usage: node bench/cold-start-app.js <table> with|without')

const app = Fastify()
if (side === 'with') {
  // Imported here so that the `without` side does not load it at all; the entry as published (one file).
  const { default: plugin } = await import('../dist/bundle.js')
  await app.register(plugin)
}
const handler = () => 'ok'
for (const { method, url } of routeTable(table)) app.route({ method, url, handler })
await app.ready()
process.stdout.write(JSON.stringify({ ms: performance.now() }) + '\n')
