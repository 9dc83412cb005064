import type { FastifyInstance } from 'fastify'
import { noteNotFoundErrorHandler } from './fastify-internals.js'

type SetNotFoundHandler = (this: FastifyInstance, opts?: unknown, handler?: unknown) => FastifyInstance

/**
 * Makes every `setNotFoundHandler()` call made after the plugin (at the root or in any plugin registered
 * later, which inherits from the root through its prototype) run our hooks in the not-found context, after
 * the caller's own: the app's guards there (auth, rate limits) come first, as they do for the 404. Fastify
 * takes lifecycle hooks from the options of `setNotFoundHandler` and runs them after the instance's own
 * hooks (fastify lib/four-oh-four.js `_setNotFoundHandler`), so @fastify/cors preflights come first too, and
 * the hooks run for unmatched requests only: matched routes pay nothing.
 */
export function keepHookInNotFoundHandlers (fastify: FastifyInstance, hooks: object): SetNotFoundHandler {
  const original = fastify.setNotFoundHandler as unknown as SetNotFoundHandler
  const wrapped: SetNotFoundHandler = function setNotFoundHandler (opts, handler) {
    if (typeof opts === 'function') return original.call(this, withOurs({}), opts)
    const given: Record<string, unknown> = { ...(opts as object | undefined) }
    if (given.errorHandler !== undefined) noteNotFoundErrorHandler(this)
    return original.call(this, withOurs(given), handler)
  }
  const withOurs = (given: Record<string, unknown>): Record<string, unknown> => {
    const merged = { ...given }
    for (const [name, hook] of Object.entries(hooks)) {
      merged[name] = given[name] === undefined ? [hook] : [given[name], hook].flat()
    }
    return merged
  }
  fastify.setNotFoundHandler = wrapped as unknown as FastifyInstance['setNotFoundHandler']
  return wrapped
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
