import type { FastifyReply } from 'fastify'
import type { GetRegistry } from '../lookup/registry.js'
import type { NormalisedOptions } from '../options.js'

/**
 * Adds request header names to the reply's `Vary` (RFC 9110 12.5.5), keeping the names already there
 * (@fastify/cors adds `Origin`, an app its own) and listing each once, whatever its case. A `*` stands for
 * every header: it absorbs the others, and a stored response carrying it never matches another request
 * (RFC 9111 4.1).
 */
export function addVary (reply: FastifyReply, names: readonly string[]): void {
  if (names.length === 0) return
  const present = reply.getHeader('vary')
  const current = present === undefined
    ? []
    : String(present).split(',').map(name => name.trim()).filter(name => name !== '')
  if (current.includes('*')) return
  if (names.includes('*')) {
    reply.header('vary', '*')
    return
  }
  const seen = new Set(current.map(name => name.toLowerCase()))
  const added = names.filter(name => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()))
  if (added.length > 0) reply.header('vary', [...current, ...added].join(', '))
}

/** Sets on a reply the `Vary` that an answer of the registry needs; `refusal` for `reply.methodNotAllowed()`. */
export type VaryAnswer = (reply: FastifyReply, refusal?: boolean) => void

/**
 * An answer depends on the request headers that the lookup reads through constraints (`Accept-Version`),
 * and on the caller when `filterAllowed` narrows it, a custom constraint strategy (whose headers only the
 * app knows) decides it, or the app refuses the caller with `reply.methodNotAllowed()`. A shared cache
 * must not serve such an answer to another caller: it varies on the `vary` option's headers, or on `*`.
 * Read once the registry is built (at the first request).
 */
export function createVaryAnswer (registry: GetRegistry, options: NormalisedOptions): VaryAnswer {
  let byLookup: string[] | undefined
  let byCaller: string[] = []
  return function varyAnswer (reply, refusal = false) {
    if (byLookup === undefined) {
      const { version, custom } = registry().constraints.inEffect
      byLookup = version ? ['Accept-Version'] : []
      byCaller = [...byLookup, ...(options.vary ?? ['*'])]
      if (options.filterAllowed !== undefined || custom) byLookup = byCaller
    }
    addVary(reply, refusal ? byCaller : byLookup)
  }
}
