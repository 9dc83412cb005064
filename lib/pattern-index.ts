import { createRouter, ROUTER_METHODS, noop, type FindMyWay, type MatchingOptions, type Router } from './find-my-way.js'

/**
 * Every path pattern of the app once, without constraints, in a router of find-my-way (the copy Fastify
 * runs, with Fastify's matching options): one walk of its tree finds the best pattern of a URL, and what is
 * stored with it. A miss is a miss for every route.
 *
 * The patterns go under one method, GET (the one find-my-way walks fastest). find-my-way refuses two
 * patterns that differ only in a parameter's regex under one method (both are stored as `/:()`), so such a
 * pattern goes into the tree of the next method that takes it: an overflow tree, asked after a miss.
 */
export class PatternIndex<Value> {
  readonly #router: Router<Value>
  /** Methods beyond the first whose trees hold patterns. */
  readonly #overflow: string[] = []

  constructor (findMyWay: FindMyWay, matching: MatchingOptions) {
    this.#router = createRouter(findMyWay, matching)
  }

  /** Adds a pattern, as given to find-my-way's `on()`; true when it went into an overflow tree. */
  add (path: string, value: Value): boolean {
    for (const [level, method] of ROUTER_METHODS.entries()) {
      try {
        this.#router.on(method, path, {}, noop, value)
      } catch (error) {
        if ((error as Error).message.includes('already declared')) continue
        throw error
      }
      if (level === 0) return false
      if (!this.#overflow.includes(method)) this.#overflow.push(method)
      return true
    }
    throw new Error(`fastify-allowed-methods: too many regex variants of the pattern ${path}`)
  }

  /** The value stored with the best pattern matching a request URL, or null. */
  find (url: string): Value | null {
    const hit = this.#router.find(ROUTER_METHODS[0], url)
    if (hit !== null) return hit.store
    for (const method of this.#overflow) {
      const overflow = this.#router.find(method, url)
      if (overflow !== null) return overflow.store
    }
    return null
  }
}
