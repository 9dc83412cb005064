import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { PluginContext } from '../context.js'
import type { Constraints } from '../internals/find-my-way.js'
import { narrowed } from '../respond/narrow.js'
import { routeConfigOf, type RouteConfig } from '../internals/fastify.js'
import type { MethodRegistry } from '../lookup/registry.js'

/** The answer for an unknown URL, shared like the registry's answers (frozen: no caller can change it). */
const NO_METHODS: readonly string[] = Object.freeze([])

/**
 * The request decorators (their contract: decorators/types.ts), made for @fastify/cors's `delegator`: a
 * preflight is routed to cors's `OPTIONS *`, and only the registry knows the route the actual request would
 * run. Decorators on Fastify's request prototype: requests that do not call them pay nothing.
 */
export function addRequestDecorators (fastify: FastifyInstance, { registry, options }: PluginContext): void {
  const { filterAllowed } = options
  // The registry's own answer (`readonly string[]`, frozen), not a copy; narrowing makes a new array.
  const methodsFor = (
    found: MethodRegistry, request: FastifyRequest, constraints: Constraints | undefined
  ): readonly string[] | Promise<readonly string[]> => {
    const methods = found.lookup(request.url, constraints)?.methods ?? NO_METHODS
    return filterAllowed === undefined ? methods : narrowed(filterAllowed, request, methods)
  }
  fastify.decorateRequest('allowedMethods', function allowedMethods (
    this: FastifyRequest
  ): readonly string[] | Promise<readonly string[]> {
    const found = registry()
    if (!found.constraints.async) return methodsFor(found, this, found.constraints.derive(this.raw))
    return derivedAsync(found, this).then(constraints => methodsFor(found, this, constraints))
  })

  const configFor = (
    found: MethodRegistry, method: string, url: string, constraints: Constraints | undefined
  ): RouteConfig | undefined => {
    const context = found.routeRun(method, url, constraints)
    return context === undefined ? undefined : routeConfigOf(context)
  }
  fastify.decorateRequest('routeConfigFor', function routeConfigFor (
    this: FastifyRequest, method: string
  ): RouteConfig | undefined | Promise<RouteConfig | undefined> {
    if (typeof method !== 'string') {
      throw new TypeError('fastify-allowed-methods: request.routeConfigFor(method) needs a method name (a string)')
    }
    const { url } = this
    const found = registry()
    if (!found.constraints.async) return configFor(found, method, url, found.constraints.derive(this.raw))
    return derivedAsync(found, this).then(constraints => configFor(found, method, url, constraints))
  })
}

/**
 * The request's constraint values where deriving them is asynchronous (`constraints.async`); where it is not,
 * `constraints.derive(request.raw)` gives them at once, and the decorators answer without a Promise.
 */
function derivedAsync (found: MethodRegistry, request: FastifyRequest): Promise<Constraints | undefined> {
  return new Promise((resolve, reject) => {
    found.constraints.of(request, reject, resolve)
  })
}
