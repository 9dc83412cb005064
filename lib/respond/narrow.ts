import type { FastifyRequest } from 'fastify'
import { PACKAGE, shown, type NormalisedOptions } from '../options.js'
import type { Answer } from '../lookup/answers.js'
import { formatAllow } from './allow-header.js'

/**
 * Narrows a computed allowed set with the app's `filterAllowed`, keeping our order and our methods only, and
 * calls `next` with it, at once or when the app's Promise settles; `fail` gets what it throws or rejects with.
 */
export type Narrow = (
  request: FastifyRequest, methods: readonly string[], next: (methods: readonly string[]) => void,
  fail: (error: Error) => void
) => void

/** The `Allow` value of `methods`, a narrowing of `answer.methods`: the precomputed one when nothing was narrowed. */
export const allowOf = (answer: Answer, methods: readonly string[]): string =>
  methods === answer.methods ? answer.allow : formatAllow(methods)

export function createNarrow (filterAllowed: NormalisedOptions['filterAllowed']): Narrow {
  if (filterAllowed === undefined) return (_request, methods, next) => next(methods)
  return (request, methods, next, fail) => {
    let kept
    try {
      kept = narrowed(filterAllowed, request, methods)
    } catch (error) {
      return fail(error as Error)
    }
    if (kept instanceof Promise) kept.then(next, (error: unknown) => fail(error as Error))
    else next(kept)
  }
}

/**
 * `methods` narrowed by the app's `filterAllowed`, in our order and with our methods only: at once, or as a
 * Promise when `filterAllowed` returns one. What it throws is thrown; what is not an array of strings (sync,
 * or as the Promise's value) is a TypeError, never matched: `'TARGET'.includes('GET')` would keep GET.
 */
export function narrowed (
  filterAllowed: NonNullable<NormalisedOptions['filterAllowed']>, request: FastifyRequest, methods: readonly string[]
): readonly string[] | Promise<readonly string[]> {
  const kept: unknown = filterAllowed(request, methods)
  const keep = (names: unknown): readonly string[] => {
    const valid = methodNames(names)
    return methods.filter(method => valid.includes(method))
  }
  return isThenable(kept) ? Promise.resolve(kept).then(keep) : keep(kept)
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function'

function methodNames (names: unknown): readonly string[] {
  if (Array.isArray(names)) {
    let index = 0
    while (index < names.length && typeof names[index] === 'string') index++
    if (index === names.length) return names as string[]
  }
  throw new TypeError(`${PACKAGE}: option "filterAllowed" must return an array of method names ` +
    `(or a Promise of one), got ${shown(names)}`)
}
