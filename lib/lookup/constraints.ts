import type { FastifyRequest } from 'fastify'
import type { Constraints } from '../internals/find-my-way.js'
import type { MethodRegistry } from './registry.js'

/**
 * Calls `next` with the request's constraint values, derived as Fastify's router derives them: at once, or
 * when a custom strategy has derived its value asynchronously (its error goes to `done`).
 */
export function withConstraints (registry: MethodRegistry, request: FastifyRequest, done: (error: Error) => void, next: (constraints: Constraints | undefined) => void): void {
  if (!registry.hasAsyncConstraints) return next(registry.constraintsOf(request.raw))
  registry.deriveConstraintsAsync(request.raw, (err, constraints) => {
    if (err !== null) done(err)
    else next(constraints)
  })
}
