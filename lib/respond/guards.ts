import type { FastifyReply, FastifyRequest } from 'fastify'
import {
  GUARD_PHASES, type ContextHook, type ContextHooks, type GuardPhase, type HookRunner, type RouteContext,
  type RouteHookOptions
} from '../internals/fastify.js'

/** A method's route at the URL the plugin answers for (a root catch-all makes no URL known). */
export interface GuardedRoute {
  readonly method: string
  readonly context: object
  readonly record: { readonly hooks?: RouteHookOptions | undefined } | undefined
  readonly catchAll: boolean
}

/**
 * What the guards left of a request the plugin answers itself: the methods whose routes' guards refused the
 * caller, and whether any guard of those routes was consulted (then the answer depends on the caller).
 */
export interface GuardVerdict {
  readonly refused: ReadonlySet<string>
  readonly consulted: boolean
}

/**
 * Runs the guards of a request the plugin answers itself, then `next` with their verdict, unless a guard
 * replied (its reply is the answer) or the caller is refused outright (the refusal is sent, as Fastify sends
 * a hook's error). `routes`: the routes whose guards decide which of their methods the caller may learn
 * (empty: the not-found context's guards alone). `notFoundRan`: the not-found context's hooks have all run
 * already (a request handed to the not-found handler by a matched route, `reply.callNotFound()`).
 */
export type RunGuards = (
  request: FastifyRequest, reply: FastifyReply, routes: readonly GuardedRoute[], notFoundRan: boolean,
  next: (verdict: GuardVerdict) => void
) => void

/** The internals the runner needs: internals/fastify.ts supplies them. */
export interface GuardInternals {
  readonly runHooks: HookRunner
  readonly contextOf: (request: FastifyRequest) => RouteContext
  readonly hooksOf: (context: object, own: RouteHookOptions | undefined) => ContextHooks
  /** The hook options given to the `setNotFoundHandler` call that made a not-found context. */
  readonly notFoundOptionsOf: (context: object) => RouteHookOptions | undefined
  readonly sendError: (reply: FastifyReply, error: unknown) => void
}

/** One hook to run: of the not-found context, or of a route at the URL (`route`). */
interface Step { readonly hook: ContextHook, readonly route: boolean }

/** What the runner reads of a not-found context, once: the hooks of a ready app are final. */
interface NotFoundGuards {
  /** The hooks still to run, by phase, for a request answered from onRequest, whose onRequest hooks ran. */
  readonly toRun: ContextHooks
  /** The sources of all its hooks and the ignored: a route's copy of one is the not-found path's, not its own. */
  readonly sources: ReadonlySet<unknown>
}

export const UNGUARDED: GuardVerdict = { refused: new Set(), consulted: false }

const NO_HOOKS: readonly ContextHook[] = []

/**
 * The guards run as Fastify would run them for each method's own route, phase after phase (onRequest, then
 * preValidation, then preHandler, lib/handle-request.js), with the not-found context's hooks first in each
 * phase, as the request is Fastify's not-found request, and no hook function twice: one added at the root
 * guards every route and the not-found context alike, one given to several routes guards them all.
 *
 * - A hook of the not-found context that refuses (throws, rejects, calls `done(error)`) sends its refusal,
 *   as for a 404.
 * - The first refusal by a route's hook ends the routes' guards (the not-found path's still run). The
 *   methods still listed are those of the routes with no hook of their own and of the routes whose hooks
 *   all ran and let the caller through before it. If no route that makes the URL known is left (a root
 *   catch-all makes none known), the refusal is sent: the caller gets what the route's own method would
 *   give it (the 401 of a GET). No hook runs after it: one could pass only because it ran second in one
 *   request (@fastify/rate-limit's hooks count a request once, then let it through), as never happens in a
 *   request Fastify routes.
 * - A hook that replies ends the request with its reply.
 *
 * `ignored`: sources never run (the plugin's own hooks). Where nothing is left to run, as in an app whose
 * not-found context has no guard after onRequest and whose routes at the URL have none of their own, `next`
 * is called at once.
 */
export function createGuardRunner (internals: GuardInternals, ignored: ReadonlySet<unknown>): RunGuards {
  const { runHooks, contextOf, hooksOf, notFoundOptionsOf, sendError } = internals
  const read = new WeakMap<object, NotFoundGuards>()
  const notFoundGuardsOf = (context: object): NotFoundGuards => {
    let guards = read.get(context)
    if (guards === undefined) {
      const hooks = hooksOf(context, notFoundOptionsOf(context))
      const sources = new Set<unknown>(ignored)
      const toRun = (phase: GuardPhase): readonly ContextHook[] => {
        for (const hook of hooks[phase]) sources.add(hook.source)
        // In onRequest, they ran before the plugin's own hook, the last.
        return phase === 'onRequest' ? NO_HOOKS : hooks[phase].filter(hook => !ignored.has(hook.source))
      }
      const later = {
        onRequest: toRun('onRequest'), preValidation: toRun('preValidation'), preHandler: toRun('preHandler')
      }
      guards = { toRun: later, sources }
      read.set(context, guards)
    }
    return guards
  }
  return function runGuards (request, reply, routes, notFoundRan, next) {
    const notFound = notFoundGuardsOf(contextOf(request))
    const steps: Step[] = []
    // Each route's hooks beyond the not-found path's, by source; a route without any is unguarded.
    const guardedBy = new Map<string, unknown[]>()
    for (const phase of GUARD_PHASES) {
      if (!notFoundRan) for (const hook of notFound.toRun[phase]) steps.push({ hook, route: false })
      for (const route of routes) {
        for (const hook of hooksOf(route.context, route.record?.hooks)[phase]) {
          if (notFound.sources.has(hook.source)) continue
          const sources = guardedBy.get(route.method) ?? []
          if (sources.length === 0) guardedBy.set(route.method, sources)
          if (!steps.some(step => step.hook.source === hook.source)) steps.push({ hook, route: true })
          sources.push(hook.source)
        }
      }
    }
    if (steps.length === 0) return next(UNGUARDED)
    const consulted = guardedBy.size > 0
    // The sources of the routes' hooks that let the caller through.
    const passed = new Set<unknown>()
    // The first refusal by a route's hook, after which only the not-found path's hooks run.
    let refusal: { error: unknown } | undefined
    const settle = (): void => {
      if (refusal === undefined) return next(consulted ? { refused: UNGUARDED.refused, consulted } : UNGUARDED)
      const refused = new Set<string>()
      for (const [method, sources] of guardedBy) if (!sources.every(source => passed.has(source))) refused.add(method)
      if (routes.every(route => route.catchAll || refused.has(route.method))) return sendError(reply, refusal.error)
      next({ refused, consulted })
    }
    let i = 0
    const runNext = (): void => {
      // After a refusal, the routes' hooks are passed over.
      if (refusal !== undefined) while (i < steps.length && (steps[i] as Step).route) i++
      if (i === steps.length) return settle()
      const { hook, route } = steps[i++] as Step
      runHooks([hook.run], request, reply, (error) => {
        if (reply.sent) return
        if (error == null) passed.add(hook.source)
        else if (route) refusal = { error }
        else return sendError(reply, error)
        runNext()
      })
    }
    runNext()
  }
}
