import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { Constraints } from './find-my-way.js'
import type { MethodRegistry } from './registry.js'
import type { NormalisedOptions } from './options.js'
import { sendDescription, sendMethodNotAllowed, sendNotImplemented, sendOptions } from './responses.js'
import { acceptsJson, describeResource } from './describe.js'

export type RequestHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

/** Narrows a computed allowed set with the app's `filterAllowed`, keeping our order and our methods only. */
export type Narrow = (request: FastifyRequest, methods: readonly string[]) => readonly string[]

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
 * The `onRequest` hook of the not-found context: it runs only for requests Fastify's router did not match,
 * so matched routes pay nothing. It runs before the body is parsed (the not-found handler's own
 * preValidation/preHandler would run after), so a wrong method gets 405 even with a malformed or
 * oversized body. It replies 501, 405 or the automatic OPTIONS answer, or passes the request on to the
 * not-found handler (404).
 */
export function createNotFoundHook (registry: MethodRegistry, appMethods: ReadonlySet<string>, options: NormalisedOptions, narrow: Narrow): RequestHook {
  const { autoOptions, notImplemented, cacheControl, describeOptions } = options

  function answerOptions (request: FastifyRequest, reply: FastifyReply, url: string, methods: readonly string[], constraints: Constraints | undefined): void {
    if (!describeOptions || !acceptsJson(request.headers.accept)) return sendOptions(reply, methods)
    const routes = registry.matchingRoutes(url, methods, constraints ?? registry.deriveConstraints(request.raw))
    sendDescription(reply, describeResource(methods, routes))
  }

  return function methodNotAllowedHook (request, reply, done) {
    const { method = '', url = '' } = request.raw
    if (notImplemented && !appMethods.has(method) && !(method === 'OPTIONS' && autoOptions)) {
      return sendNotImplemented(reply, method)
    }
    // RFC 9110 9.3.7: `OPTIONS *` asks about the server as a whole.
    if (url === '*') {
      if (method === 'OPTIONS' && autoOptions) return sendOptions(reply, narrow(request, registry.serverMethods))
      return done()
    }
    withConstraints(registry, request, done, (constraints) => {
      const answer = registry.resolve(url, method, request.raw, constraints)
      if (answer === null) return done()
      const methods = narrow(request, answer.methods)
      if (method === 'OPTIONS' && autoOptions) answerOptions(request, reply, url, methods, constraints)
      else sendMethodNotAllowed(reply, method, url, methods, cacheControl)
    })
  }
}
