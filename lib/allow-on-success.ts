import type { onSendHookHandler } from 'fastify'
import type { GetRegistry } from './registry.js'
import type { RequestHook } from './not-found-hook.js'
import { allowOf, type Narrow } from './narrow.js'
import { withConstraints } from './request-constraints.js'
import type { VaryAnswer } from './vary.js'
import { awaitsContinue } from './expect-continue.js'
import { closeIfBodyUnread } from './responses.js'

/**
 * The `allowOnSuccess` hooks, added to each route of the registry. `onRequest` sets on every response of
 * the route the `Allow` a 405 for the same URL would carry (RFC 9110 10.2.1 allows `Allow` on any
 * response), looked up as a 405's is. Set in `onRequest`, it survives whatever the handler or the error
 * handler sends, as the 405's own header does. When `filterAllowed` leaves the caller no method and
 * `notFoundWhenEmpty` hides such resources, the route answers the app's 404 instead. `onSend` adds the
 * `Vary` the value needs after the handler, which may have set a `Vary` of its own.
 */
export function createAllowOnSuccessHooks (
  registry: GetRegistry, narrow: Narrow, narrows: boolean, notFoundWhenEmpty: boolean, varyAnswer: VaryAnswer
): { onRequest: RequestHook, onSend: onSendHookHandler } {
  return {
    onRequest (request, reply, done) {
      const ready = registry()
      withConstraints(ready, request, done, (constraints) => {
        const answer = ready.lookup(request.url, constraints)
        if (answer === null) return done()
        if (!narrows) {
          reply.header('allow', answer.allow)
          return done()
        }
        narrow(request, answer.methods, (methods) => {
          if (methods.length === 0 && notFoundWhenEmpty) {
            varyAnswer(reply)
            // As the not-found hook sends a 404 to a client awaiting `100 Continue` (not-found-hook.ts `toNotFound`).
            if (awaitsContinue(request.raw)) closeIfBodyUnread(request, reply)
            return reply.callNotFound()
          }
          reply.header('allow', allowOf(answer, methods))
          done()
        }, done)
      })
    },
    onSend (_request, reply, payload, done) {
      varyAnswer(reply)
      done(null, payload)
    }
  }
}
