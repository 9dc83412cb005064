// Retained heap of one structure holding a route table, measured in a fresh process:
//
//   node --expose-gc bench/memory.js --table 1000 --kind fastify+ours [--json]
//
// Kinds: empty (a ready Fastify app without routes), fastify (a ready app with the table, no plugin),
// fastify+ours, fastify+fastify-allow (the same with the plugin registered before the routes), fmw (one
// find-my-way router with the same routes, HEAD included: what a copy of the app's router costs).
// The heap is measured after forced garbage collections, before and after building; a tiny structure of
// the same kind is built and dropped first, so that module loading and compiled code are not counted.

import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import plugin from '../dist/index.js'
import { routeTable, withHead } from './routes.js'

const require = createRequire(import.meta.url)
// The find-my-way that Fastify loads.
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const fastifyAllow = require('fastify-allow').default

export const KINDS = ['empty', 'fastify', 'fastify+ours', 'fastify+fastify-allow', 'fmw']

const noop = () => {}

async function app (routes, register) {
  const fastify = Fastify()
  if (register !== undefined) await fastify.register(register)
  for (const route of routes) fastify.route({ method: route.method, url: route.url, handler: noop })
  await fastify.ready()
  return fastify
}

const builders = {
  empty: () => app([]),
  fastify: (routes) => app(routes),
  'fastify+ours': (routes) => app(routes, plugin),
  'fastify+fastify-allow': (routes) => app(routes, fastifyAllow),
  fmw (routes) {
    const router = FindMyWay()
    for (const route of withHead(routes)) router.on(route.method, route.url, noop)
    return router
  }
}

async function heapUsed () {
  // Whatever is let go on a later turn of the event loop (timers, immediates) is let go first.
  await new Promise(resolve => setTimeout(resolve, 50))
  for (let i = 0; i < 4; i++) global.gc()
  return process.memoryUsage().heapUsed
}

export async function measureKind (table, kind) {
  if (typeof global.gc !== 'function') throw new Error('bench/memory.js needs node --expose-gc')
  const build = builders[kind]
  if (build === undefined) throw new Error(`unknown kind ${kind}: one of ${KINDS.join(', ')}`)
  const warm = await build(routeTable(10))
  if (typeof warm.close === 'function') await warm.close()
  const routes = routeTable(table)
  const before = await heapUsed()
  const built = await build(routes)
  const after = await heapUsed()
  if (typeof built.close === 'function') await built.close()
  return { table, kind, bytes: after - before }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      table: { type: 'string', default: '1000' },
      kind: { type: 'string', default: 'fastify+ours' },
      json: { type: 'boolean', default: false }
    }
  })
  const result = await measureKind(values.table, values.kind)
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.log(result)
}
