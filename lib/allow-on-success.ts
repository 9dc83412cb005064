import type { onSendHookHandler } from 'fastify'
import type { MethodRegistry, Answer } from './registry.js'
import type { Narrow, RequestHook } from './not-found-hook.js'
import { allowOf, withConstraints } from './not-found-hook.js'
import type { VaryAnswer } from './vary.js'

/**
 * The `allowOnSuccess` hooks, added to each route of the registry. `onRequest` sets on every response of
 * the route the `Allow` a 405 for the same URL would carry (RFC 9110 10.2.1 allows `Allow` on any
 * response). Where the route's pattern overlaps no other, the value is the same for every request and is
 * computed once; elsewhere it is resolved per request. Set in `onRequest`, it survives whatever the handler
 * or the error handler sends, as the 405's own header does. When `filterAllowed` leaves the caller no method
 * and `notFoundWhenEmpty` hides such resources, the route answers the app's 404 instead. `onSend` adds the
 * `Vary` the value needs after the handler, which may have set a `Vary` of its own.
 */
export function createAllowOnSuccessHooks (
  registry: MethodRegistry, url: string, perRequest: boolean, narrow: Narrow, narrows: boolean,
  notFoundWhenEmpty: boolean, varyAnswer: VaryAnswer
): { onRequest: RequestHook, onSend: onSendHookHandler } {
  // undefined: not known yet (the registry is built when the app is ready); null: resolved per request.
  let fixed: Answer | null | undefined = perRequest ? null : undefined
  return {
    onRequest (request, reply, done) {
      if (fixed === undefined) fixed = registry.fixedAnswer(url)
      if (fixed !== null && !narrows) {
        reply.header('allow', fixed.allow)
        return done()
      }
      withConstraints(registry, request, done, (constraints) => {
        const answer = fixed ?? registry.resolve(request.raw.url ?? '', undefined, request.raw, constraints)
        if (answer === null) return done()
        narrow(request, answer.methods, (methods) => {
          if (methods.length === 0 && notFoundWhenEmpty) {
            varyAnswer(reply)
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
