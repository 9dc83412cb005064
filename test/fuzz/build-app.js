// Building a concrete app (concretise.js), with the plugin or without it (the oracle), and sending it
// requests: every route's handler says which route ran, and `inject()` reads it.

import { createRequire } from 'node:module'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'

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

/** Every route's handler: says which route ran (its URL as registered, and its method). */
function handler (request, reply) {
  reply
    .header(ORACLE_ROUTE, encodeURIComponent(request.routeOptions.url))
    .header(ORACLE_METHOD, request.routeOptions.method)
    .send('ran')
}

function routeOptions ({ method, url, constraints, prefixTrailingSlash, exposeHeadRoute }) {
  const options = { method, url, handler }
  if (constraints !== undefined) options.constraints = { ...constraints }
  if (prefixTrailingSlash !== undefined) options.prefixTrailingSlash = prefixTrailingSlash
  if (exposeHeadRoute !== undefined) options.exposeHeadRoute = exposeHeadRoute
  return options
}

/**
 * Builds a concrete app, with the plugin or without it (the oracle). Each route is registered by its own
 * `route()` call, in order, prefixed groups in `register()`ed plugins (awaited, so that the order is the
 * table's); a registration that throws is dropped and its error message recorded in `dropped` (by route
 * index, groups flattened).
 * @returns {Promise<{ fastify: import('fastify').FastifyInstance | null, dropped: Array<string | null>, readyError: Error | null }>}
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

/** Sends one request: the answer, and the route that ran as its handler says (null when none ran). */
export async function inject (fastify, method, { url, headers }) {
  const response = await fastify.inject({ method, url, headers })
  const route = response.headers[ORACLE_ROUTE]
  return {
    statusCode: response.statusCode,
    ran: route === undefined ? null : { url: decodeURIComponent(route), method: response.headers[ORACLE_METHOD] },
    allow: response.headers.allow,
    contentLength: response.headers['content-length'],
    body: response.body
  }
}
