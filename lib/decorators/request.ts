import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { PluginContext } from '../context.js'
import type { RequestConstraints } from '../lookup/constraints.js'
import type { Constraints } from '../internals/find-my-way.js'
import { narrowed } from '../respond/narrow.js'
import { routeConfigOf, type RouteConfig } from '../internals/fastify.js'

/**
 * The request decorators (their contract: decorators/types.ts), made for @fastify/cors's `delegator`: a
 * preflight is routed to cors's `OPTIONS *`, and only the registry knows the route the actual request would
 * run. Decorators on Fastify's request prototype: requests that do not call them pay nothing.
 */
export function addRequestDecorators (fastify: FastifyInstance, { registry, options }: PluginContext): void {
  const { filterAllowed } = options
  fastify.decorateRequest('allowedMethods', function allowedMethods (
    this: FastifyRequest
  ): readonly string[] | Promise<readonly string[]> {
    const request = this
    const ready = registry()
    return withRequestConstraints(ready.constraints, request, (constraints) => {
      const methods = [...ready.lookup(request.url, constraints)?.methods ?? []]
      return filterAllowed === undefined ? methods : narrowed(filterAllowed, request, methods)
    })
  })

  fastify.decorateRequest('routeConfigFor', function routeConfigFor (
    this: FastifyRequest, method: string
  ): RouteConfig | undefined | Promise<RouteConfig | undefined> {
    if (typeof method !== 'string') {
      throw new TypeError('fastify-allowed-methods: request.routeConfigFor(method) needs a method name (a string)')
    }
    const { url } = this
    const ready = registry()
    return withRequestConstraints(ready.constraints, this, (constraints) => {
      const context = ready.routeRun(method, url, constraints)
      return context === undefined ? undefined : routeConfigOf(context)
    })
  })
}

/** `answer` for the request's constraint values: its value, or a Promise of it when deriving them is asynchronous. */
function withRequestConstraints<T> (
  derived: RequestConstraints, request: FastifyRequest, answer: (constraints: Constraints | undefined) => T | Promise<T>
): T | Promise<T> {
  if (!derived.async) return answer(derived.derive(request.raw))
  const constraints = new Promise<Constraints | undefined>((resolve, reject) => {
    derived.of(request, reject, resolve)
  })
  return constraints.then(answer)
}
