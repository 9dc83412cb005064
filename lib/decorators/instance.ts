import type { FastifyInstance } from 'fastify'
import type { PluginContext } from '../context.js'
import { readyRegistry } from './ready-registry.js'

/** `fastify.allowedMethods(url, constraints)`: the methods Fastify routes for a concrete URL. */
export function addInstanceDecorator (fastify: FastifyInstance, { registry }: PluginContext): void {
  const ready = readyRegistry(registry)
  fastify.decorate('allowedMethods', function allowedMethods (
    url: string, constraints?: Record<string, unknown>
  ): string[] {
    const found = ready()
    if (typeof url !== 'string') throw new TypeError('fastify-allowed-methods: allowedMethods(url) needs a string URL')
    // Without constraints, constrained routes do not match (as with fastify.findRoute()).
    const given = constraints === undefined || constraints === null
      ? found.noConstraints
      : found.registry.constraints.inUse(constraints)
    const answer = found.registry.lookup(url, given)
    // A copy: the caller's to change (`string[]`), where the answer's methods are shared and frozen.
    return answer === null ? [] : [...answer.methods]
  })
}
