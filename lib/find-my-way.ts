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

/**
 * The part of a find-my-way router we use. `constrainer` is not in find-my-way's types, but it is how
 * `lookup()` derives a request's constraints (find-my-way index.js `lookup`), and deriving them the same
 * way is what makes host, version and custom strategies agree with Fastify's routing.
 */
export interface Router<Store> {
  on: (method: string, path: string, opts: { constraints?: Constraints }, handler: () => void, store: Store) => void
  find: (method: string, path: string, constraints?: Constraints) => { store: Store } | null
  findRoute: (method: string, path: string, constraints?: Constraints) => { store: Store } | null
  constrainer: {
    strategies: Record<string, ConstraintStrategy | undefined>
    strategiesInUse: Set<string>
    asyncStrategiesInUse: Set<string>
    noteUsage: (constraints: Constraints) => void
    deriveConstraints: ((req: unknown) => Constraints | undefined) & ((req: unknown, ctx: undefined, done: DeriveCallback) => void)
  }
}

export interface RouterOptions {
  caseSensitive: boolean
  ignoreTrailingSlash: boolean
  ignoreDuplicateSlashes: boolean
  maxParamLength: number
  useSemicolonDelimiter: boolean
  allowUnsafeRegex: boolean
  constraints?: Record<string, ConstraintStrategy>
}

/** find-my-way's export: the router factory (index.js `Router`, callable without `new`). */
export type FindMyWay = (options: object) => unknown

const EMPTY_QUERY = Object.freeze({})
// We never read the query string: skip parsing it on every lookup.
const skipQuerystring = (): object => EMPTY_QUERY

export function createRouter<Store> (findMyWay: FindMyWay, options: RouterOptions): Router<Store> {
  const constraints: Record<string, ConstraintStrategy> = {}
  // find-my-way writes `isCustom` onto the strategies it is given, and Fastify's copies are frozen.
  for (const [key, strategy] of Object.entries(options.constraints ?? {})) constraints[key] = { ...strategy }
  return findMyWay({ ...options, constraints, querystringParser: skipQuerystring }) as Router<Store>
}

/**
 * The find-my-way that the app's Fastify loads (fastify lib/route.js `require('find-my-way')`), so that the
 * registry matches with the very code of the router it mirrors: a dependency of our own could resolve
 * another copy, in another version, beside Fastify's.
 */
export function loadFastifysFindMyWay (requireFromFastify: NodeJS.Require): FindMyWay {
  return requireFromFastify('find-my-way') as FindMyWay
}

/**
 * How to ask `findRoute()` (and so Fastify's `hasRoute()`) about a pattern. find-my-way >= 9.10.2 normalises
 * the path there as `on()` does (duplicate and trailing slashes), so it must be given the pattern as
 * written: normalising twice turns `/a//` (stored as `/a/` when only trailing slashes are ignored) into
 * `/a`. Older versions compare the stored, normalised pattern. Probed once, on a router of that copy.
 */
export function findRoutePath (findMyWay: FindMyWay): (variant: { path: string, normalised: string }) => string {
  const probe = findMyWay({ ignoreTrailingSlash: true }) as Router<undefined>
  probe.on('GET', '/a//', {}, noop, undefined)
  if (probe.findRoute('GET', '/a//') === null) return (variant) => variant.normalised
  // `on()` turns `*` into `/*` before it normalises; findRoute() does not.
  return (variant) => variant.path === '*' ? variant.normalised : variant.path
}

const noop = (): void => {}
