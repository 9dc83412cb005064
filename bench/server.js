// One benchmark server, run as a child process of http.js (IPC channel required):
//
//   kind plain          Fastify, no plugin; plus a hand-written OPTIONS route on OPTIONS_PATTERN
//   kind ours           Fastify with fastify-allowed-methods (dist/index.js) registered before the routes
//   kind ours-aos       the same with `allowOnSuccess: true` (Allow on every response of a matched route)
//   kind ours-problem   the same with `problemDetails: true` (RFC 9457 bodies for the 405 and 501)
//   kind fastify-allow  Fastify with fastify-allow 2.0.0 registered before the routes, as its README says
//   kind 405-error      (reply-cost.js) no plugin; every unmatched request gets a fixed 405 sent the way
//                       lib/respond/responses.ts sends it to apps with their own error handler: a
//                       MethodNotAllowedError through the error path
//   kind 405-object     (reply-cost.js) the same 405 sent as a plain object body
//   kind cors-fixed     ours, then @fastify/cors with a fixed `methods` (CORS_METHODS, every method of the
//                       table): what an app lists without the plugin's help
//   kind cors-recipe    ours, then @fastify/cors with README.md's recipe: a delegator that answers each preflight
//                       as its target route (request.routeConfigFor) and sends other OPTIONS requests on to the
//                       plugin's automatic answer (`preflight: false`)
//   kind ours-no-media  ours with `requestMediaTypes: false` (no Accept-Patch / Accept-Query on OPTIONS)
//   kind ours-encapsulated       ours, the routes registered in an encapsulated plugin
//   kind ours-guarded            the same plugin with an `onRequest` guard that refuses callers without
//                                AUTHORISED's Authorization (401)
//   kind ours-guarded-not-found  the same with `guards: 'not-found'` (the plugin runs only the not-found
//                                context's guards before its 405)
//
// It listens on 127.0.0.1 (an ephemeral port), sends `{ port }` to the parent, answers 'cpu' with its CPU
// time so far (`{ cpu: { user, system } }`, microseconds), and closes and exits when the parent sends
// 'close' or goes away.

import { createRequire } from 'node:module'
import Fastify from 'fastify'
import cors from '@fastify/cors'
import plugin from '../dist/index.js'
import { MethodNotAllowedError } from '../dist/respond/errors.js'
import { routeTable } from './routes.js'
import { corsRecipe } from '../test/support/cors-recipe.js'

const require = createRequire(import.meta.url)

/** The resource whose OPTIONS is answered by hand in `plain` and automatically in `ours`. */
export const OPTIONS_PATTERN = '/api/v1/users/:id'
export const OPTIONS_ALLOW = 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT'

/** cors-fixed's Access-Control-Allow-Methods: every method the route table uses, for every URL. */
export const CORS_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']

// cors's `preflight` (default true) adds an `OPTIONS *` route and no route of the table has OPTIONS, so a
// preflight is a matched route: cors's onRequest hook answers it 204 before the route's handler runs, and
// the plugin's not-found path never sees it (the plugin counts `OPTIONS *` among every URL's methods). That
// hook runs on every request of every route, Origin or not, and calls a delegator each time.

/** cors-fixed's options, and the recipe's `corsOptions`: the two sides differ by the recipe alone. */
const corsOptions = { origin: true, methods: CORS_METHODS }

const CORS = {
  'cors-fixed': corsOptions,
  'cors-recipe': corsRecipe(corsOptions)
}

/** The plugin first, as README.md says, then @fastify/cors. */
async function registerCors (app, kind) {
  await app.register(plugin)
  await app.register(cors, CORS[kind])
}

/** The Authorization header that the `ours-guarded*` kinds' guard lets through. */
export const AUTHORISED = { authorization: 'Bearer ok' }

/** An auth hook as apps write it: async, throwing a 401 for any other caller. */
async function guard (request) {
  if (request.headers.authorization !== AUTHORISED.authorization) {
    throw Object.assign(new Error('Unauthorized'), { statusCode: 401 })
  }
}

/** The kinds whose routes sit in an encapsulated plugin: the plugin's options, whether that plugin has the guard. */
const ENCAPSULATED = {
  'ours-encapsulated': { options: {}, guarded: false },
  'ours-guarded': { options: {}, guarded: true },
  'ours-guarded-not-found': { options: { guards: 'not-found' }, guarded: true }
}

/** A not-found `onRequest` hook answering 405 with a fixed Allow, without any lookup: the reply's cost alone. */
function fixed405 (kind) {
  const allow = ['GET', 'HEAD', 'OPTIONS', 'POST']
  if (kind === '405-error') {
    return function methodNotAllowed (request, reply) {
      const { method, url } = request.raw
      reply.header('allow', allow.join(', '))
      reply.send(new MethodNotAllowedError(method, url, allow))
    }
  }
  return function methodNotAllowed (request, reply) {
    const { method, url } = request.raw
    reply.code(405).header('allow', allow.join(', ')).send({
      statusCode: 405,
      code: 'FST_ERR_METHOD_NOT_ALLOWED',
      error: 'Method Not Allowed',
      message: `Method ${method} is not allowed for ${url}`
    })
  }
}

/** The app of a server kind holding route table `table` (routes.js: a size or a real API's name), ready. */
export async function buildApp (kind, table) {
  const app = Fastify({ logger: false })
  if (kind === 'ours') await app.register(plugin)
  else if (kind === 'ours-aos') await app.register(plugin, { allowOnSuccess: true })
  else if (kind === 'ours-problem') await app.register(plugin, { problemDetails: true })
  else if (kind === 'ours-no-media') await app.register(plugin, { requestMediaTypes: false })
  else if (kind === 'fastify-allow') await app.register(require('fastify-allow').default)
  else if (kind === '405-error' || kind === '405-object') app.setNotFoundHandler({ onRequest: [fixed405(kind)] })
  else if (Object.hasOwn(CORS, kind)) await registerCors(app, kind)
  else if (Object.hasOwn(ENCAPSULATED, kind)) await app.register(plugin, ENCAPSULATED[kind].options)
  else if (kind !== 'plain') throw new Error(`unknown server kind ${kind}`)

  const handler = (request, reply) => { reply.send({ hello: 'world' }) }
  const addRoutes = (instance) => {
    for (const route of routeTable(table)) instance.route({ method: route.method, url: route.url, handler })
  }
  if (Object.hasOwn(ENCAPSULATED, kind)) {
    await app.register(async (routes) => {
      if (ENCAPSULATED[kind].guarded) routes.addHook('onRequest', guard)
      addRoutes(routes)
    })
  } else {
    addRoutes(app)
  }
  if (kind === 'plain') {
    app.options(OPTIONS_PATTERN, (request, reply) => {
      reply.code(200).header('allow', OPTIONS_ALLOW).header('content-length', '0').send()
    })
  }
  await app.ready()
  return app
}

export async function createServer (kind, size) {
  const app = await buildApp(kind, size)
  await app.listen({ host: '127.0.0.1', port: 0 })
  return app
}

if (process.send !== undefined && process.argv[2] !== undefined) {
  const [kind, size] = process.argv.slice(2)
  const app = await createServer(kind, Number(size))
  let closing = false
  const close = async () => {
    if (closing) return
    closing = true
    await app.close()
    process.disconnect?.()
  }
  process.on('message', (message) => {
    if (message === 'close') close()
    // The server's own CPU time: per request, it is less disturbed by the shared machine than req/s.
    else if (message === 'cpu') process.send({ cpu: process.cpuUsage() })
  })
  process.on('disconnect', close)
  process.send({ port: app.server.address().port })
}
