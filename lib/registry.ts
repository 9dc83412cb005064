import { createRouter, findRoutePath, type Constraints, type FindMyWay, type Router } from './find-my-way.js'
import { contains, findOverlaps, parsePattern, type Segment } from './pattern-overlap.js'
import { formatAllow, normaliseMethods } from './allow-header.js'
import { patternVariants } from './route-patterns.js'
import type { MatchingOptions } from './router-options.js'

/** One method of one route, as Fastify put it into its router. */
export interface RouteRecord {
  method: string
  /** The full path pattern (prefix included), as Fastify passed it to find-my-way. */
  url: string
  constraints: Constraints | undefined
  /** False for a route kept out of the registry (config or `includeRoute`): it only counts as served. */
  included: boolean
  /** The route's `schema`, for `describeOptions`. */
  schema?: Record<string, unknown> | undefined
  /** The shared schemas (`addSchema`) visible to the route's plugin, for `describeOptions`. */
  sharedSchemas?: (() => Record<string, unknown>) | undefined
}

/** Whether Fastify's router holds a pattern; `unparsable`: its router refused it while parsing it. */
export type RouterHolds = 'yes' | 'no' | 'unparsable'

/** What the registry answers for a known URL: the methods Fastify routes there, and their `Allow` value. */
export interface Answer {
  readonly methods: readonly string[]
  readonly allow: string
}

interface RouteStore {
  /** The route makes a URL known: not an OPTIONS route, not a catch-all. */
  readonly known: boolean
  readonly catchAll: boolean
  readonly route: RouteRecord
}

/** How `resolve()` answers for a URL whose best-matching pattern is a given one (set at startup). */
const enum Plan {
  /** Ask every method: the pattern is constrained, or meets too many others, or nothing is planned. */
  Exact,
  /** The answer is the same for every URL: `answer`. */
  Fixed,
  /** `certain` methods match every URL of the pattern; only `uncertain` ones are asked. */
  Partial
}

/** One path pattern of the app, with every method routed to it (constraints ignored). */
interface PatternEntry {
  readonly id: number
  readonly methods: Set<string>
  constrained: boolean
  plan: Plan
  /** Plan.Fixed: the answer, or null when the pattern's URLs are not known (OPTIONS routes only). */
  answer: Answer | null
  certain: string[]
  uncertain: string[]
  /** Plan.Partial: answers already built, by the bit mask of the uncertain methods that matched. */
  answers: Array<Answer | undefined>
}

// find-my-way wants a handler; the registry only uses the stores.
const noop = (): void => {}
// The pattern index holds every pattern under its first method; which method does not matter. find-my-way
// refuses two patterns that differ only in a parameter's regex under one method (both are stored as
// '/:()'), so such a pattern goes into the tree of the next method (see `#index`). These are the methods
// find-my-way accepts (lib/http-methods.js), GET first for its fast path in `find()`.
const INDEX_METHODS = [
  'GET', 'ACL', 'BIND', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'HEAD', 'LINK', 'LOCK', 'M-SEARCH', 'MERGE',
  'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MOVE', 'NOTIFY', 'OPTIONS', 'PATCH', 'POST', 'PROPFIND', 'PROPPATCH',
  'PURGE', 'PUT', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'SOURCE', 'SUBSCRIBE', 'TRACE', 'UNBIND', 'UNLINK',
  'UNLOCK', 'UNSUBSCRIBE'
] as const

/**
 * A path matched by no route but catch-alls (`*`, `/*`: what @fastify/cors and @fastify/static register at
 * the root) and OPTIONS routes is not a resource of the app: it gets 404, not `405 Allow: OPTIONS`.
 */
const isCatchAll = (normalisedPattern: string): boolean => normalisedPattern === '/*'
const makesKnownAny = (methods: Iterable<string>): boolean => [...methods].some(method => method !== 'OPTIONS')

/** Beyond these, a pattern's answers are not planned: it meets too many others to be worth it. */
const MAX_OVERLAPS = 32
/** The methods asked per request for a partial plan; their answers are kept by bit mask. */
const MAX_UNCERTAIN = 8

/**
 * The method registry: every route of the app, and the lookup that turns a request (method, URL,
 * constraints) into the set of methods Fastify would route for that URL.
 *
 * It holds three find-my-way routers built with the app's own matching options, so that matching is
 * Fastify's by construction:
 * - `#routes`: every route under its real method and constraints. Asking it once per method is exact: the
 *   allowed set is the union over methods of "this method matches this path". One best match is not:
 *   find-my-way's `find()` returns the best route of one method, so with GET `/users/:id` and POST
 *   `/users/me`, a single router holding both under one method would say POST alone for `/users/me`.
 * - `#patterns`: every pattern once, under one method, without constraints. One tree walk finds the best
 *   pattern, whose answer was planned at startup (pattern-overlap.ts, `#plan`): fixed when the patterns
 *   that can share its URLs all contain it, partial (only the methods of the others are asked) when some
 *   merely overlap it. A miss there (and in the overflow trees, rarely any) is a miss for every method.
 * - `#unconstrained`: the constrained routes without their constraints, to tell "a route for this method
 *   is here but rejected the request's constraints" (404, as Fastify answers) from a wrong method (405).
 */
export class MethodRegistry {
  readonly #autoOptions: boolean
  #matching!: MatchingOptions
  #hasAsyncConstraints = false
  #records: RouteRecord[] = []
  #ready = false
  #routes!: Router<RouteStore>
  #patterns!: Router<PatternEntry>
  /** Index methods beyond the first that hold patterns (see INDEX_METHODS). */
  readonly #overflow: string[] = []
  #unconstrained!: Router<true>
  /** Methods with at least one route in Fastify's router, kept out of the registry or not. */
  readonly #served = new Set<string>()
  /** Methods with at least one route: the ones the exact lookup asks about. */
  readonly #methods = new Set<string>()
  /** The index entries, by pattern key (see route-patterns.ts). */
  #entries = new Map<string, PatternEntry>()
  #server!: Answer
  readonly #constrainedMethods = new Set<string>()

  constructor (autoOptions: boolean) {
    this.#autoOptions = autoOptions
  }

  /** Records a route; Fastify adds none once the app is ready, when `build()` runs. */
  add (route: RouteRecord): void {
    this.#records.push(route)
  }

  get ready (): boolean {
    return this.#ready
  }

  /** The methods of every route of the registry, sorted (with OPTIONS under `autoOptions`): `OPTIONS *`. */
  get serverAnswer (): Answer {
    return this.#server
  }

  /** The methods some route of the app serves (for `notImplemented`). */
  get servedMethods (): ReadonlySet<string> {
    return this.#served
  }

  /** True when a custom constraint strategy derives its value asynchronously (see `deriveConstraintsAsync`). */
  get hasAsyncConstraints (): boolean {
    return this.#hasAsyncConstraints
  }

  /**
   * The constraint strategies in use that answers may depend on, for `Vary`: `version` (find-my-way's
   * `accept-version`, which must match whenever a request carries it, so every answer depends on it) and
   * whether any custom strategy is, whose request headers the registry cannot know. `host` is left out:
   * it is part of the URI that every cache keys on.
   */
  get constraintsInEffect (): { readonly version: boolean, readonly custom: boolean } {
    const { strategiesInUse, asyncStrategiesInUse } = this.#routes.constrainer
    const names = [...strategiesInUse, ...asyncStrategiesInUse]
    return { version: names.includes('version'), custom: names.some(name => name !== 'version' && name !== 'host') }
  }

  /**
   * Builds the lookup structures with the app's matching options and the find-my-way of the app's Fastify;
   * called once, when the app is ready and every route is known. `isRouted(method, pattern, constraints)` tells whether Fastify's router holds a
   * pattern: onRoute also announces routes whose registration then failed (and that the app caught).
   */
  build (
    findMyWay: FindMyWay, matching: MatchingOptions,
    isRouted: (method: string, pattern: string, constraints: Constraints) => RouterHolds
  ): void {
    const records = this.#records
    this.#records = []
    this.#ready = true
    this.#matching = matching
    this.#routes = createRouter(findMyWay, matching)
    this.#patterns = createRouter(findMyWay, { ...matching, constraints: {} })
    this.#unconstrained = createRouter(findMyWay, { ...matching, constraints: {} })
    const lookupPath = findRoutePath(findMyWay)
    const entries = new Map<string, PatternEntry>()
    const shapes: Array<{ owner: number, segments: Segment[] }> = []
    const catchAllMethods: string[] = []
    let constrainedCatchAll = false

    for (const route of records) {
      const constraints = route.constraints !== undefined && Object.keys(route.constraints).length > 0
        ? route.constraints
        : undefined
      let replayed = false
      for (const variant of patternVariants(route.url, matching)) {
        const holds = isRouted(route.method, lookupPath(variant), constraints ?? {})
        if (holds !== 'yes') {
          // find-my-way changes its router before it parses a pattern (index.js `_on`): it notes the route's
          // constraint strategies as in use (a refused versioned route still turns version matching on) and
          // creates the method's tree (later look-ups of that method parse patterns, and throw, see
          // `#reachesRouterOn`). If Fastify got as far as `router.on()`, the same call on our router, refused
          // the same way, leaves the same traces.
          if (holds === 'unparsable' && !replayed && this.#reachesRouterOn(route.url, constraints ?? {})) {
            replayed = true
            try {
              this.#routes.on(route.method, route.url, constraints === undefined ? {} : { constraints }, noop, undefined as never)
            } catch {}
          }
          continue
        }
        this.#served.add(route.method)
        if (!route.included) continue
        const catchAll = isCatchAll(variant.normalised)
        const store: RouteStore = { known: route.method !== 'OPTIONS' && !catchAll, catchAll, route }
        // Inserted in Fastify's order: a duplicate here is one Fastify refused too (or its automatic HEAD
        // route where one exists), and the first one stands, as there.
        if (!this.#insert(this.#routes, route.method, variant.path, constraints, store)) continue
        this.#methods.add(route.method)
        if (constraints !== undefined) {
          this.#constrainedMethods.add(route.method)
          this.#insert(this.#unconstrained, route.method, variant.path, undefined, true)
        }
        if (catchAll) {
          if (constraints === undefined) catchAllMethods.push(route.method)
          else constrainedCatchAll = true
          continue
        }
        let entry = entries.get(variant.key)
        if (entry === undefined) {
          entry = { id: entries.size, methods: new Set(), constrained: false, plan: Plan.Exact, answer: null, certain: [], uncertain: [], answers: [] }
          entries.set(variant.key, entry)
          shapes.push({ owner: entry.id, segments: parsePattern(variant.normalised, matching.caseSensitive) })
          this.#index(variant.path, entry)
        }
        entry.methods.add(route.method)
        entry.constrained ||= constraints !== undefined
      }
    }
    this.#entries = entries
    this.#hasAsyncConstraints = this.#routes.constrainer.asyncStrategiesInUse.size > 0
    this.#server = this.#answer([...this.#methods])

    // Nothing is planned when a constrained catch-all may join an answer or not, or when a strategy in use
    // must match whenever the request derives it (accept-version): then a request carrying `Accept-Version`
    // matches no unversioned route (find-my-way lib/handler-storage.js).
    if (constrainedCatchAll || this.#hasMustMatchStrategy()) return
    const byId = [...entries.values()]
    const overlaps = findOverlaps(shapes, MAX_OVERLAPS)
    for (const entry of byId) this.#plan(entry, byId, shapes, overlaps.get(entry.id) ?? null, catchAllMethods)
  }

  /**
   * Plans the answers for URLs whose best pattern is `entry`. Every route of a pattern that contains
   * `entry`'s (a `/users/:id` for a `/users/me`) matches all those URLs: its methods are certain. Routes of
   * patterns that merely overlap it may or may not match: only their methods are asked per request.
   */
  #plan (entry: PatternEntry, entries: PatternEntry[], shapes: Array<{ segments: Segment[] }>, others: Set<number> | null, catchAllMethods: string[]): void {
    if (entry.constrained || others === null) return
    const own = shapes[entry.id]?.segments ?? []
    const certain = new Set([...entry.methods, ...catchAllMethods])
    const uncertain = new Set<string>()
    let known = makesKnownAny(entry.methods)
    let maybeKnown = false
    for (const id of others) {
      const other = entries[id]
      if (other === undefined) continue
      if (!other.constrained && contains(shapes[id]?.segments ?? [], own, this.#matching.maxParamLength)) {
        for (const method of other.methods) certain.add(method)
        known ||= makesKnownAny(other.methods)
      } else {
        for (const method of other.methods) uncertain.add(method)
        maybeKnown ||= makesKnownAny(other.methods)
      }
    }
    // Whether the URL is known at all depends on the request: ask every method.
    if (!known && maybeKnown) return
    for (const method of certain) uncertain.delete(method)
    if (uncertain.size === 0) {
      entry.plan = Plan.Fixed
      entry.answer = known ? this.#answer([...certain]) : null
    } else if (known && uncertain.size <= MAX_UNCERTAIN) {
      entry.plan = Plan.Partial
      entry.certain = [...certain]
      entry.uncertain = [...uncertain]
    }
  }

  /**
   * The answer for a request URL, or null when the URL is unknown (404). With `method` (a request that
   * Fastify did not route), also null when a route for that method matches the path but rejected the
   * request's constraints: Fastify answers 404 there, and so do we (the method is not wrong, the request is).
   * `constraints` are derived from `req`, as Fastify's router derives them, only when the exact lookup runs.
   */
  resolve (url: string, method: string | undefined, req: unknown, constraints?: Constraints): Answer | null {
    const hit = this.#patterns.find(INDEX_METHODS[0], url)
    if (hit === null) {
      // Overflow patterns overlap another pattern by construction: the exact lookup decides.
      if (this.#overflow.every(method => this.#patterns.find(method, url) === null)) return null
      return this.#resolveExactly(url, method, req, constraints)
    }
    const entry = hit.store
    // A fixed plan's certain routes are unconstrained and match this URL: Fastify would have routed the
    // request's method had it been one of them.
    if (entry.plan === Plan.Fixed) return entry.answer
    if (entry.plan === Plan.Partial) return this.#resolvePartially(entry, url, method, req, constraints)
    return this.#resolveExactly(url, method, req, constraints)
  }

  #resolvePartially (entry: PatternEntry, url: string, method: string | undefined, req: unknown, given: Constraints | undefined): Answer | null {
    if (method !== undefined && this.#constrainedMethods.has(method) && this.#unconstrained.find(method, url) !== null) return null
    const constraints = given ?? this.deriveConstraints(req)
    const { uncertain } = entry
    let mask = 0
    for (let i = 0; i < uncertain.length; i++) {
      if (this.#routes.find(uncertain[i] as string, url, constraints) !== null) mask |= 1 << i
    }
    return (entry.answers[mask] ??= this.#answer([...entry.certain, ...uncertain.filter((_, i) => (mask & (1 << i)) !== 0)]))
  }

  /**
   * For an OPTIONS request that a root catch-all OPTIONS route handed to the not-found handler (@fastify/cors
   * with `preflight: false` calls `reply.callNotFound()`): the URL's answer, or null when another OPTIONS
   * route matches (it chose 404 itself), or none does, or the URL is unknown.
   */
  resolveDeclinedOptions (url: string, req: unknown, given: Constraints | undefined): Answer | null {
    const constraints = given ?? this.deriveConstraints(req)
    const hit = this.#routes.find('OPTIONS', url, constraints)
    if (hit === null || !hit.store.catchAll) return null
    return this.resolve(url, undefined, req, constraints)
  }

  /**
   * The given constraint values of the strategies some route uses, as Fastify derives only those: find-my-way
   * refuses every unversioned route when a `version` is given, even where no route is versioned.
   */
  constraintsInUse (given: Constraints): Constraints | undefined {
    const { strategiesInUse, asyncStrategiesInUse } = this.#routes.constrainer
    const used = Object.entries(given).filter(([name]) => strategiesInUse.has(name) || asyncStrategiesInUse.has(name))
    return used.length === 0 && strategiesInUse.size + asyncStrategiesInUse.size === 0 ? undefined : Object.fromEntries(used)
  }

  /** The request's constraint values, derived as find-my-way's `lookup()` derives them for Fastify. */
  deriveConstraints (req: unknown): Constraints | undefined {
    return this.#routes.constrainer.deriveConstraints(req)
  }

  /** The same, for apps with asynchronous custom constraint strategies. */
  deriveConstraintsAsync (req: unknown, done: (err: Error | null, constraints?: Constraints) => void): void {
    this.#routes.constrainer.deriveConstraints(req, undefined, done)
  }

  #resolveExactly (url: string, method: string | undefined, req: unknown, given: Constraints | undefined): Answer | null {
    if (method !== undefined && this.#matchesIgnoringConstraints(method, url)) return null
    const constraints = given ?? this.deriveConstraints(req)
    const methods: string[] = []
    let known = false
    for (const candidate of this.#methods) {
      const hit = this.#routes.find(candidate, url, constraints)
      if (hit === null) continue
      methods.push(candidate)
      // The best match is a catch-all or OPTIONS route only when no other route of this method matches.
      known ||= hit.store.known
    }
    return known ? this.#answer(methods) : null
  }

  /**
   * The routes Fastify would run for `url` under each of `methods` (the best match of each method's tree):
   * what `describeOptions` describes.
   */
  matchingRoutes (url: string, methods: readonly string[], constraints: Constraints | undefined): RouteRecord[] {
    const routes: RouteRecord[] = []
    for (const method of methods) {
      const hit = this.#routes.find(method, url, constraints)
      if (hit !== null) routes.push(hit.store.route)
    }
    return routes
  }

  /**
   * The answer for every request a route of pattern `url` matches, when it is the same for all of them (its
   * answer is fixed at startup); null when it depends on the request and must be resolved per request.
   */
  fixedAnswer (url: string): Answer | null {
    const [variant, ...others] = patternVariants(url, this.#matching)
    if (variant === undefined || others.length > 0) return null
    const entry = this.#entries.get(variant.key)
    return entry?.plan === Plan.Fixed ? entry.answer : null
  }

  /**
   * Puts a new pattern into the index tree of the first method that takes it. find-my-way stores patterns
   * that differ only in a parameter's regex as one (`/:()`) and refuses the second under one method.
   */
  #index (path: string, entry: PatternEntry): void {
    for (const [level, method] of INDEX_METHODS.entries()) {
      if (!this.#insert(this.#patterns, method, path, undefined, entry)) continue
      if (level > 0 && !this.#overflow.includes(method)) this.#overflow.push(method)
      return
    }
    throw new Error(`fastify-allowed-methods: too many regex variants of the pattern ${path}`)
  }

  /**
   * Inserts a route; false when the router already holds one of that method, pattern and constraints.
   * Any other refusal is one Fastify's router did not make (it holds the route): a constraint strategy
   * we cannot see.
   */
  #insert<Store> (router: Router<Store>, method: string, path: string, constraints: Constraints | undefined, store: Store): boolean {
    try {
      router.on(method, path, constraints === undefined ? {} : { constraints }, noop, store)
      return true
    } catch (error) {
      if (error instanceof Error && error.message.includes('already declared')) return false
      throw new Error(`fastify-allowed-methods: cannot match ${method} ${path} as Fastify does ` +
        `(${(error as Error).message}). A constraint strategy added with addConstraintStrategy() before the ` +
        'plugin is not visible to it: register the plugin first, or give the strategy in routerOptions.constraints.', { cause: error })
    }
  }

  /**
   * fastify lib/route.js looks up the HEAD route of a URL before `router.on()`: once the router has a HEAD
   * tree, that look-up parses the pattern and throws first. Our `#routes` holds the routes in Fastify's order.
   */
  #reachesRouterOn (url: string, constraints: Constraints): boolean {
    try {
      this.#routes.findRoute('HEAD', url, constraints)
      return true
    } catch {
      return false
    }
  }

  #matchesIgnoringConstraints (method: string, url: string): boolean {
    // Without derived constraints find-my-way matches unconstrained routes only; `#unconstrained` has the rest.
    return this.#routes.find(method, url) !== null ||
      (this.#constrainedMethods.has(method) && this.#unconstrained.find(method, url) !== null)
  }

  #answer (methods: string[]): Answer {
    // RFC 9110 9.3.7: OPTIONS is answered for every known URL when the automatic answer is on.
    if (this.#autoOptions) methods.push('OPTIONS')
    const sorted = normaliseMethods(methods)
    return Object.freeze({ methods: sorted, allow: formatAllow(sorted) })
  }

  #hasMustMatchStrategy (): boolean {
    const { constrainer } = this.#routes
    for (const name of constrainer.strategiesInUse) {
      if (constrainer.strategies[name]?.mustMatchWhenDerived === true) return true
    }
    return false
  }
}
