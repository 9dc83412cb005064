import type { FastifyReply, FastifyRequest } from 'fastify'
import {
  GUARD_PHASES, type ContextHook, type ContextHooks, type HookRunner, type RouteContext, type RouteHookOptions
} from './fastify-internals.js'

/** A method's route at the URL the plugin answers for: Fastify's context, and the route's record (its own hooks). */
export interface GuardedRoute {
  readonly method: string
  readonly context: object
  readonly record: { readonly hooks?: RouteHookOptions | undefined } | undefined
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

/** The internals the runner needs: fastify-internals.ts supplies them. */
export interface GuardInternals {
  readonly runHooks: HookRunner
  readonly contextOf: (request: FastifyRequest) => RouteContext
  readonly hooksOf: (context: object, own: RouteHookOptions | undefined) => ContextHooks
  readonly sendError: (reply: FastifyReply, error: unknown) => void
}

/** One hook to run: for the not-found context (`method` undefined) or for the route of `method`. */
interface Step { readonly hook: ContextHook, readonly method: string | undefined }

const PASSED = Symbol('passed')
/** The verdict where no guard of a route was consulted. */
export const UNGUARDED: GuardVerdict = { refused: new Set(), consulted: false }

/**
 * The guards run as Fastify would run them for each method's own route, phase after phase (onRequest, then
 * preValidation, then preHandler, lib/handle-request.js), with the not-found context's hooks first in each
 * phase, as the request is Fastify's not-found request, and no hook function twice: one added at the root
 * guards every route and the not-found context alike, one given to several routes guards them all. A hook's
 * outcome is its source's for the whole request: a function that refused the caller for one route refuses
 * it for every route it guards.
 *
 * - A hook of the not-found context that refuses sends its refusal, as for a 404.
 * - A route's hook that refuses (throws, rejects, calls `done(error)`) hides that route's method: no method
 *   is revealed to a caller its route's guards would turn away. When every route at the URL refused, the
 *   first refusal is sent: the caller gets what the route's own method would give it (the 401 of a GET).
 *   Where routes are guarded differently (a public GET, a private DELETE), the others are still answered for.
 * - A hook that replies ends the request with its reply.
 *
 * `ignored`: sources never run (the plugin's own route hooks).
 */
export function createGuardRunner (internals: GuardInternals, ignored: ReadonlySet<unknown>): RunGuards {
  const { runHooks, contextOf, hooksOf, sendError } = internals
  return function runGuards (request, reply, routes, notFoundRan, next) {
    const notFound = hooksOf(contextOf(request), undefined)
    // The not-found context's onRequest hooks ran before the plugin's own, the last of them.
    const steps: Step[] = []
    const outcomes = new Map<unknown, unknown>()
    for (const source of ignored) outcomes.set(source, PASSED)
    for (const phase of GUARD_PHASES) {
      for (const hook of notFound[phase]) {
        if (notFoundRan || phase === 'onRequest') outcomes.set(hook.source, PASSED)
        else steps.push({ hook, method: undefined })
      }
      for (const route of routes) {
        for (const hook of hooksOf(route.context, route.record?.hooks)[phase]) steps.push({ hook, method: route.method })
      }
    }
    if (steps.length === 0) return next(UNGUARDED)
    const consulted = steps.some(step => step.method !== undefined && outcomes.get(step.hook.source) !== PASSED)
    const refusals = new Map<string, unknown>()
    let i = 0
    const settle = (): void => {
      while (i < steps.length) {
        const { hook, method } = steps[i++] as Step
        if (method !== undefined && refusals.has(method)) continue
        if (!outcomes.has(hook.source)) return runHooks([hook.run], request, reply, (error) => ran(hook, method, error))
        const outcome = outcomes.get(hook.source)
        if (outcome !== PASSED && method !== undefined) refusals.set(method, outcome)
      }
      if (routes.length > 0 && routes.every(route => refusals.has(route.method))) {
        return sendError(reply, refusals.values().next().value)
      }
      next(refusals.size === 0 && !consulted ? UNGUARDED : { refused: new Set(refusals.keys()), consulted })
    }
    const ran = (hook: ContextHook, method: string | undefined, error: unknown): void => {
      if (reply.sent) return
      outcomes.set(hook.source, error ?? PASSED)
      if (error != null) {
        if (method === undefined) return sendError(reply, error)
        refusals.set(method, error)
      }
      settle()
    }
    settle()
  }
}
