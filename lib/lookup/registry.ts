import {
  constraintStrategiesOf, isRoute, mustMatchStrategyInUse, type Constraints, type FindMyWay, type Router
} from '../internals/find-my-way.js'
import { readRouteTable, Role, type FastifysRouter, type RouteRecord } from '../build/route-table.js'
import { parsePattern } from '../build/pattern-overlap.js'
import { planPatterns, type Plan } from '../build/plan.js'
import { PatternIndex } from './pattern-index.js'
import { AnswerBook, type Answer } from './answers.js'
import { compilePlans, type CompiledPlan } from './compiled-plan.js'
import { RequestConstraints } from './constraints.js'
import { indexMediaTypes, type MediaTypeIndex, type MediaTypes } from '../integrations/media-types.js'

export type { Answer } from './answers.js'
export type { RouteRecord } from '../build/route-table.js'

/**
 * Turns a request URL (and its constraint values) into the methods Fastify routes there. It asks Fastify's own
 * router, so matching is Fastify's by construction, and adds only a pattern index that finds the URL's best
 * pattern in one walk and, per pattern, a plan made at startup (build/plan.ts) of which methods are certain
 * there and which must be asked of the router per request.
 */
export class MethodRegistry {
  readonly constraints: RequestConstraints
  readonly #router: FastifysRouter
  readonly #index: PatternIndex<PatternId>
  readonly #plans: readonly CompiledPlan[]
  readonly #exact: CompiledPlan
  readonly #answers: AnswerBook
  readonly #roles: ReadonlyMap<object, Role>
  readonly #routes: ReadonlyMap<object, RouteRecord>
  readonly #mediaTypes: MediaTypeIndex
  /** The constrained routes without their constraints (null without any): see `routesIgnoringConstraints`. */
  readonly #unconstrained: Router<true> | null
  readonly #constrainedMethods: ReadonlySet<string>
  readonly #served: ReadonlySet<string>

  /** Use `buildRegistry()`. */
  constructor (parts: {
    router: FastifysRouter,
    constraints: RequestConstraints,
    index: PatternIndex<PatternId>,
    plans: readonly CompiledPlan[],
    exact: CompiledPlan,
    answers: AnswerBook,
    roles: ReadonlyMap<object, Role>,
    routes: ReadonlyMap<object, RouteRecord>,
    mediaTypes: MediaTypeIndex,
    unconstrained: Router<true> | null,
    constrainedMethods: ReadonlySet<string>,
    served: ReadonlySet<string>
  }) {
    this.#router = parts.router
    this.constraints = parts.constraints
    this.#index = parts.index
    this.#plans = parts.plans
    this.#exact = parts.exact
    this.#answers = parts.answers
    this.#roles = parts.roles
    this.#routes = parts.routes
    this.#mediaTypes = parts.mediaTypes
    this.#unconstrained = parts.unconstrained
    this.#constrainedMethods = parts.constrainedMethods
    this.#served = parts.served
  }

  /**
   * The answer for a request URL (query string allowed), or null when the URL is unknown (404): no route
   * but root catch-alls and OPTIONS routes matches it. `constraints`: the request's, as `constraints.of()`
   * derives them.
   */
  lookup (url: string, constraints: Constraints | undefined): Answer | null {
    const pattern = this.#index.find(url)
    return pattern === null ? null : this.#answer(this.#plans[pattern.id] as CompiledPlan, url, constraints)
  }

  /** The same answer, asking Fastify's router about every method: the reference the plans must equal. */
  lookupExactly (url: string, constraints: Constraints | undefined): Answer | null {
    return this.#answer(this.#exact, url, constraints)
  }

  planOf (url: string): Plan | null {
    const pattern = this.#index.find(url)
    return pattern === null ? null : (this.#plans[pattern.id] as CompiledPlan).plan
  }

  #answer (plan: CompiledPlan, url: string, constraints: Constraints | undefined): Answer | null {
    if (plan.answer !== undefined) return plan.answer
    let mask = plan.certain
    let known = plan.known
    const { asked } = plan
    for (let i = 0; i < asked.length; i++) {
      const hit = this.#router.find(asked[i] as string, url, constraints)
      if (!isRoute(hit)) continue
      const role = this.#roles.get(hit.store)
      if (role === Role.Excluded) continue
      mask += plan.askedBits[i] as number
      // Where a method's best route is a catch-all, no other route of that method matches.
      if (role === undefined && plan.askedKnows[i] === true) known = true
    }
    return known ? this.#answers.of(mask) : null
  }

  /**
   * Whether a route for `method` matches the URL when constraints are ignored. For a request Fastify did
   * not route, that means the route rejected the request's constraint values: Fastify answers 404 there,
   * and so do we (the method is not wrong, the request is).
   */
  routesIgnoringConstraints (method: string, url: string): boolean {
    if (!this.constraints.any) return false
    // Without constraint values find-my-way matches unconstrained routes only; `#unconstrained` has the rest.
    if (isRoute(this.#router.find(method, url))) return true
    return this.#unconstrained !== null && this.#constrainedMethods.has(method) &&
      this.#unconstrained.find(method, url) !== null
  }

  /**
   * For an OPTIONS request that a root catch-all OPTIONS route handed to the not-found handler (@fastify/cors
   * with `preflight: false` calls `reply.callNotFound()`): the URL's answer (for `*`, the server's: RFC 9110
   * 9.3.7), or null when another OPTIONS route matches (it chose 404 itself), or none does, or the URL is unknown.
   */
  lookupDeclinedOptions (url: string, constraints: Constraints | undefined): Answer | null {
    const hit = this.#router.find('OPTIONS', url, constraints)
    if (!isRoute(hit) || this.#roles.get(hit.store) !== Role.CatchAll) return null
    return url === '*' ? this.serverAnswer : this.lookup(url, constraints)
  }

  /**
   * Fastify's context of the route it runs for `method` at `url` under `constraints`; undefined when no route
   * does, or when that route is kept out of the registry (it is never advertised).
   */
  routeRun (method: string, url: string, constraints: Constraints | undefined): object | undefined {
    const hit = this.#router.find(method, url, constraints)
    return isRoute(hit) && this.#roles.get(hit.store) !== Role.Excluded ? hit.store : undefined
  }

  /**
   * The route Fastify runs for `url` under each of `methods` that has one, in their order: its context, its
   * record when `buildRegistry` kept them (`keepRecords`), and whether it is a root catch-all (`/*`), which
   * makes no URL known.
   */
  routesFor (url: string, methods: readonly string[], constraints: Constraints | undefined): RouteAt[] {
    const routes: RouteAt[] = []
    for (const method of methods) {
      const hit = this.#router.find(method, url, constraints)
      if (!isRoute(hit)) continue
      const catchAll = this.#roles.get(hit.store) === Role.CatchAll
      routes.push({ method, context: hit.store, record: this.#routes.get(hit.store), catchAll })
    }
    return routes
  }

  /** The media types the request content of a route may use (for the methods `buildRegistry` was given). */
  mediaTypesOf (context: object): MediaTypes | undefined {
    return this.#mediaTypes.byContext.get(context)
  }

  /**
   * For one of the methods `lookup()` answered for `url`; undefined when its route is not of the methods
   * `buildRegistry` was given.
   */
  mediaTypesFor (method: string, url: string, constraints: Constraints | undefined): MediaTypes | undefined {
    const { byMethod, byContext } = this.#mediaTypes
    // `method` has a route here (lookup() listed it); were find-my-way to find none, the Map has no entry for it.
    return byMethod.get(method) ?? byContext.get(this.#router.find(method, url, constraints)?.store as object)
  }

  /** The methods of every route of the registry, sorted (with OPTIONS under `autoOptions`): `OPTIONS *`. */
  get serverAnswer (): Answer {
    return this.#answers.all
  }

  /** The methods some route of the app serves, in the registry or not (for `notImplemented`). */
  get servedMethods (): ReadonlySet<string> {
    return this.#served
  }
}

export interface RouteAt {
  readonly method: string
  readonly context: object
  readonly record: RouteRecord | undefined
  readonly catchAll: boolean
}

/**
 * Built once the app is ready, when every route is known. `keepRecords`: keep each route's record, for
 * `routesFor()`; `contentMethods`: the methods whose routes' media types `mediaTypesFor()` names.
 */
export function buildRegistry (
  router: FastifysRouter, findMyWay: FindMyWay, records: readonly RouteRecord[], options: BuildOptions
): MethodRegistry {
  const table = readRouteTable(router, findMyWay, records, options)
  const { matching } = table
  const methods = [...table.methods].sort()
  const drafts = [...table.patterns.values()]
  // Only find-my-way tells which patterns it puts into an overflow tree, and the plans depend on that: the
  // patterns are indexed before they are planned, each under its id, by which its plan is found.
  const index = new PatternIndex<PatternId>(findMyWay, matching)
  const overflows = drafts.map((draft, id) => index.add(draft.variant.path, { id }))
  const facts = drafts.map((draft, id) => ({
    segments: parsePattern(draft.variant.normalised, matching.caseSensitive),
    methods: draft.methods,
    excluded: draft.excluded,
    constrained: draft.constrained,
    overflow: overflows[id] as boolean
  }))
  const { plans, meetings } = planPatterns(facts, {
    methods,
    catchAllMethods: [...table.catchAllMethods],
    maxParamLength: matching.maxParamLength,
    planned: !table.constrainedCatchAll && !mustMatchStrategyInUse(router)
  })
  // A meeting has static segments and plain parameters only, and no real pattern its shape: it goes into
  // the index's first tree, as its plan and those of the patterns it meets assume.
  meetings.forEach(({ pattern }, i) => index.add(pattern, { id: plans.length + i }))
  index.seal()
  const answers = new AnswerBook(methods, options.autoOptions)
  const exactPlan: Plan = { certain: [], known: false, asked: methods }
  const [exact, ...compiled] = compilePlans([exactPlan, ...plans, ...meetings.map(({ plan }) => plan)], {
    answers, twinOf: table.twinOf
  })
  return new MethodRegistry({
    router,
    constraints: new RequestConstraints(constraintStrategiesOf(router)),
    index,
    plans: compiled,
    exact: exact as CompiledPlan,
    answers,
    roles: table.roles,
    routes: table.routes,
    // Read now, once the app has started: no parser can be added any more, and an unsupported Fastify fails ready().
    mediaTypes: indexMediaTypes(table.contentRoutes, options.mediaTypeReader),
    unconstrained: table.unconstrained,
    constrainedMethods: table.constrainedMethods,
    served: table.served
  })
}

/** What the pattern index stores for a pattern (an object, see `PatternIndex`): where its plan is in `#plans`. */
interface PatternId { readonly id: number }

interface BuildOptions {
  readonly autoOptions: boolean
  readonly keepRecords: boolean
  readonly contentMethods: ReadonlySet<string>
  readonly mediaTypeReader: (context: object) => MediaTypes
}

/** The registry, once the app is ready (requests come only then). */
export type GetRegistry = () => MethodRegistry

// Test seam: the project's tests and benchmarks compare a ready app's plans with its exact answers. Not
// exported by the package.
const registries = new WeakMap<object, MethodRegistry>()

export const keepRegistry = (app: object, registry: MethodRegistry): void => { registries.set(app, registry) }

/** Test seam: the registry the plugin built for a ready app (the instance it was registered on), or undefined. */
export const registryOf = (app: object): MethodRegistry | undefined => registries.get(app)
