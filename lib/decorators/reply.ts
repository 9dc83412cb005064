import type { FastifyInstance, FastifyReply } from 'fastify'
import type { PluginContext } from '../context.js'
import { sendMethodNotAllowed } from '../respond/responses.js'
import { formatAllow } from '../respond/allow-header.js'
import { interceptReplyDecorator } from '../internals/fastify.js'
import { noteAnswered } from './resource-pattern.js'

/**
 * Adds the reply decorator under `name`. The name may clash with @fastify/sensible's `reply.methodNotAllowed()`
 * in either order of registration; both fail the startup with the same advice, rather than with Fastify's
 * FST_ERR_DEC_ALREADY_PRESENT, which names neither the option nor the way out.
 */
export function addReplyDecorator (fastify: FastifyInstance, { options, registry, narrow, vary }: PluginContext): void {
  const name = options.replyDecorator
  if (name === false) return
  if (fastify.hasReplyDecorator(name)) throw nameTaken(name, 'already exists')
  fastify.decorateReply(name, function methodNotAllowed (this: FastifyReply): FastifyReply {
    const reply = this
    const { request } = reply
    const { method = '', url = '' } = request.raw
    // A route for GET serves HEAD with the same handler (Fastify's automatic HEAD route): refusing one
    // refuses both, and Allow must name neither.
    const refused = method === 'GET' || method === 'HEAD' ? ['GET', 'HEAD'] : [method]
    // The refusal depends on the caller, whatever filterAllowed says: never shared by a cache.
    vary(reply, true)
    // From a route: its own errorHandler option may apply, so always the error path.
    const fail = (error: Error): void => { reply.send(error) }
    const ready = registry()
    ready.constraints.of(request, fail, (constraints) => {
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
