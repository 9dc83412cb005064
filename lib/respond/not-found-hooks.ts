import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { Constraints } from '../internals/find-my-way.js'
import type { Answer, GetRegistry } from '../lookup/registry.js'
import { allowOf, type Narrow } from './narrow.js'
import { withConstraints } from '../lookup/constraints.js'
import type { NormalisedOptions } from '../options.js'
import type { RunNotFoundHandler } from '../internals/fastify.js'
import { UNGUARDED, type GuardedRoute, type GuardVerdict, type RunGuards } from './guards.js'
import { awaitsContinue } from './expect-continue.js'
import { sendDescription, sendMethodNotAllowed, sendNotImplemented, sendOptions } from './responses.js'
import type { CloseIfBodyUnread } from './unread-body.js'
import { acceptsJson, describeResource, type DescribedRoute } from '../integrations/describe.js'
import type { VaryAnswer } from './vary.js'
import { ACCEPT_FIELDS } from '../integrations/media-types.js'
import { noteAnswered } from '../decorators/resource-pattern.js'

export type RequestHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

/**
 * The hooks of the not-found context. `onRequest` runs only for requests Fastify's router did not match,
 * so matched routes pay nothing. It runs after the app's own onRequest hooks and before the body is parsed
 * (the not-found handler's preValidation/preHandler would run after), so a wrong method gets 405 even with
 * a malformed or oversized body. It replies 501, 405 or the automatic OPTIONS answer, each once the guards
 * the `guards` option names let the request through (respond/guards.ts); or it passes the request on to the
 * not-found handler (404). `preHandler`, see below.
 */
export function createNotFoundHooks (
  registry: GetRegistry, options: NormalisedOptions, narrow: Narrow, varyAnswer: VaryAnswer,
  { runGuards, runNotFoundHandler, closeIfBodyUnread, routeGuards }: NotFoundDependencies
): NotFoundHooks {
  const { autoOptions, notImplemented, describeOptions, notFoundWhenEmpty, problemDetails, requestMediaTypes, guards } = options
  /**
   * OPTIONS requests answered from onRequest: the guards run for them include our own preHandler, which
   * passes them (it passes every other method anyway).
   */
  const answeringEarly = new WeakSet<FastifyRequest>()

  /**
   * The automatic OPTIONS answer, for the methods the caller may use: with `Accept-Patch` (RFC 5789 3.1)
   * and `Accept-Query` (RFC 10008 3) where those methods are among them, and described on request.
   */
  function answerOptions (request: FastifyRequest, reply: FastifyReply, url: string, methods: readonly string[], allow: string, constraints: Constraints | undefined): void {
    const ready = registry()
    if (requestMediaTypes) {
      for (const [method, field, value] of ACCEPT_FIELDS) {
        if (!methods.includes(method)) continue
        const types = ready.mediaTypesFor(method, url, constraints)?.[value]
        if (types !== undefined) reply.header(field, types)
      }
    }
    if (!describeOptions || !acceptsJson(request.headers.accept)) return sendOptions(reply, allow, options)
    const routes: DescribedRoute[] = []
    for (const { context, record } of ready.routesFor(url, methods, constraints)) {
      if (record !== undefined) routes.push({ route: record, mediaTypes: ready.mediaTypesOf(context) })
    }
    sendDescription(reply, describeResource(methods, routes))
  }

  /**
   * The routes whose guards decide what a caller learns of `methods` at `url`: under `guards: 'resource'`, the
   * methods' routes, when some route of the app has guards of its own (`routeGuards`, known once the app is
   * ready); none under `'not-found'` (its own guards alone); null under `'none'`, no guard at all.
   */
  const guardedBy = (url: string, methods: readonly string[], constraints: Constraints | undefined): readonly GuardedRoute[] | null => {
    if (guards === 'none') return null
    return guards === 'resource' && routeGuards() ? registry().routesFor(url, methods, constraints) : NO_ROUTES
  }

  /**
   * Answers a request for a known URL with the methods the caller's guards left of `methods`: the automatic
   * OPTIONS answer, or 405. Where a route's guards were consulted, the answer depends on the caller.
   */
  function answerResource (request: FastifyRequest, reply: FastifyReply, answer: Answer, methods: readonly string[], constraints: Constraints | undefined, { refused, consulted }: GuardVerdict): void {
    const { method, url } = request
    const kept = refused.size === 0 ? methods : methods.filter(name => !refused.has(name))
    if (consulted) varyAnswer(reply, true)
    noteAnswered(request, answer.methods, constraints)
    const allow = allowOf(answer, kept)
    if (method === 'OPTIONS' && autoOptions) answerOptions(request, reply, url, kept, allow, constraints)
    else sendMethodNotAllowed(reply, method, url, kept, allow, options, true)
  }

  /**
   * Narrows `answer` for the caller, then calls `send` with the narrowed methods, or `notFound` when
   * `notFoundWhenEmpty` hides the resource from this caller.
   */
  function narrowed (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, answer: Answer, send: (methods: readonly string[]) => void, notFound: () => void): void {
    narrow(request, answer.methods, (methods) => {
      varyAnswer(reply)
      if (methods.length === 0 && notFoundWhenEmpty) return notFound()
      send(methods)
    }, done)
  }

  /**
   * With notFoundWhenEmpty, a 404 may hide a resource from this caller, and carries the `Vary` of an answer
   * that depends on the caller (a shared cache must not serve it to another). Every 404 passed on carries the
   * same, the URL known or not, before the app's guards and handler run (Fastify keeps headers set before a
   * send): otherwise that one header would tell a hidden resource from a missing one.
   */
  const hideable = notFoundWhenEmpty ? (reply: FastifyReply) => { varyAnswer(reply, true) } : () => {}

  /**
   * Passes the request on to the 404. A client that waits for `100 Continue` has not sent its body, and the
   * 404 needs none: the app's guards and not-found handler run at once, the body never read, so that the
   * client gets the 404 instead of a 100 (RFC 9110 10.1.1; see respond/expect-continue.ts).
   */
  function toNotFound (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    hideable(reply)
    if (!awaitsContinue(request.raw)) return done()
    answerEarly(request, reply, NO_ROUTES, () => runNotFoundHandler(request, reply))
  }

  /**
   * Sends an answer from onRequest, before the body is read: once the guards let the request through (those
   * of the not-found context and of `routes`; none for null). Whatever answers, the plugin or a guard (a 401,
   * a 429, a thrown error), answers before the body is read: the connection closes after it if a body is
   * pending (a header set before the guards run survives their reply, as the `Allow` of a 405 survives the
   * error handler's).
   */
  function answerEarly (request: FastifyRequest, reply: FastifyReply, routes: readonly GuardedRoute[] | null, send: (verdict: GuardVerdict) => void): void {
    if (request.raw.method === 'OPTIONS') answeringEarly.add(request)
    closeIfBodyUnread(request, reply, () => {
      if (routes === null) return send(UNGUARDED)
      runGuards(request, reply, routes, false, send)
    })
  }

  function decide (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, constraints: Constraints | undefined): void {
    const { method = '', url = '' } = request.raw
    const ready = registry()
    const answer = ready.routesIgnoringConstraints(method, url) ? null : ready.lookup(url, constraints)
    if (answer === null) return toNotFound(request, reply, done)
    narrowed(request, reply, done, answer, (methods) => answerEarly(request, reply, guardedBy(url, methods, constraints),
      (verdict) => answerResource(request, reply, answer, methods, constraints, verdict)), () => toNotFound(request, reply, done))
  }

  function onRequest (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const { method = '', url = '' } = request.raw
    const ready = registry()
    if (notImplemented && !ready.servedMethods.has(method) && !(method === 'OPTIONS' && autoOptions)) {
      return answerEarly(request, reply, guardedBy(url, NO_METHODS, undefined),
        () => sendNotImplemented(reply, method, url, problemDetails, ready.servedMethods.has('GET')))
    }
    // RFC 9110 9.3.7: `OPTIONS *` asks about the server as a whole.
    if (url === '*') {
      if (method !== 'OPTIONS' || !autoOptions) {
        hideable(reply)
        return done()
      }
      const server = ready.serverAnswer
      return narrowed(request, reply, done, server, (methods) => answerEarly(request, reply, guardedBy(url, NO_METHODS, undefined),
        () => sendOptions(reply, allowOf(server, methods), options)), () => toNotFound(request, reply, done))
    }
    withConstraints(ready, request, done, (constraints) => decide(request, reply, done, constraints))
  }

  /**
   * A matched route may hand its request to the not-found handler with `reply.callNotFound()`, which runs
   * the not-found context's preHandler hooks but not its onRequest hooks. @fastify/cors with
   * `preflight: false` does that for every OPTIONS request, from its catch-all `OPTIONS *`: without this
   * hook, a URL whose 405 lists OPTIONS would answer OPTIONS with 404. Other methods were routed, and their
   * route chose the 404. It is the context's last preHandler: the not-found context's guards have run (and the
   * catch-all route's); the resource's run here. It passes the requests the onRequest hook is answering, whose
   * guards (this hook among them) run before that answer.
   */
  function preHandler (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (request.raw.method !== 'OPTIONS' || answeringEarly.has(request)) return done()
    const ready = registry()
    withConstraints(ready, request, done, (constraints) => {
      const { url } = request
      const answer = ready.lookupDeclinedOptions(url, constraints)
      if (answer === null) {
        hideable(reply)
        return done()
      }
      // The guards have run and the body was read: a hidden resource goes on to the 404 as is.
      narrowed(request, reply, done, answer, (methods) => {
        // `OPTIONS *`: the server's answer, as onRequest gives it.
        if (url === '*') return sendOptions(reply, allowOf(answer, methods), options)
        runGuards(request, reply, guardedBy(url, methods, constraints) ?? NO_ROUTES, true,
          (verdict) => answerResource(request, reply, answer, methods, constraints, verdict))
      }, done)
    })
  }

  return autoOptions ? { onRequest, preHandler } : { onRequest }
}

const NO_ROUTES: readonly GuardedRoute[] = []
const NO_METHODS: readonly string[] = []

/** What the not-found hooks are given: the runners of internals/fastify.ts and what is known once the app is ready. */
export interface NotFoundDependencies {
  readonly runGuards: RunGuards
  readonly runNotFoundHandler: RunNotFoundHandler
  readonly closeIfBodyUnread: CloseIfBodyUnread
  /** Whether some route of the app has guard hooks of its own (internals/fastify.ts `ownGuardsReader`). */
  readonly routeGuards: () => boolean
}

export interface NotFoundHooks {
  onRequest: RequestHook
  preHandler?: RequestHook
}
