import type { FastifyInstance } from 'fastify'
import { noteNotFoundErrorHandler, type Hook, type HookRunner } from './fastify.js'

type SetNotFoundHandler = (this: FastifyInstance, opts?: unknown, handler?: unknown) => FastifyInstance

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
  fastify: FastifyInstance, hooks: Readonly<Record<string, Hook>>, runHooks: HookRunner
): SetNotFoundHandler {
  const original = fastify.setNotFoundHandler as unknown as SetNotFoundHandler
  const withOurs = (instance: FastifyInstance, given: Record<string, unknown>): Record<string, unknown> => {
    const merged = { ...given }
    for (const [name, hook] of Object.entries(hooks)) {
      const theirs = given[name] as Hook | Hook[] | null | undefined
      if (theirs === undefined || theirs === null) merged[name] = hook
      else if (Array.isArray(theirs)) merged[name] = [...theirs, hook]
      // Fastify binds the hooks of a not-found context to the instance that set it.
      else merged[name] = inSequence(theirs.bind(instance), hook, runHooks)
    }
    return merged
  }
  const wrapped: SetNotFoundHandler = function setNotFoundHandler (opts, handler) {
    if (typeof opts === 'function') return original.call(this, withOurs(this, {}), opts)
    const given: Record<string, unknown> = { ...(opts as object | undefined) }
    if (given.errorHandler !== undefined) noteNotFoundErrorHandler(this)
    return original.call(this, withOurs(this, given), handler)
  }
  fastify.setNotFoundHandler = wrapped as unknown as FastifyInstance['setNotFoundHandler']
  return wrapped
}

/** One hook that runs `first`, then `second`, as two hooks in a list would run; named after `first`, for tracers. */
function inSequence (first: Hook, second: Hook, runHooks: HookRunner): Hook {
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
