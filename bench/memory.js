// Retained heap of one structure holding a route table, measured in a fresh process:
//
//   node --expose-gc bench/memory.js --size 1000 --kind registry [--json]
//
// Kinds: fmw (a find-my-way router with the same routes), registry (our MethodRegistry after build()),
// fastify (a ready app without plugin), fastify+ours, fastify+fastify-allow (ready apps with the plugin).
// The heap is measured after forced garbage collections, before and after building; a tiny structure of
// the same kind is built and dropped first, so that module loading and compiled code are not counted.

import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import plugin from '../dist/index.js'
import { MethodRegistry } from '../dist/registry.js'
import { routeTable, withHead } from './routes.js'

const require = createRequire(import.meta.url)
// The find-my-way that Fastify loads: the one the registry uses too.
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const fastifyAllow = require('fastify-allow').default

export const KINDS = ['fmw', 'registry', 'fastify', 'fastify+ours', 'fastify+fastify-allow']

const noop = () => {}

// What readMatchingOptions() returns for an app with default options.
const MATCHING = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  maxParamLength: 100,
  useSemicolonDelimiter: false,
  allowUnsafeRegex: false,
  constraints: {}
}

async function app (routes, register) {
  const fastify = Fastify()
  if (register !== undefined) await fastify.register(register)
  for (const route of routes) fastify.route({ method: route.method, url: route.url, handler: noop })
  await fastify.ready()
  return fastify
}

const builders = {
  fmw (routes) {
    const router = FindMyWay()
    for (const route of withHead(routes)) router.on(route.method, route.url, noop)
    return router
  },
  registry (routes) {
    const registry = new MethodRegistry(true)
    for (const route of withHead(routes)) registry.add({ method: route.method, url: route.url, constraints: undefined, included: true })
    registry.build(FindMyWay, MATCHING, () => 'yes') // every generated route is in the router
    return registry
  },
  fastify: (routes) => app(routes),
  'fastify+ours': (routes) => app(routes, plugin),
  'fastify+fastify-allow': (routes) => app(routes, fastifyAllow)
}

function heapUsed () {
  for (let i = 0; i < 4; i++) global.gc()
  return process.memoryUsage().heapUsed
}

export async function measureKind (size, kind) {
  if (typeof global.gc !== 'function') throw new Error('bench/memory.js needs node --expose-gc')
  const build = builders[kind]
  const warm = await build(routeTable(10))
  if (typeof warm.close === 'function') await warm.close()
  const routes = routeTable(size)
  const before = heapUsed()
  const built = await build(routes)
  const after = heapUsed()
  const bytes = after - before
  if (typeof built.close === 'function') await built.close()
  return { size, kind, bytes }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '1000' },
      kind: { type: 'string', default: 'registry' },
      json: { type: 'boolean', default: false }
    }
  })
  const result = await measureKind(Number(values.size), values.kind)
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.log(result)
}
