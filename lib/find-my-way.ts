import FindMyWay from 'find-my-way'

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

const EMPTY_QUERY = Object.freeze({})
// We never read the query string: skip parsing it on every lookup.
const skipQuerystring = (): object => EMPTY_QUERY

export function createRouter<Store> (options: RouterOptions): Router<Store> {
  const constraints: Record<string, ConstraintStrategy> = {}
  // find-my-way writes `isCustom` onto the strategies it is given, and Fastify's copies are frozen.
  for (const [key, strategy] of Object.entries(options.constraints ?? {})) constraints[key] = { ...strategy }
  return FindMyWay({ ...options, constraints, querystringParser: skipQuerystring } as never) as unknown as Router<Store>
}
