import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import { catchRouter, type FindMyWay, type Router } from './find-my-way.js'
import type { ContentTypes } from './media-types.js'

// Every reliance on Fastify's private files and behaviour. Checking a Fastify upgrade starts here (the
// wrappers of its public methods are in fastify-wrappers.ts).

const requireHere = createRequire(import.meta.url)
const FASTIFY_MAIN = `${sep}fastify${sep}fastify.js`

/**
 * `require()` from the files of the Fastify that runs `instance`, to load what that Fastify itself loads
 * (its find-my-way). A process may hold several copies of Fastify (a plugin linked for development, a
 * nested install); the running one is the copy whose private `kState` symbol (lib/symbols.js, on every
 * instance) `instance` carries. Copies are found in Node's CommonJS module cache, where Fastify (a
 * CommonJS package) is however it was imported. Identity, not `fastify.version`: several releases report
 * in `version` another number than their package.json's.
 * @throws Error when no loaded copy runs `instance` (e.g. Fastify bundled into one file).
 */
export function requireFromFastify (instance: FastifyInstance): NodeJS.Require {
  const loaded = Object.keys(requireHere.cache).filter(file => file.endsWith(FASTIFY_MAIN))
  const main = loaded.find(file => {
    const symbols = requireHere.cache[join(dirname(file), 'lib', 'symbols.js')]?.exports as { kState?: symbol } | undefined
    return symbols?.kState !== undefined && symbols.kState in instance
  })
  if (main === undefined) {
    throw new Error(`fastify-allowed-methods: cannot find the files of the Fastify ${instance.version} that runs ` +
      `this app (loaded copies: ${JSON.stringify(loaded.map(dirname))}). The plugin matches with Fastify's own ` +
      "find-my-way and loads it from Fastify's package: run Fastify as an installed package, not bundled into the app.")
  }
  return createRequire(main)
}

/**
 * Whether `instance` is the app's root rather than an encapsulated plugin's instance: Fastify creates those
 * with `Object.create(parent)` (lib/plugin-override.js `override`), so they inherit the root's private
 * `kState` (lib/symbols.js) where the root holds it as its own (fastify.js). No public API tells them apart.
 */
export function isRootInstance (fromFastify: NodeJS.Require, instance: FastifyInstance): boolean {
  const { kState } = fromFastify('./lib/symbols.js') as { kState?: symbol }
  if (typeof kState !== 'symbol') throw unsupported('lib/symbols.js `kState`')
  return Object.hasOwn(instance, kState)
}

/**
 * Runs the app's guards of a not-found context before the plugin answers a request there itself, and calls
 * `next` if they let it through; a guard's error goes to the app's error handler, as Fastify sends it.
 */
export type RunGuards = (request: FastifyRequest, reply: FastifyReply, next: () => void) => void

export type Hook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => unknown
/** What we read of a route context (fastify lib/context.js). */
interface NotFoundContext { preValidation?: Hook[] | null, preHandler?: Hook[] | null, handler: Handler }
/** Runs `hooks` in order as Fastify runs a route's hooks, then `done` unless a hook replied. */
export type HookRunner = (hooks: Hook[], request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void

/**
 * Fastify's own hook runner (lib/hooks.js `preHandlerHookRunner`): sync and async hooks, an error ends the
 * chain, a reply sent by a hook stops it.
 */
export function loadHookRunner (fromFastify: NodeJS.Require): HookRunner {
  const { preHandlerHookRunner } = fromFastify('./lib/hooks.js') as { preHandlerHookRunner?: HookRunner }
  if (typeof preHandlerHookRunner !== 'function') throw unsupported('lib/hooks.js `preHandlerHookRunner`')
  return preHandlerHookRunner
}

/**
 * The plugin answers 405, 501 and automatic OPTIONS in the not-found context's onRequest, before the body
 * is parsed (a 405 must win over a 400 or 413 for its body); the app's preValidation and preHandler hooks of
 * that context (rate limits, auth: @fastify/rate-limit's README puts `fastify.rateLimit()` there) would run
 * only after parsing. So they are run first, on the context's hook lists (the request's `kRouteContext`,
 * lib/symbols.js): the instance's hooks, then those given to `setNotFoundHandler`, in Fastify's order
 * (lib/four-oh-four.js `_setNotFoundHandler`). The lists are run whole, the plugin's own preHandler included
 * (it lets a request the plugin answers itself through): a tracer that wraps `setNotFoundHandler` may have
 * wrapped that hook together with the app's, so no position in the list is known to be ours alone.
 */
export function createGuardRunner (fromFastify: NodeJS.Require, runHooks: HookRunner): RunGuards {
  const contextOf = routeContextReader(fromFastify)
  // The hook lists are final once the app is ready, when the first request arrives.
  const guardsOf = new WeakMap<NotFoundContext, Hook[] | null>()
  return function runGuards (request, reply, next) {
    const context = contextOf(request)
    let guards = guardsOf.get(context)
    if (guards === undefined) {
      guards = [...(context.preValidation ?? []), ...(context.preHandler ?? [])]
      if (guards.length === 0) guards = null
      guardsOf.set(context, guards)
    }
    if (guards === null) return next()
    runHooks(guards, request, reply, (error) => {
      if (error !== undefined && error !== null) reply.send(error)
      else if (!reply.sent) next()
    })
  }
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown
export type RunNotFoundHandler = (request: FastifyRequest, reply: FastifyReply) => void

/**
 * Runs the not-found handler of the request's context (`kRouteContext`'s `handler`, bound to its instance,
 * lib/four-oh-four.js) without parsing the body first, for a client that waits for `100 Continue` before
 * sending one: the 404 needs no body. Its result is sent as Fastify sends a handler's (lib/handle-request.js
 * `preHandlerCallback`, lib/wrap-thenable.js): a value or the value of a Promise, unless the handler replied.
 */
export function createNotFoundHandlerRunner (fromFastify: NodeJS.Require): RunNotFoundHandler {
  const contextOf = routeContextReader(fromFastify)
  return function runNotFoundHandler (request, reply) {
    const { handler } = contextOf(request)
    const send = (payload: unknown): void => { if (payload !== undefined && !reply.sent) reply.send(payload) }
    let result: unknown
    try {
      result = handler(request, reply)
    } catch (error) {
      reply.send(error)
      return
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      (result as PromiseLike<unknown>).then(send, (error: unknown) => { reply.send(error) })
    } else send(result)
  }
}

/** The request's route context: Fastify keeps it under its private `kRouteContext` (lib/symbols.js). */
function routeContextReader (fromFastify: NodeJS.Require): (request: FastifyRequest) => NotFoundContext {
  const { kRouteContext } = fromFastify('./lib/symbols.js') as { kRouteContext?: symbol }
  if (typeof kRouteContext !== 'symbol') throw unsupported('lib/symbols.js `kRouteContext`')
  return (request) => (request as unknown as Record<symbol, NotFoundContext>)[kRouteContext] as NotFoundContext
}

const unsupported = (what: string): Error => new Error(`fastify-allowed-methods: this Fastify has no ${what}, which ` +
  'the plugin relies on: this Fastify version is not supported.')

/**
 * The find-my-way router of the app's Fastify, which no public API exposes: `fastify.findRoute()` calls its
 * `find()` (lib/route.js `findRoute`), which `catchRouter` catches. Asked at registration, before
 * `ready()`, when Fastify may replace `find` on the instance by a compiled one (`routerOptions.compile`).
 */
export function fastifysRouter (fastify: FastifyInstance, findMyWay: FindMyWay): Router<object | null> {
  const router = catchRouter(findMyWay, () => fastify.findRoute({ method: 'GET' as HTTPMethods, url: '/' }))
  if (router === undefined) throw unsupported("lib/route.js `findRoute` calling its router's `find`")
  return router as Router<object | null>
}

/** Instances whose not-found handler was given an `errorHandler` of its own (a `setNotFoundHandler` option). */
const withOwnNotFoundErrorHandler = new WeakSet<FastifyInstance>()

/** Notes that `instance`'s not-found handler has an error handler of its own. */
export const noteNotFoundErrorHandler = (instance: FastifyInstance): void => { withOwnNotFoundErrorHandler.add(instance) }

/**
 * Whether errors of `instance`'s not-found context go to Fastify's default error handler. Fastify names it
 * `defaultErrorHandler` (lib/error-handler.js); should that change, the answer is "no" and the 405 simply
 * takes the error path.
 */
export function usesDefaultErrorHandler (instance: FastifyInstance): boolean {
  return instance.errorHandler.name === 'defaultErrorHandler' && !withOwnNotFoundErrorHandler.has(instance)
}

/** What we read of a route context's content-type parsers (fastify lib/content-type-parser.js). */
interface ContentTypeParserFields { parserList?: unknown, customParsers?: unknown }

/**
 * The content types a route's request content may use: those of the content-type parsers Fastify runs for it,
 * which its route context holds as `contentTypeParser` (lib/context.js: the parsers of the route's plugin
 * context, its own `addContentTypeParser` calls and those inherited, final once the app has started).
 * Fastify keeps the media types of string parsers in `parserList`, normalised (lib/content-type.js), and
 * the catch-all parser (`'*'`) in `customParsers` under `''`; RegExp parsers are left out (media-types.ts).
 * @throws Error when the context has no such fields: this Fastify version is not supported.
 */
export function requestContentTypes (context: object): ContentTypes {
  const parser = (context as { contentTypeParser?: ContentTypeParserFields }).contentTypeParser
  const types = parser?.parserList
  const parsers = parser?.customParsers
  if (!Array.isArray(types) || !types.every(type => typeof type === 'string') || !(parsers instanceof Map)) {
    throw unsupported("lib/context.js `contentTypeParser` with lib/content-type-parser.js's `parserList` and `customParsers`")
  }
  return { types, anyType: parsers.has('') }
}

/**
 * One of Fastify's private symbols (lib/symbols.js), found by its description on an object that carries it
 * (own or inherited): the same in every copy of Fastify, bundled or not.
 */
function fastifySymbol (carrier: object, description: string): symbol {
  for (let object: object | null = carrier; object !== null; object = Object.getPrototypeOf(object) as object | null) {
    const found = Object.getOwnPropertySymbols(object).find(symbol => symbol.description === description)
    if (found !== undefined) return found
  }
  throw unsupported(`lib/symbols.js \`Symbol('${description}')\` on the instance`)
}

/** What the plugin needs of Fastify's not-found handler at the root. */
export interface RootNotFoundHandler {
  /** Whether the app may still set one (it has not set one before the plugin). */
  readonly settable: boolean
  /** The handler the root answers 404 with until the app sets one: Fastify's own (four-oh-four.js `basic404`). */
  readonly current: Handler
  /**
   * After the plugin has given Fastify its default handler with its hooks, lets the app set its own: Fastify
   * takes any handler given as the app's choice and refuses a second one at the same prefix
   * (`kCanSetNotFoundHandler`), but replaces the root's context when the app sets one (four-oh-four.js
   * `_setNotFoundHandler`: `Object.assign` onto the root context, hooks read at preReady).
   */
  readonly release: () => void
}

/**
 * Fastify's not-found handler of the root instance `fastify`. The plugin must hand `setNotFoundHandler` a
 * function: tracers that wrap it (@fastify/otel, @sentry/node) read and call the handler they are given.
 */
export function rootNotFoundHandler (fastify: FastifyInstance): RootNotFoundHandler {
  const kCanSet = fastifySymbol(fastify, 'fastify.canSetNotFoundHandler')
  const kLevel = fastifySymbol(fastify, 'fastify.404LogLevelInstance')
  const kContext = fastifySymbol(fastify, 'fastify.404ContextKey')
  const level = (fastify as unknown as Record<symbol, Record<symbol, unknown>>)[kLevel]
  const context = (fastify as unknown as Record<symbol, { handler?: unknown } | null>)[kContext]
  if (level === undefined || typeof level[kCanSet] !== 'boolean' || typeof context?.handler !== 'function') {
    throw unsupported('lib/four-oh-four.js `kCanSetNotFoundHandler` and a root not-found context with a `handler`')
  }
  return {
    settable: level[kCanSet] === true,
    current: context.handler as Handler,
    release: () => { level[kCanSet] = true }
  }
}

/** What the plugin uses of Fastify's LogController (lib/log-controller.js, a documented `logController` option). */
export interface LogController {
  /** The line Fastify's default error handler writes for an error it sends (lib/error-handler.js). */
  defaultErrorLog: (error: Error, request: FastifyRequest, reply: FastifyReply) => void
  /** Whether `disableRequestLogging` (or the app's override) silences the request's lines. */
  isLogDisabled: (request: FastifyRequest) => boolean
}

/** The LogController of each instance that answered a request, found once. */
const logControllers = new WeakMap<FastifyInstance, LogController>()

/**
 * The LogController of the instance that answers a request (`kLogController`, lib/symbols.js): Fastify logs
 * its own 404 and error lines through it, so the plugin's lines follow the same settings.
 * @throws Error when the instance has none: this Fastify version is not supported.
 */
export function logControllerOf (server: FastifyInstance): LogController {
  let controller = logControllers.get(server)
  if (controller === undefined) {
    const found = (server as unknown as Record<symbol, Partial<LogController> | undefined>)[fastifySymbol(server, 'fastify.logController')]
    if (typeof found?.defaultErrorLog !== 'function' || typeof found.isLogDisabled !== 'function') {
      throw unsupported('lib/log-controller.js `defaultErrorLog` and `isLogDisabled`')
    }
    controller = found as LogController
    logControllers.set(server, controller)
  }
  return controller
}

export type RouteConfig = FastifyRequest['routeOptions']['config']

/**
 * The `config` of a route, the very object `request.routeOptions.config` gives its requests (lib/request.js
 * reads the route context's `config`, lib/context.js, which lib/route.js builds once every onRoute hook has
 * run: the route's `config` with its `url` and `method`).
 * @throws Error when the context has no such field: this Fastify version is not supported.
 */
export function routeConfigOf (context: object): RouteConfig {
  const { config } = context as { config?: unknown }
  if (typeof config !== 'object' || config === null) throw unsupported('lib/context.js `config`')
  return config as RouteConfig
}

/**
 * The pattern Fastify reports as `request.routeOptions.url` for the requests a route context serves: its
 * `config.url` (lib/request.js `routeOptions`), prefix included, which lib/route.js sets (for the `/prefix/`
 * copy of a prefixed `/` route, the prefix).
 */
export const routeUrlOf = (context: object): string => routeConfigOf(context).url as string
