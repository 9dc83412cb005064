import type { FastifyInstance } from 'fastify'
import type { ConstraintStrategy } from './find-my-way.js'
import type { NotFoundHooks } from './not-found-hook.js'

type SetNotFoundHandler = (this: FastifyInstance, opts?: unknown, handler?: unknown) => FastifyInstance

/**
 * Makes every `setNotFoundHandler()` call made after the plugin (at the root or in any plugin registered
 * later, which inherits from the root through its prototype) run our hooks in the not-found context, ahead
 * of the caller's own. Fastify takes lifecycle hooks from the options of `setNotFoundHandler` and runs them
 * after the instance's own hooks (fastify lib/four-oh-four.js `_setNotFoundHandler`), so @fastify/cors
 * preflights still come first, and the hooks run for unmatched requests only: matched routes pay nothing.
 */
export function keepHookInNotFoundHandlers (fastify: FastifyInstance, hooks: NotFoundHooks): SetNotFoundHandler {
  const original = fastify.setNotFoundHandler as unknown as SetNotFoundHandler
  const wrapped: SetNotFoundHandler = function setNotFoundHandler (opts, handler) {
    if (typeof opts === 'function') return original.call(this, withOurs({}), opts)
    const given = (opts ?? {}) as Record<string, unknown>
    if (given.errorHandler !== undefined) withOwnNotFoundErrorHandler.add(this)
    return original.call(this, withOurs(given), handler)
  }
  const withOurs = (given: Record<string, unknown>): Record<string, unknown> => {
    const merged = { ...given }
    for (const [name, hook] of Object.entries(hooks)) {
      merged[name] = given[name] === undefined ? [hook] : [hook, given[name]].flat()
    }
    return merged
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

/** Instances whose not-found handler was given an `errorHandler` of its own (a `setNotFoundHandler` option). */
const withOwnNotFoundErrorHandler = new WeakSet<FastifyInstance>()

/**
 * Whether errors of `instance`'s not-found context go to Fastify's default error handler. Fastify names it
 * `defaultErrorHandler` (lib/error-handler.js); should that change, the answer is "no" and the 405 simply
 * takes the error path.
 */
export function usesDefaultErrorHandler (instance: FastifyInstance): boolean {
  return instance.errorHandler.name === 'defaultErrorHandler' && !withOwnNotFoundErrorHandler.has(instance)
}
