import {
  createRouter, findRoutePath, isRoute, matchingOptionsOf, noop, patternVariants,
  type Constraints, type FindMyWay, type MatchingOptions, type PatternVariant, type RegisteredRoute,
  type Router
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
  readonly methods: ReadonlySet<string>
  readonly excluded: ReadonlySet<string>
  readonly constrained: boolean
}

/** What Fastify's router holds of the routes the app registered, as the registry needs it. */
export interface RouteTable {
  readonly matching: MatchingOptions
  /** The methods some route serves, in the registry or not (for `notImplemented`). */
  readonly served: ReadonlySet<string>
  readonly methods: ReadonlySet<string>
  /** Fastify's routes (their contexts) that are kept out or root catch-alls. */
  readonly roles: ReadonlyMap<object, Role>
  /** The record of each route in the registry, by Fastify's context, when asked for (`keepRecords`). */
  readonly routes: ReadonlyMap<object, RouteRecord>
  /** Fastify's contexts of the registry's routes, by method, for the methods whose request content is asked about. */
  readonly contentRoutes: ReadonlyMap<string, ReadonlySet<object>>
  /**
   * The path patterns, by key (see `PatternVariant.key`), root catch-alls aside, in the order of their first
   * routes: the order the pattern index is given them, which decides the regex variants that overflow.
   */
  readonly patterns: ReadonlyMap<string, PatternDraft>
  /** Methods of root catch-alls without constraints. */
  readonly catchAllMethods: ReadonlySet<string>
  readonly constrainedCatchAll: boolean
  readonly constrainedMethods: ReadonlySet<string>
  /** The registry's constrained routes without their constraints, or null without any. */
  readonly unconstrained: Router<true> | null
  /** A method whose tree in Fastify's router holds the same routes as an earlier one's (HEAD and GET), by method. */
  readonly twinOf: ReadonlyMap<string, string>
}

/** One pattern of one method of a route Fastify's router holds: what every pass below reads. */
interface HeldRoute {
  readonly record: RouteRecord
  readonly variant: PatternVariant
  readonly context: object
  readonly constraints: Constraints | undefined
  readonly catchAll: boolean
}

/**
 * Only the routes Fastify's router holds count: onRoute also announces routes whose registration then failed,
 * and that the app caught.
 */
export function readRouteTable (
  router: FastifysRouter, findMyWay: FindMyWay, records: readonly RouteRecord[],
  { keepRecords, contentMethods }: { keepRecords: boolean, contentMethods: ReadonlySet<string> }
): RouteTable {
  const matching = matchingOptionsOf(router)
  const held = heldRoutes(router, findMyWay, records, matching)
  const included = held.filter(route => route.record.included)
  const { served, methods, roles } = methodsAndRoles(held)
  return {
    matching,
    served,
    methods,
    roles,
    routes: keepRecords ? recordsOf(included) : new Map(),
    contentRoutes: contextsByMethod(included, contentMethods),
    patterns: patternDrafts(held),
    ...catchAllsOf(included),
    ...constrainedRoutes(included, findMyWay, matching),
    twinOf: twinsOf(held, methods)
  }
}

const nonEmpty = (constraints: Constraints | undefined): Constraints | undefined =>
  constraints !== undefined && Object.keys(constraints).length > 0 ? constraints : undefined

/** A record's pattern, and how to ask `findRoute()` about it. */
interface RecordPattern {
  readonly variant: PatternVariant
  readonly asked: string
}

/** Each pattern of each record that Fastify's router holds, once, in Fastify's order. */
function heldRoutes (
  router: FastifysRouter, findMyWay: FindMyWay, records: readonly RouteRecord[], matching: MatchingOptions
): HeldRoute[] {
  const askRouterAbout = findRoutePath(findMyWay)
  // Routes of several methods share their URL (GET and its automatic HEAD route): its patterns are made once.
  const patternsOf = new Map<string, readonly RecordPattern[]>()
  const patterns = records.map(({ url }) => {
    let made = patternsOf.get(url)
    if (made === undefined) {
      made = patternVariants(url, matching).map(variant => ({ variant, asked: askRouterAbout(variant) }))
      patternsOf.set(url, made)
    }
    return made
  })
  return heldAsRegistered(router, records, patterns) ?? heldAsFound(router, records, patterns)
}

/**
 * When every record's patterns went into Fastify's router (no registration was refused: the common case),
 * the router's `routes` (find-my-way's list of what `on()` added, in Fastify's order) name each one's route,
 * without a look-up: the nth record of a method, pattern and constraints is the nth route of them. Null
 * when some record finds none there: then each is looked up (`heldAsFound`).
 */
function heldAsRegistered (
  router: FastifysRouter, records: readonly RouteRecord[], patterns: ReadonlyArray<readonly RecordPattern[]>
): HeldRoute[] | null {
  const registered = new Map<string, Array<RegisteredRoute<object | null>>>()
  for (const route of router.routes) {
    // `on()` stores `*` as `/*` (see `patternVariants`), but lists it as given.
    const key = `${route.method} ${route.path === '*' ? '/*' : route.path}`
    const same = registered.get(key)
    if (same === undefined) registered.set(key, [route])
    else same.push(route)
  }
  const held: HeldRoute[] = []
  for (const [i, record] of records.entries()) {
    const constraints = nonEmpty(record.constraints)
    for (const { variant } of patterns[i] as readonly RecordPattern[]) {
      const route = registered.get(`${record.method} ${variant.normalised}`)?.shift()
      if (route?.store == null || nonEmpty(route.opts.constraints) !== constraints) return null
      held.push({ record, variant, context: route.store, constraints, catchAll: variant.normalised === '/*' })
    }
  }
  return held
}

/** Each record's patterns looked up in Fastify's router. */
function heldAsFound (
  router: FastifysRouter, records: readonly RouteRecord[], patterns: ReadonlyArray<readonly RecordPattern[]>
): HeldRoute[] {
  // The methods and pattern shapes seen of each route Fastify holds (by a number for its context, so that
  // one Set holds them all): a record that finds the same again is a registration Fastify refused as a
  // duplicate, and the first one stands there.
  const routeIds = new Map<object, number>()
  const seen = new Set<string>()
  const held: HeldRoute[] = []
  for (const [i, record] of records.entries()) {
    const constraints = nonEmpty(record.constraints)
    for (const { variant, asked } of patterns[i] as readonly RecordPattern[]) {
      let hit
      try {
        hit = router.findRoute(record.method, asked, constraints ?? {})
      } catch {
        continue // find-my-way cannot parse the pattern: Fastify's router refused it
      }
      if (!isRoute(hit)) continue
      // One route may hold several methods, and several patterns (an optional parameter). A regex variant of
      // a pattern its method has finds that pattern's route: a refused registration too.
      let route = routeIds.get(hit.store)
      if (route === undefined) routeIds.set(hit.store, route = routeIds.size)
      const key = `${route} ${record.method} ${variant.shape}`
      if (seen.has(key)) continue
      seen.add(key)
      held.push({ record, variant, context: hit.store, constraints, catchAll: variant.normalised === '/*' })
    }
  }
  return held
}

/**
 * The methods some route serves, those of the registry's routes, and the routes whose match is not plain:
 * kept out, or root catch-alls (a route whose records differ there takes the later one's role).
 */
function methodsAndRoles (held: readonly HeldRoute[]): Pick<RouteTable, 'served' | 'methods' | 'roles'> {
  const served = new Set<string>()
  const methods = new Set<string>()
  const roles = new Map<object, Role>()
  for (const { record: { method, included }, context, catchAll } of held) {
    served.add(method)
    if (!included) {
      roles.set(context, Role.Excluded)
      continue
    }
    methods.add(method)
    if (catchAll) roles.set(context, Role.CatchAll)
  }
  return { served, methods, roles }
}

function recordsOf (included: readonly HeldRoute[]): Map<object, RouteRecord> {
  return new Map(included.map(({ context, record }) => [context, record]))
}

function contextsByMethod (
  included: readonly HeldRoute[], contentMethods: ReadonlySet<string>
): Map<string, Set<object>> {
  const contexts = new Map<string, Set<object>>()
  for (const { record: { method }, context } of included) {
    if (contentMethods.has(method)) contexts.set(method, (contexts.get(method) ?? new Set()).add(context))
  }
  return contexts
}

function patternDrafts (held: readonly HeldRoute[]): Map<string, PatternDraft> {
  const drafts = new Map<string, Drafting>()
  for (const { record, variant, constraints, catchAll } of held) {
    if (catchAll) continue
    let draft = drafts.get(variant.key)
    if (draft === undefined) {
      draft = { variant, methods: new Set(), excluded: new Set(), constrained: false }
      drafts.set(variant.key, draft)
    }
    draft.constrained ||= constraints !== undefined
    if (record.included) draft.methods.add(record.method)
    else draft.excluded.add(record.method)
  }
  return drafts
}

interface Drafting {
  readonly variant: PatternVariant
  readonly methods: Set<string>
  readonly excluded: Set<string>
  constrained: boolean
}

function catchAllsOf (included: readonly HeldRoute[]): Pick<RouteTable, 'catchAllMethods' | 'constrainedCatchAll'> {
  const catchAlls = included.filter(route => route.catchAll)
  const unconstrained = catchAlls.filter(route => route.constraints === undefined)
  return {
    catchAllMethods: new Set(unconstrained.map(route => route.record.method)),
    constrainedCatchAll: unconstrained.length < catchAlls.length
  }
}

function constrainedRoutes (
  included: readonly HeldRoute[], findMyWay: FindMyWay, matching: MatchingOptions
): Pick<RouteTable, 'constrainedMethods' | 'unconstrained'> {
  const constrained = included.filter(route => route.constraints !== undefined)
  if (constrained.length === 0) return { constrainedMethods: new Set(), unconstrained: null }
  const unconstrained = createRouter<true>(findMyWay, matching)
  for (const { record, variant } of constrained) {
    try {
      unconstrained.on(record.method, variant.path, {}, noop, true)
    } catch {} // the same pattern under other constraints: held already
  }
  return { constrainedMethods: new Set(constrained.map(route => route.record.method)), unconstrained }
}

/**
 * The methods whose tree in Fastify's router holds the same routes as an earlier method's (GET and its
 * automatic HEAD routes): they match the same URLs, and are asked once.
 */
function twinsOf (held: readonly HeldRoute[], methods: ReadonlySet<string>): Map<string, string> {
  // What each method's tree holds, in order. One that holds a constraint that cannot be compared has no twin.
  const trees = new Map<string, string>()
  const incomparable = new Set<string>()
  for (const { record: { method, included }, variant, constraints } of held) {
    const key = constraintsKey(constraints)
    if (key === null) incomparable.add(method)
    trees.set(method, `${trees.get(method) ?? ''}\n${variant.key} ${included} ${key ?? ''}`)
  }
  const twinOf = new Map<string, string>()
  const firstByTree = new Map<string, string>()
  for (const [method, tree] of trees) {
    if (incomparable.has(method) || !methods.has(method)) continue
    const first = firstByTree.get(tree)
    if (first === undefined) firstByTree.set(tree, method)
    else twinOf.set(method, first)
  }
  return twinOf
}

/**
 * The constraints of a route as text, for comparing trees; null when a value is neither a string nor a
 * regular expression (a custom strategy's), which cannot be compared.
 */
function constraintsKey (constraints: Constraints | undefined): string | null {
  if (constraints === undefined) return ''
  const parts: string[] = []
  for (const name of Object.keys(constraints).sort()) {
    const value = constraints[name]
    if (typeof value === 'string') parts.push(`${name}=${value}`)
    else if (value instanceof RegExp) parts.push(`${name}~${String(value)}`)
    else return null
  }
  return parts.join('&')
}
