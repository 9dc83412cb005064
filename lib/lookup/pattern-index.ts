import {
  createRouter, shrinkRouter, ROUTER_METHODS, noop, type FindMyWay, type MatchingOptions, type Router
} from '../internals/find-my-way.js'

/**
 * Every path pattern of the app once, without constraints, in a router of find-my-way (the copy Fastify
 * runs, with Fastify's matching options): one walk of its tree finds the best pattern of a URL, and what is
 * stored with it. A miss is a miss for every route.
 *
 * The patterns go under one method, GET (the one find-my-way walks fastest). find-my-way refuses two
 * patterns that differ only in a parameter's regex under one method (both are stored as `/:()`), so such a
 * pattern goes into the tree of the next method that takes it: an overflow tree, asked after a miss.
 * Values are objects: find-my-way hands a falsy store back as null (lib/handler-storage.js `route.store || null`).
 */
export class PatternIndex<Value extends object> {
  readonly #router: Router<Value>
  /** Methods beyond the first whose trees hold patterns. */
  readonly #overflow: string[] = []
  #sealed = false

  constructor (findMyWay: FindMyWay, matching: MatchingOptions) {
    this.#router = createRouter(findMyWay, matching)
  }

  /**
   * Adds a pattern, as given to find-my-way's `on()`; true when it went into an overflow tree.
   * @throws Error when every tree refused it: more regex variants of one pattern than find-my-way has methods.
   */
  add (path: string, value: Value): boolean {
    if (this.#sealed) throw new Error('fastify-allowed-methods: the pattern index is sealed')
    let refusal
    for (const [level, method] of ROUTER_METHODS.entries()) {
      try {
        this.#router.on(method, path, {}, noop, value)
      } catch (error) {
        refusal = error
        continue
      }
      if (level === 0) return false
      if (!this.#overflow.includes(method)) this.#overflow.push(method)
      return true
    }
    throw new Error(`fastify-allowed-methods: cannot index the pattern ${path}: it has more regex variants ` +
      `than find-my-way has methods (${ROUTER_METHODS.length})`, { cause: refusal })
  }

  /** Takes no more patterns, and drops what find-my-way keeps only for adding more (`shrinkRouter`). */
  seal (): void {
    this.#sealed = true
    shrinkRouter(this.#router)
  }

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
