import {
  createRouter, findRoutePath, isRoute, matchingOptionsOf, noop, patternVariants,
  type Constraints, type FindMyWay, type MatchingOptions, type PatternVariant, type Router
} from '../internals/find-my-way.js'
import type { RouteHookOptions } from '../internals/fastify.js'

/** One method of one route, as the app registered it (onRoute). */
export interface RouteRecord {
  method: string
  /** The full path pattern (prefix included), as Fastify passed it to find-my-way. */
  url: string
  constraints: Constraints | undefined
  /** False for a route kept out of the registry (config or `includeRoute`): it is not advertised. */
  included: boolean
  /** The route's `schema`, for `describeOptions`. */
  schema?: Record<string, unknown> | undefined
  /** The shared schemas (`addSchema`) visible to the route's plugin, for `describeOptions`. */
  sharedSchemas: () => Record<string, unknown>
  /**
   * The route's options as onRoute is handed them, for the guards: Fastify reads its hooks from this object
   * once every onRoute hook has run (lib/route.js), and so does the plugin, at the first request.
   */
  hooks?: RouteHookOptions
}

/** Fastify's router: its stores are Fastify's route contexts, opaque to us. */
export type FastifysRouter = Router<object | null>

/** Routes whose match does not simply list their method and make the URL known. */
export const enum Role {
  /** Kept out of the registry: where it is the route Fastify runs, its method is not listed. */
  Excluded,
  /** A root catch-all (`*`, `/*`: @fastify/cors, @fastify/static): listed, but it makes no URL known. */
  CatchAll
}

/** A path pattern of the app (constraints aside), with the methods of its routes. */
export interface PatternDraft {
  readonly variant: PatternVariant
  /** Methods of its routes in the registry. */
  readonly methods: Set<string>
  /** Methods of its routes kept out of the registry. */
  readonly excluded: Set<string>
  constrained: boolean
}

/** What Fastify's router holds of the routes the app registered, as the registry needs it. */
export interface RouteTable {
  readonly matching: MatchingOptions
  /** The methods some route serves, in the registry or not (for `notImplemented`). */
  readonly served: Set<string>
  /** The methods of the registry's routes. */
  readonly methods: Set<string>
  /** Fastify's routes (their contexts) that are kept out or root catch-alls. */
  readonly roles: Map<object, Role>
  /** The record of each route in the registry, by Fastify's context, when asked for (`keepRecords`). */
  readonly routes: Map<object, RouteRecord>
  /** Fastify's contexts of the registry's routes, by method, for the methods whose request content is asked about. */
  readonly contentRoutes: Map<string, Set<object>>
  /** The path patterns, by key (see `PatternVariant.key`), root catch-alls aside. */
  readonly patterns: Map<string, PatternDraft>
  /** Methods of root catch-alls without constraints. */
  readonly catchAllMethods: Set<string>
  readonly constrainedCatchAll: boolean
  readonly constrainedMethods: Set<string>
  /** The registry's constrained routes without their constraints, or null without any. */
  readonly unconstrained: Router<true> | null
  /** A method whose tree in Fastify's router holds the same routes as an earlier one's (HEAD and GET), by method. */
  readonly twinOf: Map<string, string>
}

let incomparable = 0

/**
 * The constraints of a route as text, for comparing trees: values other than strings and regular expressions
 * (a custom strategy's) make it unique, as they cannot be compared.
 */
function constraintsKey (constraints: Constraints | undefined): string {
  if (constraints === undefined) return ''
  return Object.keys(constraints).sort().map(name => {
    const value = constraints[name]
    if (typeof value === 'string') return `${name}=${value}`
    return value instanceof RegExp ? `${name}~${String(value)}` : `${name}#${incomparable++}`
  }).join('&')
}

const nonEmpty = (constraints: Constraints | undefined): Constraints | undefined =>
  constraints !== undefined && Object.keys(constraints).length > 0 ? constraints : undefined

/**
 * Reads Fastify's router for the routes onRoute announced (`records`, in Fastify's order): only those it
 * holds count (onRoute also announces routes whose registration then failed, and that the app caught).
 * `keepRecords`: keep each route's record (for `describeOptions` and the guards); `contentMethods`: keep the contexts of the
 * routes of these methods, whose accepted media types the OPTIONS answer names.
 */
export function readRouteTable (
  router: FastifysRouter, findMyWay: FindMyWay, records: readonly RouteRecord[],
  { keepRecords, contentMethods }: { keepRecords: boolean, contentMethods: ReadonlySet<string> }
): RouteTable {
  const matching = matchingOptionsOf(router)
  const askRouterAbout = findRoutePath(findMyWay)
  const served = new Set<string>()
  const methods = new Set<string>()
  const roles = new Map<object, Role>()
  const routes = new Map<object, RouteRecord>()
  const contentRoutes = new Map<string, Set<object>>()
  const patterns = new Map<string, PatternDraft>()
  const catchAllMethods = new Set<string>()
  const constrainedMethods = new Set<string>()
  // What each method's tree in Fastify's router holds, in order: methods whose trees hold the same routes
  // (GET and its automatic HEAD routes) match the same URLs, and are asked once.
  const trees = new Map<string, string>()
  let unconstrained: Router<true> | null = null
  let constrainedCatchAll = false
  // The methods and pattern shapes seen of each route Fastify holds (its context): a record that finds the
  // same again is a registration Fastify refused as a duplicate, and the first one stands there.
  const seen = new Map<object, Set<string>>()

  for (const record of records) {
    const constraints = nonEmpty(record.constraints)
    for (const variant of patternVariants(record.url, matching)) {
      let hit
      try {
        hit = router.findRoute(record.method, askRouterAbout(variant), constraints ?? {})
      } catch {
        continue // find-my-way cannot parse the pattern: Fastify's router refused it
      }
      if (!isRoute(hit)) continue
      served.add(record.method)
      // One route may hold several methods, and several patterns (an optional parameter). A regex variant of
      // a pattern its method has finds that pattern's route: a refused registration too.
      const key = `${record.method} ${variant.shape}`
      const keys = seen.get(hit.store) ?? new Set()
      if (keys.has(key)) continue
      seen.set(hit.store, keys.add(key))

      const catchAll = variant.normalised === '/*'
      trees.set(record.method, `${trees.get(record.method) ?? ''}\n${variant.key} ${record.included} ${constraintsKey(constraints)}`)
      const draft = catchAll ? undefined : patterns.get(variant.key) ?? newDraft(patterns, variant)
      if (draft !== undefined) draft.constrained ||= constraints !== undefined
      if (!record.included) {
        roles.set(hit.store, Role.Excluded)
        draft?.excluded.add(record.method)
        continue
      }
      methods.add(record.method)
      if (keepRecords) routes.set(hit.store, record)
      if (contentMethods.has(record.method)) contentRoutes.set(record.method, (contentRoutes.get(record.method) ?? new Set()).add(hit.store))
      if (constraints !== undefined) {
        constrainedMethods.add(record.method)
        unconstrained ??= createRouter(findMyWay, matching)
        try {
          unconstrained.on(record.method, variant.path, {}, noop, true)
        } catch {} // the same pattern under other constraints: held already
      }
      if (catchAll) {
        roles.set(hit.store, Role.CatchAll)
        if (constraints === undefined) catchAllMethods.add(record.method)
        else constrainedCatchAll = true
      } else {
        draft?.methods.add(record.method)
      }
    }
  }

  const twinOf = new Map<string, string>()
  const firstByTree = new Map<string, string>()
  for (const [method, tree] of trees) {
    if (!methods.has(method)) continue
    const first = firstByTree.get(tree)
    if (first === undefined) firstByTree.set(tree, method)
    else twinOf.set(method, first)
  }
  return { matching, served, methods, roles, routes, contentRoutes, patterns, catchAllMethods, constrainedCatchAll, constrainedMethods, unconstrained, twinOf }
}

function newDraft (patterns: Map<string, PatternDraft>, variant: PatternVariant): PatternDraft {
  const draft: PatternDraft = { variant, methods: new Set(), excluded: new Set(), constrained: false }
  patterns.set(variant.key, draft)
  return draft
}
