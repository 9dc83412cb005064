import type { FastifyInstance } from 'fastify'
import type { PluginContext } from '../context.js'

/** `fastify.allowedMethods(url, constraints)`: the methods Fastify routes for a concrete URL. */
export function addInstanceDecorator (fastify: FastifyInstance, { registry }: PluginContext): void {
  fastify.decorate('allowedMethods', function allowedMethods (
    url: string, constraints?: Record<string, unknown>
  ): string[] {
    const found = registry()
    if (typeof url !== 'string') throw new TypeError('fastify-allowed-methods: allowedMethods(url) needs a string URL')
    // Without constraints, constrained routes do not match (as with fastify.findRoute()).
    const given = constraints === undefined || constraints === null
      ? found.constraints.none
      : found.constraints.inUse(constraints)
    const answer = found.lookup(url, given)
    // A copy: the caller's to change (`string[]`), where the answer's methods are shared and frozen.
    return answer === null ? [] : [...answer.methods]
  })
}
