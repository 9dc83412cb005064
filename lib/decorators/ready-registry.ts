import type { GetRegistry, MethodRegistry } from '../lookup/registry.js'
import type { Constraints } from '../internals/find-my-way.js'

/**
 * The registry as the decorators use it, with what the constraint strategies in use make of a call. Once the
 * app is ready, Fastify takes no route and no strategy (lib/route.js `throwIfAlreadyStarted`), so the
 * strategies in use are fixed: read once, at the first call, rather than on every call, where reading them
 * down to find-my-way's constrainer costs about as much as the look-up of a short URL.
 */
export interface ReadyRegistry {
  readonly registry: MethodRegistry
  /** The constraint values of a call that gives none (`RequestConstraints.inUse` of none), frozen: shared by calls. */
  readonly noConstraints: Constraints | undefined
  /** Whether deriving a request's values is asynchronous (`RequestConstraints.async`). */
  readonly async: boolean
  /** A request's values when not `async` (`RequestConstraints.derive`): undefined without a strategy in use. */
  readonly derive: (raw: unknown) => Constraints | undefined
}

/** The ready registry, read at the first call once the app is ready; before, `registry()` throws. */
export function readyRegistry (registry: GetRegistry): () => ReadyRegistry {
  let read: ReadyRegistry | undefined
  return () => {
    if (read !== undefined) return read
    const found = registry()
    const { constraints } = found
    read = {
      registry: found,
      noConstraints: Object.freeze(constraints.inUse({})),
      async: constraints.async,
      derive: constraints.any ? (raw) => constraints.derive(raw) : () => undefined
    }
    return read
  }
}
