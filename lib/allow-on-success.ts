import type { MethodRegistry, Answer } from './registry.js'
import type { Narrow, RequestHook } from './not-found-hook.js'
import { allowOf, withConstraints } from './not-found-hook.js'

/**
 * The `allowOnSuccess` hook, added to each route of the registry: it sets on every response of the route
 * the `Allow` a 405 for the same URL would carry (RFC 9110 10.2.1 allows `Allow` on any response). Where
 * the route's pattern overlaps no other, the value is the same for every request and is computed once;
 * elsewhere it is resolved per request. Set in `onRequest`, it survives whatever the handler or the error
 * handler sends, as the 405's own header does.
 */
export function createAllowOnSuccessHook (registry: MethodRegistry, url: string, perRequest: boolean, narrow: Narrow, narrows: boolean): RequestHook {
  // undefined: not known yet (the registry is built when the app is ready); null: resolved per request.
  let fixed: Answer | null | undefined = perRequest ? null : undefined
  return function allowOnSuccess (request, reply, done) {
    if (fixed === undefined) fixed = registry.fixedAnswer(url)
    if (fixed !== null && !narrows) {
      reply.header('allow', fixed.allow)
      return done()
    }
    withConstraints(registry, request, done, (constraints) => {
      const answer = fixed ?? registry.resolve(request.raw.url ?? '', undefined, request.raw, constraints)
      if (answer !== null) reply.header('allow', allowOf(answer, narrow(request, answer.methods)))
      done()
    })
  }
}
