import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { Constraints } from './find-my-way.js'
import type { Answer, MethodRegistry } from './registry.js'
import type { NormalisedOptions } from './options.js'
import { sendDescription, sendMethodNotAllowed, sendNotImplemented, sendOptions } from './responses.js'
import { acceptsJson, describeResource } from './describe.js'
import { formatAllow } from './allow-header.js'

export type RequestHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

/** Narrows a computed allowed set with the app's `filterAllowed`, keeping our order and our methods only. */
export type Narrow = (request: FastifyRequest, methods: readonly string[]) => readonly string[]

/** The `Allow` value of `methods`, a narrowing of `answer.methods`: the precomputed one when nothing was narrowed. */
export const allowOf = (answer: Answer, methods: readonly string[]): string =>
  methods === answer.methods ? answer.allow : formatAllow(methods)

export function createNarrow (filterAllowed: NormalisedOptions['filterAllowed']): Narrow {
  if (filterAllowed === undefined) return (_request, methods) => methods
  return (request, methods) => {
    const keep = filterAllowed(request, methods)
    return methods.filter(method => keep.includes(method))
  }
}

/**
 * Calls `next` with the request's constraint values when a custom strategy derives them asynchronously,
 * or with undefined (the registry derives them itself, synchronously, only if it needs them).
 */
export function withConstraints (registry: MethodRegistry, request: FastifyRequest, done: HookHandlerDoneFunction, next: (constraints: Constraints | undefined) => void): void {
  if (!registry.hasAsyncConstraints) return next(undefined)
  registry.deriveConstraintsAsync(request.raw, (err, constraints) => {
    if (err !== null) done(err)
    else next(constraints)
  })
}

/**
 * The hooks of the not-found context. `onRequest` runs only for requests Fastify's router did not match,
 * so matched routes pay nothing. It runs before the body is parsed (the not-found handler's own
 * preValidation/preHandler would run after), so a wrong method gets 405 even with a malformed or
 * oversized body. It replies 501, 405 or the automatic OPTIONS answer, or passes the request on to the
 * not-found handler (404). `preHandler`, see below.
 */
export function createNotFoundHooks (registry: MethodRegistry, options: NormalisedOptions, narrow: Narrow): NotFoundHooks {
  const { autoOptions, notImplemented, cacheControl, describeOptions } = options

  function answerOptions (request: FastifyRequest, reply: FastifyReply, url: string, methods: readonly string[], allow: string, constraints: Constraints | undefined): void {
    if (!describeOptions || !acceptsJson(request.headers.accept)) return sendOptions(reply, allow)
    const routes = registry.matchingRoutes(url, methods, constraints ?? registry.deriveConstraints(request.raw))
    sendDescription(reply, describeResource(methods, routes))
  }

  function decide (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, constraints: Constraints | undefined): void {
    const { method = '', url = '' } = request.raw
    const answer = registry.resolve(url, method, request.raw, constraints)
    if (answer === null) return done()
    const methods = narrow(request, answer.methods)
    const allow = allowOf(answer, methods)
    if (method === 'OPTIONS' && autoOptions) answerOptions(request, reply, url, methods, allow, constraints)
    else sendMethodNotAllowed(reply, method, url, methods, allow, cacheControl, true)
  }

  function onRequest (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const { method = '', url = '' } = request.raw
    if (notImplemented && !registry.servedMethods.has(method) && !(method === 'OPTIONS' && autoOptions)) {
      return sendNotImplemented(reply, method)
    }
    // RFC 9110 9.3.7: `OPTIONS *` asks about the server as a whole.
    if (url === '*') {
      if (method === 'OPTIONS' && autoOptions) return sendOptions(reply, formatAllow(narrow(request, registry.serverMethods)))
      return done()
    }
    if (registry.hasAsyncConstraints) {
      return withConstraints(registry, request, done, (constraints) => decide(request, reply, done, constraints))
    }
    decide(request, reply, done, undefined)
  }

  /**
   * A matched route may hand its request to the not-found handler with `reply.callNotFound()`, which runs
   * the not-found context's preHandler hooks but not its onRequest hooks. @fastify/cors with
   * `preflight: false` does that for every OPTIONS request, from its catch-all `OPTIONS *`: without this
   * hook, a URL whose 405 lists OPTIONS would answer OPTIONS with 404. Other methods were routed, and their
   * route chose the 404.
   */
  function preHandler (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (request.raw.method !== 'OPTIONS') return done()
    withConstraints(registry, request, done, (constraints) => {
      const url = request.raw.url ?? ''
      const answer = registry.resolveDeclinedOptions(url, request.raw, constraints)
      if (answer === null) return done()
      const methods = narrow(request, answer.methods)
      answerOptions(request, reply, url, methods, allowOf(answer, methods), constraints)
    })
  }

  return autoOptions ? { onRequest, preHandler } : { onRequest }
}

export interface NotFoundHooks {
  onRequest: RequestHook
  preHandler?: RequestHook
}
