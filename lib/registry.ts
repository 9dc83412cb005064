import { createRouter, type Constraints, type Router } from './find-my-way.js'
import { contains, findOverlaps, parsePattern, type Segment } from './pattern-overlap.js'
import { formatAllow, normaliseMethods } from './allow-header.js'
import type { MatchingOptions } from './router-options.js'

/** One method of one route, as Fastify put it into its router. */
export interface RouteRecord {
  method: string
  /** The full path pattern (prefix included), as Fastify passed it to find-my-way. */
  url: string
  constraints: Constraints | undefined
  /** The route's `schema`, for `describeOptions`. */
  schema?: Record<string, unknown> | undefined
  /** The shared schemas (`addSchema`) visible to the route's plugin, for `describeOptions`. */
  sharedSchemas?: (() => Record<string, unknown>) | undefined
}

/** What the registry answers for a known URL: the methods Fastify routes there, and their `Allow` value. */
export interface Answer {
  readonly methods: readonly string[]
  readonly allow: string
}

interface RouteStore {
  /** The route makes a URL known (see `makesKnown`). */
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

// find-my-way index.js: the same expressions, applied by `on()` before a pattern enters the tree.
const OPTIONAL_PARAM = /(\/:[^/()]*?)\?(\/?)/
const DUPLICATE_SLASHES = /\/\/+/g

/**
 * A path matched by no route but catch-alls (`*`, `/*`: what @fastify/cors and @fastify/static register at
 * the root) and OPTIONS routes is not a resource of the app: it gets 404, not `405 Allow: OPTIONS`.
 */
const isCatchAll = (url: string): boolean => url === '*' || url === '/*'
const makesKnown = (route: RouteRecord): boolean => route.method !== 'OPTIONS' && !isCatchAll(route.url)
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
 *   allowed set is the union over methods of "this method matches this path" (one best match is not, see
 *   ../shared/FACTS.md "find-my-way matching").
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
  /** Methods with at least one route, sorted: the ones the exact lookup asks about. */
  #methods: readonly string[] = []
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
  get serverMethods (): readonly string[] {
    return this.#server.methods
  }

  /** True when a custom constraint strategy derives its value asynchronously (see `deriveConstraintsAsync`). */
  get hasAsyncConstraints (): boolean {
    return this.#hasAsyncConstraints
  }

  /**
   * Builds the lookup structures with the app's matching options; called once, when the app is ready and
   * every route is known.
   */
  build (matching: MatchingOptions): void {
    const records = this.#records
    this.#records = []
    this.#ready = true
    this.#matching = matching
    this.#routes = createRouter(matching)
    this.#patterns = createRouter({ ...matching, constraints: {} })
    this.#unconstrained = createRouter({ ...matching, constraints: {} })
    const entries: PatternEntry[] = []
    const shapes: Array<{ owner: number, segments: Segment[] }> = []
    const catchAllMethods: string[] = []
    let constrainedCatchAll = false

    for (const route of records) {
      const constraints = route.constraints !== undefined && Object.keys(route.constraints).length > 0
        ? route.constraints
        : undefined
      try {
        insertOnce(this.#routes, route.method, route.url, constraints, { known: makesKnown(route), catchAll: isCatchAll(route.url), route })
      } catch (error) {
        throw new Error(`fastify-method-not-allowed: cannot match ${route.method} ${route.url} as Fastify does ` +
          `(${(error as Error).message}). A constraint strategy added with addConstraintStrategy() before the ` +
          'plugin is not visible to it: register the plugin first, or give the strategy in routerOptions.constraints.', { cause: error })
      }
      if (constraints !== undefined) {
        this.#constrainedMethods.add(route.method)
        insertOnce(this.#unconstrained, route.method, route.url, undefined, true)
      }

      if (isCatchAll(route.url)) {
        if (constraints === undefined) catchAllMethods.push(route.method)
        else constrainedCatchAll = true
        continue
      }
      for (const path of normalisePattern(route.url, matching)) {
        const entry = this.#index(path, () => {
          const created: PatternEntry = {
            id: entries.length, methods: new Set(), constrained: false, plan: Plan.Exact, answer: null, certain: [], uncertain: [], answers: []
          }
          entries.push(created)
          shapes.push({ owner: created.id, segments: parsePattern(path, matching.caseSensitive) })
          return created
        })
        entry.methods.add(route.method)
        entry.constrained ||= constraints !== undefined
      }
    }
    this.#hasAsyncConstraints = this.#routes.constrainer.asyncStrategiesInUse.size > 0
    this.#methods = normaliseMethods(records.map(route => route.method))
    this.#server = this.#answer([...this.#methods])

    // Nothing is planned when a constrained catch-all may join an answer or not, or when a strategy in use
    // must match whenever the request derives it (accept-version): then a request carrying `Accept-Version`
    // matches no unversioned route (find-my-way lib/handler-storage.js).
    if (constrainedCatchAll || this.#hasMustMatchStrategy()) return
    const overlaps = findOverlaps(shapes, MAX_OVERLAPS)
    for (const entry of entries) this.#plan(entry, entries, shapes, overlaps.get(entry.id) ?? null, catchAllMethods)
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
    for (const id of others) {
      const other = entries[id]
      if (other === undefined) continue
      if (!other.constrained && contains(shapes[id]?.segments ?? [], own, this.#matching.maxParamLength)) {
        for (const method of other.methods) certain.add(method)
        known ||= makesKnownAny(other.methods)
      } else {
        for (const method of other.methods) uncertain.add(method)
      }
    }
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
    const [path, ...others] = normalisePattern(url, this.#matching)
    if (path === undefined || others.length > 0) return null
    for (const method of INDEX_METHODS) {
      const entry = this.#patterns.findRoute(method, path)?.store
      if (entry !== undefined) return entry.plan === Plan.Fixed ? entry.answer : null
    }
    return null
  }

  /** The index entry of a normalised pattern, created on first sight. */
  #index (path: string, create: () => PatternEntry): PatternEntry {
    for (const method of INDEX_METHODS) {
      const existing = this.#patterns.findRoute(method, path)
      if (existing !== null) return existing.store
    }
    const entry = create()
    for (const [level, method] of INDEX_METHODS.entries()) {
      try {
        this.#patterns.on(method, path, {}, noop, entry)
      } catch (error) {
        if (!isDuplicate(error)) throw error
        continue
      }
      if (level > 0 && !this.#overflow.includes(method)) this.#overflow.push(method)
      return entry
    }
    throw new Error(`fastify-method-not-allowed: too many regex variants of the pattern ${path}`)
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

/**
 * A pattern as find-my-way stores it (index.js `on()`): an optional last parameter expands into two
 * patterns, duplicate and trailing slashes are dropped when the router ignores them.
 */
function normalisePattern (url: string, matching: MatchingOptions): string[] {
  const paths = OPTIONAL_PARAM.test(url)
    ? [url.replace(OPTIONAL_PARAM, '$1$2'), url.replace(OPTIONAL_PARAM, '$2') || '/']
    : [url]
  return paths.map(path => {
    if (matching.ignoreDuplicateSlashes) path = path.replace(DUPLICATE_SLASHES, '/')
    if (matching.ignoreTrailingSlash && path.length > 1 && path.endsWith('/')) path = path.slice(0, -1)
    return path
  })
}

/**
 * Inserts a route, once: Fastify already refused real duplicates, so a duplicate here is a route Fastify
 * registered twice on purpose (its automatic HEAD route next to an explicit one) and the first one stands.
 */
function insertOnce<Store> (router: Router<Store>, method: string, url: string, constraints: Constraints | undefined, store: Store): void {
  try {
    router.on(method, url, constraints === undefined ? {} : { constraints }, noop, store)
  } catch (error) {
    if (!isDuplicate(error)) throw error
  }
}

const isDuplicate = (error: unknown): boolean => error instanceof Error && error.message.includes('already declared')
