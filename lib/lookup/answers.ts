import { formatAllow, normaliseMethods } from '../respond/allow-header.js'

/** What the registry answers for a known URL: the methods Fastify routes there, and their `Allow` value. */
export interface Answer {
  readonly methods: readonly string[]
  readonly allow: string
}

/**
 * The answers of one registry, one per set of methods, each built once: a look-up adds up the bits of the
 * methods it finds and gets the shared, frozen answer for that sum. The number of answers is bounded by
 * the sets of methods the app's routes can make, never by the URLs asked about.
 */
export class AnswerBook {
  readonly #bits = new Map<string, number>()
  readonly #methods: readonly string[]
  readonly #byMask = new Map<number, Answer>()
  readonly #autoOptions: boolean

  /** `methods`: every method an answer may hold. */
  constructor (methods: Iterable<string>, autoOptions: boolean) {
    this.#methods = normaliseMethods(methods)
    // Sums of distinct powers of two stay exact up to 2^53: far more methods than HTTP has.
    this.#methods.forEach((method, index) => this.#bits.set(method, 2 ** index))
    this.#autoOptions = autoOptions
  }

  /** The bit of a method: 0 for a method no route has. */
  bit (method: string): number {
    return this.#bits.get(method) ?? 0
  }

  mask (methods: Iterable<string>): number {
    let mask = 0
    for (const method of new Set(methods)) mask += this.bit(method)
    return mask
  }

  of (mask: number): Answer {
    let answer = this.#byMask.get(mask)
    if (answer === undefined) {
      const methods = this.#methods.filter(method => (Math.floor(mask / this.bit(method)) % 2) === 1)
      // RFC 9110 9.3.7: OPTIONS is answered for every known URL when the automatic answer is on.
      if (this.#autoOptions) methods.push('OPTIONS')
      const sorted = normaliseMethods(methods)
      answer = Object.freeze({ methods: sorted, allow: formatAllow(sorted) })
      this.#byMask.set(mask, answer)
    }
    return answer
  }

  get all (): Answer {
    return this.of(this.mask(this.#methods))
  }
}
