import type { FastifyInstance, FastifyReply } from 'fastify'
import type { GetRegistry } from '../lookup/registry.js'
import type { Narrow } from '../respond/narrow.js'
import { withConstraints } from '../lookup/constraints.js'
import type { NormalisedOptions } from '../options.js'
import type { VaryAnswer } from '../respond/vary.js'
import { sendMethodNotAllowed } from '../respond/responses.js'
import { formatAllow } from '../respond/allow-header.js'
import { interceptReplyDecorator } from '../internals/fastify-wrappers.js'
import { noteAnswered } from './resource-pattern.js'

/**
 * The reply decorator, under the name given as the `replyDecorator` option. The plugin does not add it to
 * `FastifyReply` itself: it cannot know the name, and a global `reply.methodNotAllowed()` would hide
 * @fastify/sensible's own and type-check where the decorator is off. Declare it once, with your name:
 *
 * ```ts
 * declare module 'fastify' {
 *   interface FastifyReply extends FastifyAllowedMethodsReply<'sendMethodNotAllowed'> {}
 * }
 * ```
 *
 * The decorator sends 405 Method Not Allowed for the current request, e.g. for a method the caller's
 * credentials do not permit (RFC 9110 15.5.6): `Allow` lists the URL's other methods, narrowed by
 * `filterAllowed`. It returns the reply: `return reply.sendMethodNotAllowed()`.
 */
export type FastifyAllowedMethodsReply<Name extends string = 'methodNotAllowed'> = {
  [K in Name]: () => FastifyReply
}

/**
 * Adds the reply decorator under `name`. The name may clash with @fastify/sensible's `reply.methodNotAllowed()`
 * in either order of registration; both fail the startup with the same advice, rather than with Fastify's
 * FST_ERR_DEC_ALREADY_PRESENT, which names neither the option nor the way out.
 */
export function addReplyDecorator (
  fastify: FastifyInstance, name: string, registry: GetRegistry, narrow: Narrow, varyAnswer: VaryAnswer,
  options: Pick<NormalisedOptions, 'cacheControl' | 'notFoundWhenEmpty' | 'problemDetails'>
): void {
  if (fastify.hasReplyDecorator(name)) throw nameTaken(name, 'already exists')
  fastify.decorateReply(name, function methodNotAllowed (this: FastifyReply): FastifyReply {
    const reply = this
    const { request } = reply
    const { method = '', url = '' } = request.raw
    // A route for GET serves HEAD with the same handler (Fastify's automatic HEAD route): refusing one
    // refuses both, and Allow must name neither.
    const refused = method === 'GET' || method === 'HEAD' ? ['GET', 'HEAD'] : [method]
    // The refusal depends on the caller, whatever filterAllowed says: never shared by a cache.
    varyAnswer(reply, true)
    // From a route: its own errorHandler option may apply, so always the error path.
    const fail = (error: Error): void => { reply.send(error) }
    const ready = registry()
    withConstraints(ready, request, fail, (constraints) => {
      const known = ready.lookup(url, constraints)?.methods ?? []
      narrow(request, known.filter(other => !refused.includes(other)), (methods) => {
        if (methods.length === 0 && options.notFoundWhenEmpty) return reply.callNotFound()
        noteAnswered(request, known, constraints)
        sendMethodNotAllowed(reply, method, url, methods, formatAllow(methods), options, false)
      }, fail)
    })
    return reply
  })
  // A plugin registered later cannot be failed where it decorates (see interceptReplyDecorator): the
  // startup fails at ready(), where every app handles a plugin that cannot load.
  interceptReplyDecorator(fastify, name, () => {
    const clash = nameTaken(name, 'is ours, and a plugin registered after fastify-allowed-methods decorates it too')
    fastify.addHook('onReady', function refuseLaterDecorator (done) { done(clash) })
  })
}

function nameTaken (name: string, why: string): TypeError {
  return new TypeError(`fastify-allowed-methods: option "replyDecorator": reply.${name}() ${why} ` +
    '(@fastify/sensible adds reply.methodNotAllowed()). Choose another name, e.g. ' +
    "`replyDecorator: 'sendMethodNotAllowed'`, or false.")
}
