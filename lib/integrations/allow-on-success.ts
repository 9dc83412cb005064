import type { FastifyRequest, onSendHookHandler } from 'fastify'
import type { PluginContext } from '../context.js'
import type { RequestHook } from '../respond/not-found-hooks.js'
import { allowOf } from '../respond/narrow.js'
import { awaitsContinue } from '../respond/expect-continue.js'

export interface AllowOnSuccessHooks { readonly onRequest: RequestHook, readonly onSend: onSendHookHandler }

/**
 * The `allowOnSuccess` hooks, added to each route of the registry: every response of the route carries the
 * `Allow` a 405 for the same URL would (RFC 9110 10.2.1 allows `Allow` on any response). Set in `onRequest`,
 * it survives whatever the handler or the error handler sends, as the 405's own header does. A caller that
 * `filterAllowed` leaves no method under `notFoundWhenEmpty` gets the app's 404, with the `Vary` every 404 of
 * the not-found path gets and nothing added after it, as a 404 for an unknown URL. `onSend` adds the `Vary`
 * after the route's handler, which may have set one of its own.
 */
export function createAllowOnSuccessHooks (
  { registry, narrow, vary, closeIfBodyUnread, options }:
  Pick<PluginContext, 'registry' | 'narrow' | 'vary' | 'closeIfBodyUnread' | 'options'>
): AllowOnSuccessHooks {
  const narrows = options.filterAllowed !== undefined
  const { notFoundWhenEmpty } = options
  const hidden = new WeakSet<FastifyRequest>()
  return {
    onRequest (request, reply, done) {
      const ready = registry()
      ready.constraints.of(request, done, (constraints) => {
        const answer = ready.lookup(request.url, constraints)
        if (answer === null) return done()
        if (!narrows) {
          reply.header('allow', answer.allow)
          return done()
        }
        narrow(request, answer.methods, (methods) => {
          if (methods.length === 0 && notFoundWhenEmpty) {
            vary(reply)
            hidden.add(request)
            // As the not-found path sends a 404 to a client awaiting `100 Continue`: before the body is read.
            if (!awaitsContinue(request.raw)) return reply.callNotFound()
            return closeIfBodyUnread(request, reply, () => reply.callNotFound())
          }
          reply.header('allow', allowOf(answer, methods))
          done()
        }, done)
      })
    },
    onSend (request, reply, payload, done) {
      if (!hidden.has(request)) vary(reply)
      done(null, payload)
    }
  }
}
