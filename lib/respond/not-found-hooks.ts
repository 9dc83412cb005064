import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { PluginContext } from '../context.js'
import type { Answer } from '../lookup/registry.js'
import {
  contextHooksReader, createNotFoundHandlerRunner, errorSender, keepHookInNotFoundHandlers, logControllerOf,
  notFoundHookOptionsOf, rootNotFoundHandler, routeContextReader, runHooks, type Hook
} from '../internals/fastify.js'
import { decide, type Asked, type Decision } from './decide.js'
import { allowOf } from './narrow.js'
import { createGuardRunner, UNGUARDED, type GuardedRoute, type GuardVerdict } from './guards.js'
import { awaitsContinue } from './expect-continue.js'
import { sendDescription, sendMethodNotAllowed, sendNotImplemented, sendOptions } from './responses.js'
import { acceptsJson, describeResource, type DescribedRoute } from '../integrations/describe.js'
import { ACCEPT_FIELDS } from '../integrations/media-types.js'
import { noteAnswered } from '../decorators/resource-pattern.js'

export type RequestHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

/** A request on the not-found path, as each step of its delivery reads it. */
interface Pending extends Asked {
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  /** The hook's `done`: the request goes on to the not-found handler, or fails with the error given. */
  readonly done: HookHandlerDoneFunction
}

const NO_ROUTES: readonly GuardedRoute[] = []
const NO_METHODS: readonly string[] = []

/**
 * Makes the not-found context of the app, and of every prefix that sets a not-found handler later, run the
 * plugin's hooks: `onRequest` runs only for requests Fastify's router did not match, so matched routes pay
 * nothing. It runs after the app's own onRequest hooks and before the body is parsed (the not-found
 * handler's preValidation and preHandler would run after), so a wrong method gets 405 even with a malformed
 * or oversized body. `preHandler` answers the OPTIONS requests a matched route hands to the not-found
 * handler (`Asked.declined`): `reply.callNotFound()` runs the not-found context's preHandler hooks, not its
 * onRequest hooks. It is the context's last preHandler: the not-found context's guards have run.
 */
export function installNotFoundHooks (fastify: FastifyInstance, context: PluginContext): void {
  const root = rootNotFoundHandler(fastify)
  logControllerOf(fastify) // the plugin's log lines need it: an unsupported Fastify fails here, not on a request
  if (!root.settable) {
    throw new Error('fastify-allowed-methods: a not-found handler was set before the plugin, so the plugin cannot ' +
      'answer for unmatched requests. Register the plugin first, then call `setNotFoundHandler`, or pass the ' +
      'handler as the `notFound` option.')
  }
  const hooks = createNotFoundHooks(fastify, context)
  // Any not-found handler set later, at the root or in a prefixed plugin, runs the hooks too.
  const setNotFoundHandler = keepHookInNotFoundHandlers(fastify, hooks as unknown as Record<string, Hook>)
  const { notFound } = context.options
  if (notFound !== undefined) setNotFoundHandler.call(fastify, {}, notFound)
  else {
    // Fastify's own 404 with our hooks; the app may still set its handler later.
    setNotFoundHandler.call(fastify, {}, root.current)
    root.release()
  }
}

/** Decides what each request is owed (respond/decide.ts), then delivers it: narrowing, guards, send. */
function createNotFoundHooks (fastify: FastifyInstance, context: PluginContext): NotFoundHooks {
  const { options, registry, narrow, vary, closeIfBodyUnread, ready } = context
  const { autoOptions, describeOptions, notFoundWhenEmpty, requestMediaTypes, guards } = options
  const runGuards = createGuardRunner({
    runHooks,
    contextOf: routeContextReader(),
    hooksOf: contextHooksReader(fastify),
    notFoundOptionsOf: notFoundHookOptionsOf,
    sendError: errorSender()
  }, new Set([...context.ownHooks, onRequest, preHandler]))
  const runNotFoundHandler = createNotFoundHandlerRunner()
  /**
   * OPTIONS requests answered from onRequest: our own preHandler passes them where the guards run it (joined to
   * the app's one preHandler function, or where its copy is not told from the app's).
   */
  const answeringEarly = new WeakSet<FastifyRequest>()

  function deliver (pending: Pending, decision: Decision): void {
    if (decision.kind === 'not-found') return toNotFound(pending)
    if (decision.kind === 'not-implemented') {
      const served = registry().servedMethods
      return guarded(pending, guardedBy(pending, NO_METHODS), () => {
        sendNotImplemented(pending.reply, pending.method, pending.url, options.problemDetails, served.has('GET'))
      })
    }
    const { answer } = decision
    narrow(pending.request, answer.methods, (methods) => {
      vary(pending.reply)
      if (methods.length === 0 && notFoundWhenEmpty) return toNotFound(pending)
      if (decision.kind === 'server-options') {
        return guarded(pending, guardedBy(pending, NO_METHODS), () => {
          sendOptions(pending.reply, allowOf(answer, methods), options)
        })
      }
      guarded(pending, guardedBy(pending, methods), (verdict) => { answerResource(pending, answer, methods, verdict) })
    }, pending.done)
  }

  /**
   * The one way on to the 404. With notFoundWhenEmpty, a 404 may hide a resource from this caller, and
   * carries the `Vary` of an answer that depends on the caller (a shared cache must not serve it to another):
   * every 404 carries the same, the URL known or not, before the app's guards and handler run (Fastify keeps
   * headers set before a send), or that one header would tell a hidden resource from a missing one. A client
   * that waits for `100 Continue` has not sent its body, and the 404 needs none: the guards and the not-found
   * handler run at once, the body never read, so that the client gets the 404 instead of a 100 (RFC 9110
   * 10.1.1; see respond/expect-continue.ts).
   */
  function toNotFound (pending: Pending): void {
    if (notFoundWhenEmpty) vary(pending.reply, true)
    if (pending.declined || !awaitsContinue(pending.request.raw)) return pending.done()
    guarded(pending, NO_ROUTES, () => { runNotFoundHandler(pending.request, pending.reply) })
  }

  /**
   * The routes whose guards decide what a caller learns of `methods`: under `guards: 'resource'`, the
   * methods' routes, when some route of the app has guards of its own; none under `'not-found'` (its own
   * guards alone); null under `'none'`, no guard at all.
   */
  function guardedBy (pending: Pending, methods: readonly string[]): readonly GuardedRoute[] | null {
    if (guards === 'none') return null
    if (guards === 'not-found' || !ready.routeGuards || methods.length === 0) return NO_ROUTES
    return registry().routesFor(pending.url, methods, pending.constraints)
  }

  /**
   * From onRequest, whatever answers, the plugin or a guard (a 401, a 429, a thrown error), answers before the
   * body is read: the connection closes after it if a body is pending (a header set before the guards run
   * survives their reply, as the `Allow` of a 405 survives the error handler's). A declined request has run
   * the not-found context's guards already.
   */
  function guarded (
    pending: Pending, routes: readonly GuardedRoute[] | null, send: (verdict: GuardVerdict) => void
  ): void {
    const { request, reply } = pending
    if (pending.declined) return runGuards(request, reply, routes ?? NO_ROUTES, true, send)
    if (pending.method === 'OPTIONS') answeringEarly.add(request)
    closeIfBodyUnread(request, reply, () => {
      if (routes === null) return send(UNGUARDED)
      runGuards(request, reply, routes, false, send)
    })
  }

  /** Where a route's guards were consulted, the answer depends on the caller. */
  function answerResource (pending: Pending, answer: Answer, methods: readonly string[], verdict: GuardVerdict): void {
    const { request, reply, method, url, constraints } = pending
    const kept = verdict.refused.size === 0 ? methods : methods.filter(name => !verdict.refused.has(name))
    if (verdict.consulted) vary(reply, true)
    noteAnswered(request, answer.methods, constraints)
    const allow = allowOf(answer, kept)
    if (method === 'OPTIONS' && autoOptions) answerOptions(pending, kept, allow)
    else sendMethodNotAllowed(reply, method, url, kept, allow, options, true)
  }

  /**
   * The automatic OPTIONS answer, for the methods the caller may use: with `Accept-Patch` (RFC 5789 3.1)
   * and `Accept-Query` (RFC 10008 3) where those methods are among them, and described on request.
   */
  function answerOptions (
    { request, reply, url, constraints }: Pending, methods: readonly string[], allow: string
  ): void {
    const found = registry()
    if (requestMediaTypes) {
      for (const [method, field, value] of ACCEPT_FIELDS) {
        if (!methods.includes(method)) continue
        const types = found.mediaTypesFor(method, url, constraints)?.[value]
        if (types !== undefined) reply.header(field, types)
      }
    }
    if (!describeOptions || !acceptsJson(request.headers.accept)) return sendOptions(reply, allow, options)
    const routes: DescribedRoute[] = []
    for (const route of found.routesFor(url, methods, constraints)) {
      if (route.record !== undefined) {
        routes.push({ route: route.record, mediaTypes: found.mediaTypesOf(route.context) })
      }
    }
    sendDescription(reply, describeResource(methods, routes))
  }

  function answer (
    request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, declined: boolean
  ): void {
    const found = registry()
    found.constraints.of(request, done, (constraints) => {
      const { method = '', url = '' } = request.raw
      const pending: Pending = { request, reply, done, method, url, constraints, declined }
      deliver(pending, decide(found, options, pending))
    })
  }

  function onRequest (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    answer(request, reply, done, false)
  }

  function preHandler (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (request.raw.method !== 'OPTIONS' || answeringEarly.has(request)) return done()
    answer(request, reply, done, true)
  }

  return autoOptions ? { onRequest, preHandler } : { onRequest }
}

interface NotFoundHooks {
  onRequest: RequestHook
  preHandler?: RequestHook
}
