import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { GetRegistry } from './registry.js'
import type { Constraints } from './find-my-way.js'
import type { NormalisedOptions } from './options.js'
import { narrowed } from './narrow.js'

/**
 * `request.allowedMethods()`: the sorted methods of the request's own URL, as its 405 would list them (the
 * request's constraint values, `filterAllowed`); empty for a URL no route makes known. A Promise when a
 * custom constraint strategy derives its value asynchronously or `filterAllowed` returns one. Made for
 * @fastify/cors's `delegator`, so that a preflight's `Access-Control-Allow-Methods` lists the methods the
 * URL really has. A decorator on Fastify's request prototype: requests that do not call it pay nothing.
 */
export function addRequestDecorator (fastify: FastifyInstance, registry: GetRegistry, filterAllowed: NormalisedOptions['filterAllowed']): void {
  fastify.decorateRequest('allowedMethods', function allowedMethods (this: FastifyRequest): readonly string[] | Promise<readonly string[]> {
    const ready = registry()
    const request = this
    const methodsWith = (constraints: Constraints | undefined): readonly string[] | Promise<readonly string[]> => {
      const methods = [...ready.lookup(request.url, constraints)?.methods ?? []]
      return filterAllowed === undefined ? methods : narrowed(filterAllowed, request, methods)
    }
    if (!ready.hasAsyncConstraints) return methodsWith(ready.constraintsOf(request.raw))
    return new Promise((resolve, reject) => {
      ready.deriveConstraintsAsync(request.raw, (err, constraints) => {
        if (err !== null) reject(err)
        else resolve(methodsWith(constraints))
      })
    })
  })
}
