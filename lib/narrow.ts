import type { FastifyRequest } from 'fastify'
import type { NormalisedOptions } from './options.js'
import type { Answer } from './answers.js'
import { formatAllow } from './allow-header.js'

/**
 * Narrows a computed allowed set with the app's `filterAllowed`, keeping our order and our methods only, and
 * calls `next` with it, at once or when the app's Promise settles; `fail` gets what it throws or rejects with.
 */
export type Narrow = (request: FastifyRequest, methods: readonly string[], next: (methods: readonly string[]) => void, fail: (error: Error) => void) => void

/** The `Allow` value of `methods`, a narrowing of `answer.methods`: the precomputed one when nothing was narrowed. */
export const allowOf = (answer: Answer, methods: readonly string[]): string =>
  methods === answer.methods ? answer.allow : formatAllow(methods)

export function createNarrow (filterAllowed: NormalisedOptions['filterAllowed']): Narrow {
  if (filterAllowed === undefined) return (_request, methods, next) => next(methods)
  return (request, methods, next, fail) => {
    const keep = (kept: readonly string[]): void => next(methods.filter(method => kept.includes(method)))
    let kept
    try {
      kept = filterAllowed(request, methods)
    } catch (error) {
      return fail(error as Error)
    }
    if (Array.isArray(kept)) keep(kept)
    else Promise.resolve(kept).then(keep, (error: unknown) => fail(error as Error))
  }
}
