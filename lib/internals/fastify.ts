import type { EventEmitter } from 'node:events'
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, RouteOptions } from 'fastify'
import { catchRouter, findMyWayOf, type FindMyWay, type Router } from './find-my-way.js'
import type { ContentTypes } from '../integrations/media-types.js'

// Every reliance on Fastify's private behaviour, and the wrappers of its public methods: checking a Fastify
// upgrade means reading this file. None loads a file of Fastify: what the plugin needs is found on the
// running instance, its requests and its router, so that it runs with Fastify bundled into the app too.

/**
 * Whether `instance` is the app's root rather than an encapsulated plugin's instance: Fastify creates those
 * with `Object.create(parent)` (lib/plugin-override.js `override`), so they inherit the root's private
 * `kState` (lib/symbols.js `Symbol('fastify.state')`) where the root holds it as its own (fastify.js). No
 * public API tells them apart.
 */
export function isRootInstance (instance: FastifyInstance): boolean {
  return Object.hasOwn(instance, fastifySymbol(instance, 'fastify.state'))
}

export type Hook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => unknown
/** What we read of a route context (fastify lib/context.js). */
export interface RouteContext extends Partial<Record<GuardPhase, Hook[] | null>> { handler: Handler, server: object }
/** Runs `hooks` in order as Fastify runs a route's hooks, then `done` unless a hook replied. */
export type HookRunner =
  (hooks: Hook[], request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void

/**
 * Runs hooks as Fastify runs a route's preValidation and preHandler hooks (lib/hooks.js `hookRunnerGenerator`
 * with `hookIterator`, the same in Fastify 5 and 6), step for step: each is called as
 * `hook(request, reply, done)`; `done()` or the resolution of a returned promise runs the next one; a truthy
 * error given to `done`, a throw or a rejection ends the chain with it (a rejection without one, with
 * Fastify's `FST_ERR_SEND_UNDEFINED_ERR`); once the reply is sent or hijacked (`reply.sent`), no further
 * hook runs and `done` is never called. The plugin's own rather than Fastify's `preHandlerHookRunner`, which
 * is private to lib/hooks.js: no object of a running Fastify holds it, and no file of Fastify exists when it
 * is bundled into the app. test/unit/hook-runner.test.js runs both on the same hooks.
 */
export const runHooks: HookRunner = function runHooks (hooks, request, reply, done) {
  let i = 0
  function next (error?: Error): void {
    if (error || i === hooks.length) return done(error)
    const hook = hooks[i++] as Hook
    if (reply.sent === true) return
    let result: unknown
    try {
      result = hook(request, reply, next)
    } catch (thrown) {
      return done(thrown as Error)
    }
    const thenable = result as PromiseLike<unknown> | undefined
    if (typeof thenable?.then === 'function') {
      thenable.then(() => next(), (rejection: unknown) => done((rejection || undefinedError()) as Error))
    }
  }
  next()
}

/**
 * Fastify's FST_ERR_SEND_UNDEFINED_ERR (lib/errors.js) as its error handlers read it: name, code, status and
 * message (the class itself is Fastify's, in a file a bundle does not have).
 */
const undefinedError = (): Error => Object.assign(new Error('Undefined error has occurred'),
  { name: 'FastifyError', code: 'FST_ERR_SEND_UNDEFINED_ERR', statusCode: 500 })

/**
 * The hooks that guard a request before its handler: onRequest, preValidation and preHandler, in Fastify's
 * order (lib/handle-request.js). preParsing is not one of them: the plugin answers before the body is read.
 */
export const GUARD_PHASES = ['onRequest', 'preValidation', 'preHandler'] as const
export type GuardPhase = typeof GUARD_PHASES[number]

/**
 * A hook of a context: the copy Fastify runs, bound to the context's instance, and its source, the function
 * the app added (one source has a copy in every context it guards).
 */
export interface ContextHook { readonly run: Hook, readonly source: unknown }
export type ContextHooks = Readonly<Record<GuardPhase, readonly ContextHook[]>>
/** A route's own hook options, as onRoute's `routeOptions` holds them once every onRoute hook has run. */
export type RouteHookOptions = Partial<Record<GuardPhase, unknown>>

/**
 * The guard hooks of a route context (`own`: the route's options) or of a not-found context (`own`: the
 * options of its `setNotFoundHandler` call, `notFoundHookOptionsOf`), each with its source.
 * Fastify binds every hook to the context's instance at preReady (lib/route.js, lib/four-oh-four.js:
 * `this[kHooks][hook].concat(opts[hook] || []).map(h => h.bind(this))`), so a function added at the root is a
 * different copy in each context. The copy at a position was made from the instance's hook there (the
 * context's `server`, lib/context.js, its private `kHooks`, lib/symbols.js `Symbol('fastify.hooks')`), then from
 * the route's own options: read in that order, copies and sources pair up. A copy beyond them (`own`
 * undefined) is its own source, as is every copy where the counts disagree (a Fastify that builds the lists
 * otherwise): a hook may then run twice, never be skipped. Read once per context.
 */
export function contextHooksReader (
  fastify: FastifyInstance
): (context: object, own: RouteHookOptions | undefined) => ContextHooks {
  const hooksOf = instanceHooksReader(fastify)
  const read = new WeakMap<object, ContextHooks>()
  return (context, own) => {
    let hooks = read.get(context)
    if (hooks === undefined) {
      const instanceHooks = hooksOf((context as RouteContext).server)
      const sourced = (phase: GuardPhase): ContextHook[] => {
        const copies = (context as RouteContext)[phase] ?? []
        const inherited = instanceHooks[phase]
        const given = [own?.[phase] ?? []].flat()
        const sources = copies.length === inherited.length + given.length
          ? [...inherited, ...given]
          : copies.length > inherited.length ? inherited : []
        return copies.map((run, i) => ({ run, source: sources[i] ?? run }))
      }
      hooks = {
        onRequest: sourced('onRequest'), preValidation: sourced('preValidation'), preHandler: sourced('preHandler')
      }
      read.set(context, hooks)
    }
    return hooks
  }
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown
export type RunNotFoundHandler = (request: FastifyRequest, reply: FastifyReply) => void

/** The guard hooks an instance holds (`kHooks`), as the app added them; checked on the root at registration. */
function instanceHooksReader (
  fastify: FastifyInstance
): (instance: object) => Readonly<Record<GuardPhase, readonly unknown[]>> {
  const kHooks = fastifySymbol(fastify, 'fastify.hooks')
  const hooksOf = (instance: object): Partial<Record<GuardPhase, unknown>> | undefined =>
    (instance as Record<symbol, Partial<Record<GuardPhase, unknown>> | undefined>)[kHooks]
  if (!GUARD_PHASES.every(phase => Array.isArray(hooksOf(fastify)?.[phase]))) {
    throw unsupported('lib/hooks.js `Hooks` lists under `kHooks`')
  }
  return hooksOf as (instance: object) => Record<GuardPhase, unknown[]>
}

/**
 * Whether a route has guard hooks of its own: in its options (but the plugin's own, `ignored`), or added to
 * its plugin's instance (`instance`, onRoute's `this`) rather than inherited from the root `fastify`. Asked
 * once the app is ready, when no hook can be added any more.
 */
export function ownGuardsReader (
  fastify: FastifyInstance, ignored: ReadonlySet<unknown>
): (instance: object, own: RouteHookOptions) => boolean {
  const hooksOf = instanceHooksReader(fastify)
  return (instance, own) => GUARD_PHASES.some(phase => {
    const root = hooksOf(fastify)[phase]
    return [own[phase] ?? []].flat().some(hook => !ignored.has(hook)) ||
      hooksOf(instance)[phase].some(hook => !root.includes(hook))
  })
}

/**
 * Runs the not-found handler of the request's context (`kRouteContext`'s `handler`, bound to its instance,
 * lib/four-oh-four.js) without parsing the body first, for a client that waits for `100 Continue` before
 * sending one: the 404 needs no body. Its result is sent as Fastify sends a handler's (lib/handle-request.js
 * `preHandlerCallback`, lib/wrap-thenable.js): a value, or what a Promise resolves to (undefined too), unless the
 * handler replied.
 */
export function createNotFoundHandlerRunner (): RunNotFoundHandler {
  const contextOf = routeContextReader()
  const sendError = errorSender()
  return function runNotFoundHandler (request, reply) {
    const { handler } = contextOf(request)
    const send = (payload: unknown): void => { if (payload !== undefined && !reply.sent) reply.send(payload) }
    // lib/wrap-thenable.js: what a Promise resolves to is sent, undefined too, unless the handler replied or the
    // client has gone.
    const sendResolved = (payload: unknown): void => {
      if (payload !== undefined) return send(payload)
      const { raw } = request
      if (!reply.sent && !reply.raw.headersSent && !raw.aborted && raw.socket?.destroyed === false) reply.send()
    }
    let result: unknown
    try {
      result = handler(request, reply)
    } catch (error) {
      sendError(reply, error)
      return
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      (result as PromiseLike<unknown>).then(sendResolved, (error: unknown) => { sendError(reply, error) })
    } else send(result)
  }
}

/**
 * The request's route context: Fastify keeps it under its private `kRouteContext` (lib/symbols.js
 * `Symbol('fastify.context')`), an own property of every request (lib/request.js), found on the first.
 */
export function routeContextReader (): (request: FastifyRequest) => RouteContext {
  let kRouteContext: symbol | undefined
  return (request) => {
    kRouteContext ??= fastifySymbol(request, 'fastify.context')
    return (request as unknown as Record<symbol, RouteContext>)[kRouteContext] as RouteContext
  }
}

/**
 * Sends an error as Fastify sends a hook's or a handler's (lib/handle-request.js, lib/wrap-thenable.js): the
 * reply marked with the private `kReplyIsError` (lib/symbols.js `Symbol('fastify.reply.isError')`, an own
 * property of every reply, lib/reply.js), so that what was thrown goes to the error handler even when it is
 * not an Error (a string, a plain object with a `statusCode`).
 */
export function errorSender (): (reply: FastifyReply, error: unknown) => void {
  let kReplyIsError: symbol | undefined
  return (reply, error) => {
    kReplyIsError ??= fastifySymbol(reply, 'fastify.reply.isError')
    const flags = reply as unknown as Record<symbol, boolean>
    flags[kReplyIsError] = true
    reply.send(error)
  }
}

const unsupported = (what: string): Error => new Error(`fastify-allowed-methods: this Fastify has no ${what}, which ` +
  'the plugin relies on: this Fastify version is not supported.')

/**
 * The find-my-way router of the app's Fastify, which no public API exposes, and the find-my-way it is an
 * instance of (the copy that Fastify runs, installed or bundled into the app). Fastify routes unmatched
 * requests with a second router of the same find-my-way (lib/four-oh-four.js, under the instance's
 * `kFourOhFour`), whose constructor `findMyWayOf` takes; `fastify.findRoute()` calls the main router's `find()`
 * (lib/route.js `findRoute`), which `catchRouter` catches on that find-my-way's prototype: the plugin asks the
 * router that routes the app's requests. Asked at registration, before `ready()`, when Fastify may replace
 * `find` on the instance by a compiled one (`routerOptions.compile`).
 */
export function fastifysRouter (fastify: FastifyInstance): { router: Router<object | null>, findMyWay: FindMyWay } {
  const kFourOhFour = fastifySymbol(fastify, 'fastify.404')
  const notFoundRouter = (fastify as unknown as Record<symbol, { router?: unknown } | undefined>)[kFourOhFour]?.router
  const findMyWay = typeof notFoundRouter === 'object' && notFoundRouter !== null
    ? findMyWayOf(notFoundRouter)
    : undefined
  if (findMyWay === undefined) throw unsupported("lib/four-oh-four.js's find-my-way `router`")
  const router = catchRouter(findMyWay, () => fastify.findRoute({ method: 'GET' as HTTPMethods, url: '/' }))
  if (router === undefined) throw unsupported("lib/route.js `findRoute` calling its router's `find`")
  return { router: router as Router<object | null>, findMyWay }
}

/** Instances whose not-found handler was given an `errorHandler` of its own (a `setNotFoundHandler` option). */
const withOwnNotFoundErrorHandler = new WeakSet<FastifyInstance>()

const defaultErrorHandling = new WeakMap<FastifyInstance, boolean>()

/**
 * Whether errors of `instance`'s not-found context go to Fastify's default error handler. Fastify names it
 * `defaultErrorHandler` (lib/error-handler.js); should that change, the answer is "no" and the 405 simply
 * takes the error path. Asked on requests only, so read once per instance: a started Fastify takes no error
 * handler (fastify.js `setErrorHandler`, `throwIfAlreadyStarted`).
 */
export function usesDefaultErrorHandler (instance: FastifyInstance): boolean {
  let uses = defaultErrorHandling.get(instance)
  if (uses === undefined) {
    uses = instance.errorHandler.name === 'defaultErrorHandler' && !withOwnNotFoundErrorHandler.has(instance)
    defaultErrorHandling.set(instance, uses)
  }
  return uses
}

/** What we read of a route context's content-type parsers (fastify lib/content-type-parser.js). */
interface ContentTypeParserFields { parserList?: unknown, customParsers?: unknown }

/**
 * The content types a route's request content may use: those of the content-type parsers Fastify runs for it,
 * which its route context holds as `contentTypeParser` (lib/context.js: the parsers of the route's plugin
 * context, its own `addContentTypeParser` calls and those inherited, final once the app has started).
 * Fastify keeps the media types of string parsers in `parserList`, normalised (lib/content-type.js), and
 * the catch-all parser (`'*'`) in `customParsers` under `''`; RegExp parsers are left out
 * (integrations/media-types.ts).
 * @throws Error when the context has no such fields: this Fastify version is not supported.
 */
export function requestContentTypes (context: object): ContentTypes {
  const parser = (context as { contentTypeParser?: ContentTypeParserFields }).contentTypeParser
  const types = parser?.parserList
  const parsers = parser?.customParsers
  if (!Array.isArray(types) || !types.every(type => typeof type === 'string') || !(parsers instanceof Map)) {
    throw unsupported(
      "lib/context.js `contentTypeParser` with lib/content-type-parser.js's `parserList` and `customParsers`")
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
  throw unsupported(`lib/symbols.js \`Symbol('${description}')\``)
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

const logControllers = new WeakMap<FastifyInstance, LogController>()

/**
 * The LogController of the instance that answers a request (`kLogController`, lib/symbols.js): Fastify logs
 * its own 404 and error lines through it, so the plugin's lines follow the same settings.
 * @throws Error when the instance has none: this Fastify version is not supported.
 */
export function logControllerOf (server: FastifyInstance): LogController {
  let controller = logControllers.get(server)
  if (controller === undefined) {
    const kLogController = fastifySymbol(server, 'fastify.logController')
    const found = (server as unknown as Record<symbol, Partial<LogController> | undefined>)[kLogController]
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

/**
 * The routes `printRoutes()` shows, or undefined when there are none: Fastify prints find-my-way's
 * `'(empty tree)'` for a router without routes (find-my-way lib/pretty-print.js).
 */
export function printedRoutes (fastify: FastifyInstance): string | undefined {
  const routes = fastify.printRoutes({ commonPrefix: false })
  return routes === '(empty tree)' ? undefined : routes
}

/**
 * The URLs Fastify's router may hold a route at, for one of its methods as onRoute announces it. Under
 * `prefixTrailingSlash: 'both'` (the default), a `'/'` route in a prefix is routed at the prefix and at the
 * prefix + `'/'`, but onRoute is told of the first only (lib/route.js `route`); the registry keeps the second
 * only if Fastify's router holds it. Its HEAD copy is made from the GET route of each URL, announced itself.
 */
export function routedUrls (route: RouteOptions & { prefix: string, routePath: string }, method: string): string[] {
  return route.prefix !== '' && route.routePath === '' && method !== 'HEAD' ? [route.url, route.url + '/'] : [route.url]
}

/**
 * The bytes Fastify's default error handler writes for an error of ours (MethodNotAllowedBody,
 * NotImplementedBody): lib/error-serializer.js, fields in that order.
 */
export const defaultErrorBody = (statusCode: number, code: string, error: string, message: string): string =>
  `{"statusCode":${statusCode},"code":"${code}","error":"${error}","message":${jsonString(message)}}`

/** Printable ASCII but `"` and `\`: a text of these alone is its own JSON string (RFC 8259 7). */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** `JSON.stringify(text)`, without its cost for a text that needs no escape, as a URL mostly is. */
const jsonString = (text: string): string => PLAIN_JSON.test(text) ? `"${text}"` : JSON.stringify(text)

type SetNotFoundHandler = (this: FastifyInstance, opts?: unknown, handler?: unknown) => FastifyInstance

/** The guard hooks each instance last gave `setNotFoundHandler`, ours among them: its not-found context's own. */
const notFoundHookOptions = new WeakMap<object, RouteHookOptions>()

/**
 * The hook options of the `setNotFoundHandler` call that made a not-found context, as a route's own options
 * are for `contextHooksReader`: Fastify builds a not-found context's hooks as a route's, from its instance's
 * and then those options (lib/four-oh-four.js `_setNotFoundHandler`, at preReady, with the options of the
 * instance's last call), so each copy pairs with the function given. Undefined for a context made without
 * our `setNotFoundHandler`: its copies are then their own sources.
 */
export const notFoundHookOptionsOf = (context: object): RouteHookOptions | undefined =>
  notFoundHookOptions.get((context as RouteContext).server)

/**
 * Makes every `setNotFoundHandler()` call made after the plugin (at the root or in any plugin registered
 * later, which inherits from the root through its prototype) run our hooks in the not-found context, after
 * the caller's own: the app's guards there (auth, rate limits) come first, as they do for the 404. Fastify
 * takes lifecycle hooks from the options of `setNotFoundHandler` and runs them after the instance's own
 * hooks (fastify lib/four-oh-four.js `_setNotFoundHandler`), so @fastify/cors preflights come first too, and
 * the hooks run for unmatched requests only: matched routes pay nothing.
 *
 * Each hook option keeps the shape the caller gave it, as documented for `setNotFoundHandler` (a function,
 * or an array): other plugins that wrap `setNotFoundHandler` (@sentry/node's copy of the @fastify/otel
 * instrumentation) call a hook option given as a function as one function, so ours joins a function as one
 * function that runs both with Fastify's hook runner.
 */
export function keepHookInNotFoundHandlers (
  fastify: FastifyInstance, hooks: Readonly<Record<string, Hook>>
): SetNotFoundHandler {
  const original = fastify.setNotFoundHandler as unknown as SetNotFoundHandler
  const set = (instance: FastifyInstance, given: Record<string, unknown>, handler: unknown): FastifyInstance => {
    const merged = { ...given }
    // Each copy's source, for the guards: what the caller gave, then ours; where ours joins the caller's one
    // function, that function (the copy runs it, then ours, which passes what it passed).
    const sources: Record<string, unknown> = {}
    for (const phase of GUARD_PHASES) sources[phase] = given[phase]
    for (const [name, hook] of Object.entries(hooks)) {
      const theirs = given[name] as Hook | Hook[] | null | undefined
      if (theirs === undefined || theirs === null) merged[name] = sources[name] = hook
      else if (Array.isArray(theirs)) merged[name] = sources[name] = [...theirs, hook]
      // Fastify binds the hooks of a not-found context to the instance that set it.
      else merged[name] = inSequence(theirs.bind(instance), hook)
    }
    notFoundHookOptions.set(instance, sources)
    return original.call(instance, merged, handler)
  }
  const wrapped: SetNotFoundHandler = function setNotFoundHandler (opts, handler) {
    if (typeof opts === 'function') return set(this, {}, opts)
    const given: Record<string, unknown> = { ...(opts as object | undefined) }
    if (given.errorHandler !== undefined) withOwnNotFoundErrorHandler.add(this)
    return set(this, given, handler)
  }
  fastify.setNotFoundHandler = wrapped as unknown as FastifyInstance['setNotFoundHandler']
  return wrapped
}

/** One hook that runs `first`, then `second`, as two hooks in a list would run; named after `first`, for tracers. */
function inSequence (first: Hook, second: Hook): Hook {
  const both = [first, second]
  const hook: Hook = (request, reply, done) => { runHooks(both, request, reply, done) }
  Object.defineProperty(hook, 'name', { value: first.name })
  return hook
}

type DecorateReply = (this: FastifyInstance, name: string, ...rest: unknown[]) => FastifyInstance

/**
 * Catches Fastify's refusal of every later `decorateReply(name)` in our scope (at the root, or by any plugin
 * registered later, which inherits from the root through its prototype; an encapsulated scope may shadow the
 * name, as Fastify allows). Its FST_ERR_DEC_ALREADY_PRESENT says neither who clashed nor what to do. The call
 * is dropped and `onClash` told instead of throwing: avvio calls a callback-style plugin (such as
 * @fastify/sensible) outside any try, so a throw from it is an uncaught exception, never an error of `ready()`.
 */
export function interceptReplyDecorator (fastify: FastifyInstance, name: string, onClash: () => void): void {
  const original = fastify.decorateReply as unknown as DecorateReply
  const wrapped: DecorateReply = function decorateReply (property, ...rest) {
    try {
      return original.call(this, property, ...rest)
    } catch (error) {
      if (property !== name || (error as { code?: unknown }).code !== 'FST_ERR_DEC_ALREADY_PRESENT') throw error
      onClash()
      return this
    }
  }
  fastify.decorateReply = wrapped as unknown as FastifyInstance['decorateReply']
}

/**
 * Hands Fastify a request that a `checkContinue` listener holds (Node emits 'request' itself only without
 * one). Fastify handles it synchronously up to routing: `rewriteUrl` runs in its 'request' listener
 * (fastify.js `wrapRouting`), so once this returns `req.url` is the URL Fastify routes, and a final response
 * may be sent already (a route's synchronous hook refused the request).
 */
export function handToFastify (server: EventEmitter, req: object, res: object): void {
  server.emit('request', req, res)
}
