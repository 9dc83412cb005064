import type { FastifyRequest } from 'fastify'
import type { ConstraintStrategies, Constraints } from '../internals/find-my-way.js'

/**
 * A request's constraint values, derived as Fastify's router derives them, and what the strategies in use
 * mean for the answers: modelled on find-my-way's lib/constrainer.js, whose state it reads through
 * internals/find-my-way.ts.
 */
export class RequestConstraints {
  readonly #strategies: ConstraintStrategies
  /** Whether some strategy in use derives its value asynchronously: then only `of()` or `deriveAsync()` tell. */
  readonly async: boolean
  /** Whether some strategy is in use: without any, every route matches whatever the request carries. */
  readonly any: boolean
  /**
   * The strategies in use that answers may depend on, for `Vary`: `version` (find-my-way's `accept-version`,
   * which must match whenever a request carries it, so every answer depends on it) and whether any custom
   * strategy is, whose request headers only the app knows. `host` is left out: it is part of the URI that
   * every cache keys on.
   */
  readonly inEffect: { readonly version: boolean, readonly custom: boolean }
  /** `inUse({})`, the values of a caller that gives none, shared (frozen). */
  readonly none: Constraints | undefined

  /**
   * Made with the registry, once the app is ready: from then on Fastify takes no route and no strategy
   * (lib/route.js `throwIfAlreadyStarted`), so what the strategies in use mean is read once, not per request.
   */
  constructor (strategies: ConstraintStrategies) {
    this.#strategies = strategies
    const names = [...strategies.sync, ...strategies.async]
    this.async = strategies.async.size > 0
    this.any = names.length > 0
    this.inEffect = {
      version: names.includes('version'), custom: names.some(name => name !== 'version' && name !== 'host')
    }
    this.none = this.any ? Object.freeze({}) : undefined
  }

  /**
   * Calls `next` with the request's values: at once, or once an asynchronous strategy has derived its own
   * (its error goes to `done`, as Fastify's router hands it to the request's error path).
   */
  of (
    request: FastifyRequest, done: (error: Error) => void, next: (constraints: Constraints | undefined) => void
  ): void {
    if (!this.async) return next(this.derive(request.raw))
    this.deriveAsync(request.raw, (err, constraints) => {
      if (err !== null) done(err)
      else next(constraints)
    })
  }

  /** The values of the synchronous strategies in use: all of them unless `async` (undefined without any). */
  derive (raw: unknown): Constraints | undefined {
    return this.any ? this.#strategies.derive(raw) : undefined
  }

  deriveAsync (raw: unknown, done: (err: Error | null, constraints?: Constraints) => void): void {
    this.#strategies.deriveAsync(raw, done)
  }

  /**
   * The given values of the strategies in use, as Fastify derives only those: find-my-way refuses every
   * unversioned route when a `version` is given, even where no route is versioned.
   */
  inUse (given: Constraints): Constraints | undefined {
    if (!this.any) return undefined
    const { sync, async } = this.#strategies
    return Object.fromEntries(Object.entries(given).filter(([name]) => sync.has(name) || async.has(name)))
  }
}
