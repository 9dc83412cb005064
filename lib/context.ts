import type { FastifyInstance } from 'fastify'
import type { NormalisedOptions } from './options.js'
import type { MethodRegistry } from './lookup/registry.js'
import { createNarrow, type Narrow } from './respond/narrow.js'
import { createVaryAnswer, type VaryAnswer } from './respond/vary.js'
import { createCloseIfBodyUnread, type CloseIfBodyUnread } from './respond/unread-body.js'
import { createLingeringClose } from './internals/node.js'
import { createAllowOnSuccessHooks, type AllowOnSuccessHooks } from './integrations/allow-on-success.js'

/**
 * What every part of the plugin shares, made once at registration: the options, the registry once the app
 * is ready, and the helpers each answer goes through. Each feature takes this one object.
 */
export interface PluginContext {
  readonly options: NormalisedOptions
  /**
   * Requests come once the app is ready, when it is built (under `lazy`, here, at the first call); before,
   * this throws.
   */
  readonly registry: () => MethodRegistry
  readonly narrow: Narrow
  readonly vary: VaryAnswer
  readonly closeIfBodyUnread: CloseIfBodyUnread
  /** Under `allowOnSuccess`, the hooks added to each route of the registry. */
  readonly allowOnSuccess: AllowOnSuccessHooks | undefined
  /** The plugin's own route hooks, which guard nothing. */
  readonly ownHooks: ReadonlySet<unknown>
  readonly ready: ReadyState
}

/** Set once, when the app is ready. */
export interface ReadyState {
  /** Builds the registry: called once, at `ready()` or, under `lazy`, at its first use. */
  build: (() => MethodRegistry) | undefined
  /** Whether some route of the app has guard hooks of its own (under `guards: 'resource'`). */
  routeGuards: boolean
}

export function createContext (fastify: FastifyInstance, options: NormalisedOptions): PluginContext {
  const ready: ReadyState = { build: undefined, routeGuards: false }
  let built: MethodRegistry | undefined
  let refusal: { error: unknown } | undefined
  // A build that failed is not tried again at every use: each use gets its error.
  const build = (): MethodRegistry => {
    if (refusal !== undefined) throw refusal.error
    if (ready.build === undefined) notReady()
    try {
      built = ready.build()
      ready.build = undefined
    } catch (error) {
      refusal = { error }
      throw error
    }
    return built
  }
  const registry = (): MethodRegistry => built ?? build()
  const shared = {
    options,
    registry,
    narrow: createNarrow(options.filterAllowed),
    vary: createVaryAnswer(registry, options),
    // Fastify fills `initialConfig.bodyLimit` with its default when the app gives none.
    closeIfBodyUnread: createCloseIfBodyUnread(fastify.initialConfig.bodyLimit as number,
      createLingeringClose({ time: options.lingerTime, bytes: options.lingerBytes })),
    ready
  }
  const allowOnSuccess = options.allowOnSuccess ? createAllowOnSuccessHooks(shared) : undefined
  const ownHooks = new Set(allowOnSuccess === undefined ? [] : [allowOnSuccess.onRequest])
  return { ...shared, allowOnSuccess, ownHooks }
}

function notReady (): never {
  throw new Error('fastify-allowed-methods: allowedMethods() is available once the app is ready ' +
    '(after `await app.ready()`)')
}
