import type { Constraints } from '../internals/find-my-way.js'
import type { Answer, MethodRegistry } from '../lookup/registry.js'
import type { NormalisedOptions } from '../options.js'

/**
 * The answer a request that reached the not-found context is owed, before the caller's narrowing and
 * guards have their say: the delivery (respond/not-found-hooks.ts) may still turn the last three into a 404
 * (`notFoundWhenEmpty`) or a guard's refusal.
 */
export type Decision =
  /** Go on to the app's 404: the URL is unknown, or the request is not ours to answer. */
  | { readonly kind: 'not-found' }
  /** RFC 9110 9.1: no route of the app serves the method (`notImplemented`). */
  | { readonly kind: 'not-implemented' }
  /** RFC 9110 15.5.6: the URL is known, not for this method. */
  | { readonly kind: 'method-not-allowed', readonly answer: Answer }
  /** The automatic answer to OPTIONS for a known URL (RFC 9110 9.3.7). */
  | { readonly kind: 'options', readonly answer: Answer }
  /** `OPTIONS *`: the server as a whole (RFC 9110 9.3.7). */
  | { readonly kind: 'server-options', readonly answer: Answer }

export interface Asked {
  /** The method and URL Fastify routes: the raw request's, the URL after `rewriteUrl`, query string included. */
  readonly method: string
  readonly url: string
  readonly constraints: Constraints | undefined
  /**
   * Handed to the not-found handler by a matched route (`reply.callNotFound()`) rather than by the router.
   * @fastify/cors with `preflight: false` does that for every OPTIONS request, from its catch-all
   * `OPTIONS *`: a URL whose 405 lists OPTIONS still gets the automatic answer. Other methods were routed,
   * and their route chose the 404.
   */
  readonly declined: boolean
}

export type DecisionRules = Pick<NormalisedOptions, 'autoOptions' | 'notImplemented'>

const NOT_FOUND: Decision = Object.freeze({ kind: 'not-found' })
const NOT_IMPLEMENTED: Decision = Object.freeze({ kind: 'not-implemented' })

/** Which answer `asked` is owed: pure and synchronous, so that it can be logged and tested on its own. */
export function decide (registry: MethodRegistry, rules: DecisionRules, asked: Asked): Decision {
  const { method, url, constraints } = asked
  const automaticOptions = method === 'OPTIONS' && rules.autoOptions
  if (asked.declined) {
    const answer = automaticOptions ? registry.lookupDeclinedOptions(url, constraints) : null
    if (answer === null) return NOT_FOUND
    return url === '*' ? { kind: 'server-options', answer } : { kind: 'options', answer }
  }
  if (rules.notImplemented && !automaticOptions && !registry.servedMethods.has(method)) return NOT_IMPLEMENTED
  if (url === '*') return automaticOptions ? { kind: 'server-options', answer: registry.serverAnswer } : NOT_FOUND
  // A route of the method that refused the request's constraint values: Fastify answers 404, and so do we.
  if (registry.routesIgnoringConstraints(method, url)) return NOT_FOUND
  const answer = registry.lookup(url, constraints)
  if (answer === null) return NOT_FOUND
  return automaticOptions ? { kind: 'options', answer } : { kind: 'method-not-allowed', answer }
}
