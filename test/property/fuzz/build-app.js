// Building a concrete app (concretise.js), with the plugin or without it (the oracle), and sending it
// requests: every route's handler says which route ran, every guard that it ran and whether it refused,
// and `inject()` reads it.

import { createRequire } from 'node:module'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../../dist/index.js'

// Top-level router options are deprecated (FSTDEP022) and generated on purpose: Fastify would print the
// warning for every app built.
const emitWarning = process.emitWarning
process.emitWarning = function (warning, ...rest) {
  const code = warning?.code ?? rest[0]?.code ?? rest[1]
  if (code === 'FSTDEP022') return
  return emitWarning.call(this, warning, ...rest)
}

// With `routerOptions.compile`, Fastify calls `compile()` on its two find-my-way routers (the routes' and
// the 404's) at preReady. Counted, so that a run asking for compile mode can check that it ran in it.
const { prototype: router } = createRequire(createRequire(import.meta.url).resolve('fastify'))('find-my-way')
const compile = router.compile
let compilations = 0
router.compile = function countedCompile (...args) {
  compilations++
  return compile.apply(this, args)
}
/** How many times a find-my-way router of Fastify's was compiled in this process. */
export const routerCompilations = () => compilations

const ORACLE_ROUTE = 'x-oracle-route'
const ORACLE_METHOD = 'x-oracle-method'
const ORACLE_REFUSED = 'x-oracle-refused'

/**
 * A guard's hook function (concretise.js `ConcreteGuard`): it lets a request through when its `x-key`
 * header, a comma-separated list, holds the guard's key. It adds its id to the raw request's `guardsRan`
 * each time it runs (a header would not show the guards that run after a reply is sent), and when it
 * refuses says so in `x-oracle-refused` (its id, the method and URL of the route it guards, as
 * `request.routeOptions` has them), then refuses in its style with its status; the body names it.
 * Self-contained: report.js prints its source into reproductions.
 */
export function makeGuard ({ id, style, status, key }) {
  const refuses = (request, reply) => {
    (request.raw.guardsRan ??= []).push(id)
    if ((request.headers['x-key'] ?? '').split(',').includes(key)) return false
    const { method, url } = request.routeOptions
    reply.header('x-oracle-refused', `${id} ${method} ${encodeURIComponent(url)}`)
    return true
  }
  const error = () => Object.assign(new Error(`refused by guard ${id}`), { statusCode: status })
  switch (style) {
    case 'throw': return function guard (request, reply, done) { if (refuses(request, reply)) throw error(); done() }
    case 'reject': return async function guard (request, reply) { if (refuses(request, reply)) throw error() }
    case 'done': return function guard (request, reply, done) { done(refuses(request, reply) ? error() : undefined) }
    case 'reply': return function guard (request, reply, done) {
      if (refuses(request, reply)) reply.code(status).send(`refused by guard ${id}`)
      else done()
    }
    case 'return-reply': return async function guard (request, reply) {
      if (refuses(request, reply)) return reply.code(status).send(`refused by guard ${id}`)
    }
  }
  throw new Error('unknown guard style ' + style)
}

/** Every route's handler: says which route ran (its URL as registered, and its method). */
function handler (request, reply) {
  reply
    .header(ORACLE_ROUTE, encodeURIComponent(request.routeOptions.url))
    .header(ORACLE_METHOD, request.routeOptions.method)
    .send('ran')
}

function routeOptions ({ method, url, constraints, prefixTrailingSlash, exposeHeadRoute, guard }) {
  const options = { method, url, handler }
  if (constraints !== undefined) options.constraints = { ...constraints }
  if (prefixTrailingSlash !== undefined) options.prefixTrailingSlash = prefixTrailingSlash
  if (exposeHeadRoute !== undefined) options.exposeHeadRoute = exposeHeadRoute
  if (guard !== undefined) options[guard.hook] = makeGuard(guard)
  return options
}

/**
 * Builds a concrete app, with the plugin or without it (the oracle). Each route is registered by its own
 * `route()` call, in order, prefixed groups in `register()`ed plugins (awaited, so that the order is the
 * table's), each group's guard a hook of its plugin, each route's a hook of its route options; a
 * registration that throws is dropped and its error message recorded in `dropped` (by route index, groups
 * flattened).
 * @returns {Promise<{
 *   fastify: import('fastify').FastifyInstance | null, dropped: Array<string | null>, readyError: Error | null
 * }>}
 */
export async function buildApp (app, { plugin = false } = {}) {
  // Copies: Fastify must not write into the table, which is printed when a check fails.
  const options = { ...app.fastify }
  if (options.routerOptions !== undefined) options.routerOptions = { ...options.routerOptions }
  const fastify = Fastify(options)
  const dropped = []
  const add = (instance, route) => {
    try {
      instance.route(routeOptions(route))
      dropped.push(null)
    } catch (error) {
      dropped.push(error.message)
    }
  }
  try {
    if (plugin) await fastify.register(fastifyAllowedMethods, { ...app.plugin })
    for (const item of app.routes) {
      if (item.routes === undefined) {
        add(fastify, item)
      } else {
        await fastify.register(async (child) => {
          if (item.guard !== undefined) child.addHook(item.guard.hook, makeGuard(item.guard))
          for (const route of item.routes) add(child, route)
        }, item.prefix === undefined ? {} : { prefix: item.prefix })
      }
    }
    await fastify.ready()
  } catch (error) {
    await fastify.close().catch(() => {})
    return { fastify: null, dropped, readyError: error }
  }
  return { fastify, dropped, readyError: null }
}

/**
 * Sends one request: the answer; the route that ran as its handler says (null when none ran); the guards
 * that ran (ids, in order); the last refusal a guard made (its id and the route it guards), or null.
 */
export async function inject (fastify, method, { url, headers }) {
  const response = await fastify.inject({ method, url, headers })
  // What runs after the reply, a guard that should not, has its turn before this one.
  await new Promise(resolve => setImmediate(resolve))
  const route = response.headers[ORACLE_ROUTE]
  const refused = response.headers[ORACLE_REFUSED]?.split(' ')
  return {
    statusCode: response.statusCode,
    ran: route === undefined ? null : { url: decodeURIComponent(route), method: response.headers[ORACLE_METHOD] },
    guards: [...(response.raw.req.guardsRan ?? [])],
    refused: refused === undefined
      ? null
      : { guard: refused[0], route: { method: refused[1], url: decodeURIComponent(refused[2]) } },
    allow: response.headers.allow,
    contentLength: response.headers['content-length'],
    body: response.body
  }
}
