import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'

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

const requireHere = createRequire(import.meta.url)
const FASTIFY_MAIN = `${sep}fastify${sep}fastify.js`

/**
 * The find-my-way that the app's Fastify loads (fastify lib/route.js `require('find-my-way')`), so that the
 * registry matches with the very code of the router it mirrors: a package of its own could resolve another
 * copy, in another version, beside Fastify's. The app's Fastify is the copy already loaded whose version is
 * `fastifyVersion` (`fastify.version`), the one this package resolves as its peer dependency first; it is
 * found through Node's CommonJS module cache, where Fastify (a CommonJS package) is, however it was imported.
 * @throws Error when no loaded Fastify has that version (e.g. Fastify bundled into one file).
 */
export function loadFastifysFindMyWay (fastifyVersion: string): FindMyWay {
  const loaded = Object.keys(requireHere.cache).filter(file => file.endsWith(FASTIFY_MAIN))
  const ours = resolveOrUndefined('fastify')
  const candidates = ours !== undefined && loaded.includes(ours) ? [ours, ...loaded.filter(file => file !== ours)] : loaded
  const main = candidates.find(file => versionOf(file) === fastifyVersion)
  if (main === undefined) {
    throw new Error(`fastify-allowed-methods: cannot find the files of the Fastify ${fastifyVersion} that runs this app ` +
      `(loaded: ${loaded.map(file => `${versionOf(file)} at ${dirname(file)}`).join(', ') || 'none'}). The plugin ` +
      "matches with Fastify's own find-my-way and must load it from Fastify's package: install Fastify as a " +
      'package (not bundled into the app) where this plugin can see it.')
  }
  return createRequire(main)('find-my-way') as FindMyWay
}

function resolveOrUndefined (id: string): string | undefined {
  try {
    return requireHere.resolve(id)
  } catch {
    return undefined
  }
}

const versionOf = (fastifyMain: string): unknown =>
  (requireHere(join(dirname(fastifyMain), 'package.json')) as { version?: unknown }).version
