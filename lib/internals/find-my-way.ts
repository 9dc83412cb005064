// Every reliance on find-my-way beyond its documented API: its instance fields and prototype (how a router
// is caught, and its export found from it), its constrainer (the strategies in use, the deriving of a
// request's values), the normalisation `on()` applies to a pattern, the result `find()` gives for a
// malformed URL, the methods it accepts. Checking a find-my-way upgrade starts here
// (and with the matching order build/pattern-overlap.ts reasons about).

/** A route constraint strategy as find-my-way takes it (host, version, or one of the app's own). */
export interface ConstraintStrategy {
  name: string
  storage: () => unknown
  deriveConstraint: (...args: never[]) => unknown
  validate?: (value: unknown) => void
  mustMatchWhenDerived?: boolean
}

export type Constraints = Record<string, unknown>

type DeriveCallback = (err: Error | null, constraints?: Constraints) => void

/** What `find()` and `findRoute()` return for a match. */
export interface Hit<Store> { readonly store: Store }

/** The options that decide whether a request path matches a pattern (find-my-way index.js `Router`). */
export interface MatchingOptions {
  readonly caseSensitive: boolean
  readonly ignoreTrailingSlash: boolean
  readonly ignoreDuplicateSlashes: boolean
  readonly maxParamLength: number
  readonly useSemicolonDelimiter: boolean
  readonly allowUnsafeRegex: boolean
}

/** find-my-way's constrainer (lib/constrainer.js), which its router holds as `constrainer`. */
interface Constrainer {
  strategies: Record<string, ConstraintStrategy | undefined>
  /** The strategies some route uses (`noteUsage`), apart by whether `deriveConstraint` takes a callback. */
  strategiesInUse: Set<string>
  asyncStrategiesInUse: Set<string>
  /** The synchronous strategies' values (undefined without any in use); with `done`, then the asynchronous ones'. */
  deriveConstraints: ((req: unknown) => Constraints | undefined) &
    ((req: unknown, ctx: undefined, done: DeriveCallback) => void)
}

/**
 * The part of a find-my-way router we use. `constrainer` and the option fields are not in find-my-way's
 * types: they are the values its `find()` and `lookup()` read (index.js `Router`, `lookup`), so reading them
 * from Fastify's own router is matching with Fastify's options and strategies by construction.
 */
export interface Router<Store> extends MatchingOptions {
  on: (method: string, path: string, opts: { constraints?: Constraints }, handler: () => void, store: Store) => void
  find: (method: string, path: string, constraints?: Constraints) => Hit<Store> | null
  findRoute: (method: string, path: string, constraints?: Constraints) => Hit<Store> | null
  readonly constrainer: Constrainer
  /** What `on()` added, in its order (index.js `this.routes.push(...)`), the path as `on()` normalised it. */
  readonly routes: ReadonlyArray<RegisteredRoute<Store>>
}

/** A route of a router's `routes`. */
export interface RegisteredRoute<Store> {
  readonly method: string
  readonly path: string
  readonly opts: { readonly constraints?: Constraints }
  readonly store: Store
}

/**
 * A router's constraint strategies, read from its constrainer at each use: the names of those in use
 * (`noteUsage`; one that must match whenever derived counts from when it is added, `addConstraintStrategy`,
 * before any route uses it), and the deriving of a request's values, the very code the router's look-ups run.
 */
export interface ConstraintStrategies {
  readonly sync: ReadonlySet<string>
  /** Those whose `deriveConstraint` takes a callback (constrainer.js `addConstraintStrategy`). */
  readonly async: ReadonlySet<string>
  derive: (req: unknown) => Constraints | undefined
  deriveAsync: (req: unknown, done: DeriveCallback) => void
}

export function constraintStrategiesOf (router: Pick<Router<unknown>, 'constrainer'>): ConstraintStrategies {
  const { constrainer } = router
  return {
    get sync () { return constrainer.strategiesInUse },
    get async () { return constrainer.asyncStrategiesInUse },
    derive: (req) => constrainer.deriveConstraints(req),
    deriveAsync: (req, done) => { constrainer.deriveConstraints(req, undefined, done) }
  }
}

/**
 * Whether a strategy in use must match whenever the request derives a value for it (accept-version): a
 * request carrying one then matches no route without that constraint (find-my-way lib/handler-storage.js).
 */
export function mustMatchStrategyInUse (router: Pick<Router<unknown>, 'constrainer'>): boolean {
  const { constrainer } = router
  for (const name of constrainer.strategiesInUse) {
    if (constrainer.strategies[name]?.mustMatchWhenDerived === true) return true
  }
  return false
}

/** find-my-way's export: the router factory (index.js `Router`, callable without `new`). */
export type FindMyWay = (options: object) => unknown

/** The matching options a router holds: for a router of ours to match as Fastify's does. */
export function matchingOptionsOf (router: MatchingOptions): MatchingOptions {
  const {
    caseSensitive, ignoreTrailingSlash, ignoreDuplicateSlashes, maxParamLength, useSemicolonDelimiter, allowUnsafeRegex
  } = router
  return {
    caseSensitive, ignoreTrailingSlash, ignoreDuplicateSlashes, maxParamLength, useSemicolonDelimiter, allowUnsafeRegex
  }
}

/**
 * The find-my-way a router is an instance of: its export is the `Router` function (index.js), callable
 * without `new`, which the routers' prototype holds as `constructor`. Checked by building a router with it:
 * one with the same prototype, whose `find` `catchRouter` swaps, is the very code of the router it mirrors.
 */
export function findMyWayOf (router: object): FindMyWay | undefined {
  const prototype = Object.getPrototypeOf(router) as { constructor?: unknown, find?: unknown } | null
  const findMyWay = prototype?.constructor
  if (typeof findMyWay !== 'function' || typeof prototype?.find !== 'function') return undefined
  try {
    return Object.getPrototypeOf((findMyWay as FindMyWay)({})) === prototype ? findMyWay as FindMyWay : undefined
  } catch {
    // Not callable without `new`, or not with options alone: not find-my-way's export.
    return undefined
  }
}

/**
 * Catches the router `call` runs `find()` on: `find` is a method of the routers' prototype (index.js), called
 * with the router as `this`. Swapped for the duration of one synchronous call; nothing else runs meanwhile.
 */
export function catchRouter (findMyWay: FindMyWay, call: () => unknown): Router<unknown> | undefined {
  const prototype = Object.getPrototypeOf(findMyWay({})) as Pick<Router<unknown>, 'find'>
  const find = prototype.find
  let caught: Router<unknown> | undefined
  prototype.find = function catchFind (this: Router<unknown>, ...args) {
    caught ??= this
    return find.apply(this, args)
  }
  try {
    call()
  } finally {
    prototype.find = find
  }
  return caught
}

const EMPTY_QUERY = Object.freeze({})
// We never read the query string: skip parsing it on every lookup.
const skipQuerystring = (): object => EMPTY_QUERY

/** A router of our own, without constraints, matching as `options` say. */
export function createRouter<Store> (findMyWay: FindMyWay, options: MatchingOptions): Router<Store> {
  return findMyWay({ ...options, querystringParser: skipQuerystring }) as Router<Store>
}

/**
 * A node of a router's tree as find-my-way has it from 9.10 on: one class for every kind (lib/node.js `Node`),
 * `matchPrefix` on static nodes only, `nodePaths` on parametric ones.
 */
interface TreeNode {
  readonly prefix: string
  matchPrefix: ((path: string, i: number) => boolean) | null
  staticChildrenNodes: TreeNode[]
  staticChildrenCharCodes: number[]
  parametricChildren: TreeNode[]
  readonly wildcardChild: TreeNode | null
  routes: unknown[] | null
  nodePaths: Set<string> | null
  readonly handlerStorage: HandlerStorage | null
}

/** A node's routes (lib/handler-storage.js `HandlerStorage`). */
interface HandlerStorage {
  handlers: HandlerRecord[]
  /** Compiled per node for look-ups with constraint values, refreshed at each route added. */
  _getHandlerMatchingConstraints: () => null
  constrainedHandlerStores: object | null
}

/** A route's record in its node's handler storage (lib/handler-storage.js `addHandler`). */
interface HandlerRecord {
  params: string[]
  constraints: object
  _createParamsObject: () => object
}

/** The fields of a router (index.js `Router`) that hold its tree and the records of its routes. */
interface RouterRecords {
  readonly trees: Record<string, TreeNode>
  routes: unknown[]
  /** From 9.10 on: the routes by method and pattern, for refusing a duplicate (index.js `_on`). */
  readonly _routesByMethodAndPattern?: Map<string, unknown>
}

const NO_PARAMS = Object.freeze(Object.create(null) as object)
const noParams = (): object => NO_PARAMS
// A router of ours is asked without constraint values (`getMatchingHandler` then returns the node's
// unconstrained route): the matcher for constraint values is never called.
/* c8 ignore next */
const noConstrainedMatch = (): null => null
// Shared by every node and route of a shrunk router, which nothing writes to any more.
const NO_CONSTRAINTS = Object.freeze({})
const NONE: never[] = []
/** An array pushed to has room for more; a copy has its length, and every empty one is the same. */
const exact = <T>(array: T[]): T[] => array.length === 0 ? NONE : array.slice()

/** The chars of a static node's prefix after its first, which its parent has matched (lib/node.js). */
const prefixMatcher = (prefix: string): ((path: string, i: number) => boolean) => {
  const rest = prefix.slice(1)
  return (path, i) => path.startsWith(rest, i + 1)
}

/** Whether a node is of the one class find-my-way 9.10 on has for every kind, whose fields are known here. */
const isKnownNode = (node: Partial<TreeNode>): node is TreeNode => Array.isArray(node.staticChildrenNodes) &&
  Array.isArray(node.staticChildrenCharCodes) && Array.isArray(node.parametricChildren)

/**
 * Lets a router of ours, which will take no more routes, drop what only adding, removing and printing routes
 * read: find() reads a node's prefix, children, `matchPrefix`, and a route's handler, store and
 * `_createParamsObject` (index.js `find`, lib/node.js `getNextNode`). find-my-way compiles three functions from
 * source text: one per static node of a longer prefix (lib/node.js `compilePrefixMatch`), one per route that
 * builds its params (lib/handler-storage.js `_compileCreateParamsObject`) and one per node with routes that
 * matches constraint values (`_compileGetHandlerMatchingConstraints`). Each of those weighs a script, its
 * source and its bytecode. A prefix's match becomes a closure that tests the same chars, the params one empty
 * object (nothing of ours reads a hit's params), and the constraints' matcher one that is never called. The
 * routes' records go, and the arrays grown by push keep only their length. Each change keeps the router's hits
 * as they were, which the differential tests and the fuzzer check on every build. A tree of another shape
 * (find-my-way before 9.10 has a class per node kind) is left as built.
 */
export function shrinkRouter (router: object): void {
  const records = router as RouterRecords
  const pending: Array<Partial<TreeNode>> = Object.values(records.trees)
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (!isKnownNode(node)) continue
    if (node.matchPrefix !== null && node.prefix.length > 1) node.matchPrefix = prefixMatcher(node.prefix)
    node.routes = null
    node.nodePaths = null
    const storage = node.handlerStorage
    if (storage !== null) {
      storage.handlers = exact(storage.handlers)
      storage._getHandlerMatchingConstraints = noConstrainedMatch
      storage.constrainedHandlerStores = null
      for (const handler of storage.handlers) {
        handler.params = exact(handler.params)
        handler.constraints = NO_CONSTRAINTS
        handler._createParamsObject = noParams
      }
    }
    node.parametricChildren = exact(node.parametricChildren)
    node.staticChildrenNodes = exact(node.staticChildrenNodes)
    node.staticChildrenCharCodes = exact(node.staticChildrenCharCodes)
    pending.push(...node.staticChildrenNodes, ...node.parametricChildren)
    if (node.wildcardChild !== null) pending.push(node.wildcardChild)
  }
  records.routes = []
  records._routesByMethodAndPattern?.clear()
}

/**
 * Whether a hit is a route: for a malformed `%` escape or an over-long parameter, find-my-way returns the
 * router's `onBadUrl` answer (index.js `_onBadUrl`, which Fastify sets), whose store is null.
 */
export const isRoute = <Store>(hit: Hit<Store | null> | null): hit is Hit<Store> => hit !== null && hit.store !== null

/**
 * The methods find-my-way accepts (lib/http-methods.js), GET first for its fast path in `find()`: a router
 * of ours may hold patterns under any of them.
 */
export const ROUTER_METHODS = [
  'GET', 'ACL', 'BIND', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'HEAD', 'LINK', 'LOCK', 'M-SEARCH', 'MERGE',
  'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MOVE', 'NOTIFY', 'OPTIONS', 'PATCH', 'POST', 'PROPFIND', 'PROPPATCH',
  'PURGE', 'PUT', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'SOURCE', 'SUBSCRIBE', 'TRACE', 'UNBIND', 'UNLINK',
  'UNLOCK', 'UNSUBSCRIBE'
] as const

/** One pattern of a route as find-my-way stores it. */
export interface PatternVariant {
  /** As given to find-my-way's `on()`, which normalises it again (it must not be normalised twice). */
  readonly path: string
  /** As find-my-way stores it: duplicate and trailing slashes dropped when the router ignores them. */
  readonly normalised: string
  /**
   * The identity of the pattern: the normalised form without parameter names, case-folded outside
   * regexes when the router is case-insensitive. Two routes with the same key match the same paths.
   * (find-my-way's own `findRoute()` cannot serve: it takes `/:a(^\d+$)` for `/:a(^[a-z]+$)` once both
   * exist, as both are stored under the pattern `/:()`.)
   */
  readonly key: string
  /**
   * The key without regexes: find-my-way stores `/:a(^\d+$)` and `/:a(^[a-z]+$)` as one pattern (`/:()`), and
   * refuses the second under a method that has the first.
   */
  readonly shape: string
}

// index.js: the same expressions, applied by `on()` before a pattern enters the tree.
const OPTIONAL_PARAM = /(\/:[^/()]*?)\?(\/?)/
const DUPLICATE_SLASHES = /\/\/+/g

/**
 * The patterns find-my-way makes of a route URL (index.js `on()`): an optional last parameter expands into
 * two patterns, each normalised as the router's options say.
 */
export function patternVariants (url: string, matching: MatchingOptions): PatternVariant[] {
  const paths = OPTIONAL_PARAM.test(url)
    ? [url.replace(OPTIONAL_PARAM, '$1$2'), url.replace(OPTIONAL_PARAM, '$2') || '/']
    : [url]
  return paths.map(path => {
    let normalised = path
    if (matching.ignoreDuplicateSlashes) normalised = normalised.replace(DUPLICATE_SLASHES, '/')
    if (matching.ignoreTrailingSlash && normalised.length > 1 && normalised.endsWith('/')) {
      normalised = normalised.slice(0, -1)
    }
    // find-my-way stores `*` as `/*`.
    if (normalised === '*') normalised = '/*'
    return { path, normalised, ...patternKey(normalised, matching.caseSensitive) }
  })
}

/**
 * See `PatternVariant.key` and `.shape`. A `::` is a literal colon; a name ends at `(`, `-`, `.` or `/`.
 * Built from slices and joined, so that the strings are flat: built a character at a time, each would be a
 * chain of string pieces that the first Map look-up of it must copy out, at start-up, for every pattern.
 */
function patternKey (pattern: string, caseSensitive: boolean): { key: string, shape: string } {
  const key: string[] = []
  const shape: string[] = []
  // Where the text not yet added starts: static segments, colons, and the parts between parameters.
  let text = 0
  const addText = (end: number): void => {
    const slice = pattern.slice(text, end)
    // One UTF-16 unit at a time: `toLowerCase()` of the whole text would fold a final sigma differently.
    const added = caseSensitive ? slice : slice.split('').map(unit => unit.toLowerCase()).join('')
    key.push(added)
    shape.push(added)
  }
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]
    if (char === ':' && pattern[i + 1] === ':') {
      i++
    } else if (char === ':') {
      addText(i + 1)
      while (i + 1 < pattern.length && !'(-./'.includes(pattern[i + 1] as string)) i++
      text = i + 1
    } else if (char === '(') {
      addText(i)
      const end = closingParenthesis(pattern, i)
      key.push(pattern.slice(i, end + 1))
      shape.push('()')
      i = end
      text = end + 1
    }
  }
  addText(pattern.length)
  return { key: key.join(''), shape: shape.join('') }
}

function closingParenthesis (pattern: string, open: number): number {
  let depth = 0
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++
    else if (pattern[i] === '(') depth++
    else if (pattern[i] === ')' && --depth === 0) return i
  }
  return pattern.length - 1
}

/**
 * How to ask `findRoute()` (and so Fastify's `hasRoute()`) about a pattern. find-my-way >= 9.10.2 normalises
 * the path there as `on()` does (duplicate and trailing slashes), so it must be given the pattern as
 * written: normalising twice turns `/a//` (stored as `/a/` when only trailing slashes are ignored) into
 * `/a`. Older versions compare the stored, normalised pattern. Probed once, on a router of that copy.
 */
export function findRoutePath (findMyWay: FindMyWay): (variant: PatternVariant) => string {
  const probe = findMyWay({ ignoreTrailingSlash: true }) as Router<undefined>
  probe.on('GET', '/a//', {}, noop, undefined)
  if (probe.findRoute('GET', '/a//') === null) return (variant) => variant.normalised
  // `on()` turns `*` into `/*` before it normalises; findRoute() does not.
  return (variant) => variant.path === '*' ? variant.normalised : variant.path
}

// find-my-way wants a handler; we only use the stores, and never route with our routers: it never runs.
/* c8 ignore next */
export const noop = (): void => {}
