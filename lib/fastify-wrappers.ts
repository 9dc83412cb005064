import type { FastifyInstance } from 'fastify'
import type { ConstraintStrategy } from './find-my-way.js'
import type { RequestHook } from './not-found-hook.js'

type SetNotFoundHandler = (this: FastifyInstance, opts?: unknown, handler?: unknown) => FastifyInstance

/**
 * Makes every `setNotFoundHandler()` call made after the plugin (at the root or in any plugin registered
 * later, which inherits from the root through its prototype) run our hook as the not-found context's
 * `onRequest`. Fastify takes `onRequest` from the options of `setNotFoundHandler` and runs it after the
 * instance's own onRequest hooks (fastify lib/four-oh-four.js `_setNotFoundHandler`), so @fastify/cors
 * preflights still come first, and the hook runs for unmatched requests only: matched routes pay nothing.
 */
export function keepHookInNotFoundHandlers (fastify: FastifyInstance, hook: RequestHook): SetNotFoundHandler {
  const original = fastify.setNotFoundHandler as unknown as SetNotFoundHandler
  const wrapped: SetNotFoundHandler = function setNotFoundHandler (opts, handler) {
    if (typeof opts === 'function') return original.call(this, { onRequest: [hook] }, opts)
    const given = (opts ?? {}) as { onRequest?: unknown }
    const theirs = given.onRequest === undefined ? [] : [given.onRequest].flat()
    return original.call(this, { ...given, onRequest: [hook, ...theirs] }, handler)
  }
  fastify.setNotFoundHandler = wrapped as unknown as FastifyInstance['setNotFoundHandler']
  return wrapped
}

/**
 * Strategies added with `addConstraintStrategy()` do not appear in `initialConfig`; our router needs them
 * to match constrained routes as Fastify's does.
 */
export function captureConstraintStrategies (fastify: FastifyInstance, into: Record<string, ConstraintStrategy>): void {
  const original = fastify.addConstraintStrategy
  fastify.addConstraintStrategy = function addConstraintStrategy (this: FastifyInstance, strategy) {
    original.call(this, strategy)
    into[strategy.name] = strategy as unknown as ConstraintStrategy
  }
}
