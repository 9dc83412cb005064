import type { FastifyInstance } from 'fastify'
import type { ConstraintStrategy } from './find-my-way.js'

/**
 * The find-my-way options that decide whether a request path matches a route pattern. Our own routers are
 * built with these so that they match exactly what Fastify's router matches.
 */
export interface MatchingOptions {
  caseSensitive: boolean
  ignoreTrailingSlash: boolean
  ignoreDuplicateSlashes: boolean
  maxParamLength: number
  useSemicolonDelimiter: boolean
  allowUnsafeRegex: boolean
  constraints: Record<string, ConstraintStrategy>
}

type ScalarOptions = Omit<MatchingOptions, 'constraints'>

/** find-my-way's defaults, which Fastify also fills into `initialConfig.routerOptions` when it is given. */
const DEFAULTS: Readonly<ScalarOptions> = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  maxParamLength: 100,
  useSemicolonDelimiter: false,
  allowUnsafeRegex: false
}

type Scalar = keyof ScalarOptions
type ConfigLike = Partial<Record<Scalar, unknown>> & { constraints?: unknown }

/**
 * Reads the router options Fastify really uses. Since v5.5 they may be given at the top level (deprecated,
 * FSTDEP022) or in `routerOptions`, and `routerOptions` wins key by key (fastify lib/route.js
 * `buildRouterOptions`). `initialConfig` shows the top-level values at its top level, and when
 * `routerOptions` was given, a copy of it with find-my-way's defaults filled in. A key present in both
 * is ambiguous only when `routerOptions` holds the default: then the top-level value is taken (the user
 * would not spell out a default to cancel a deprecated option; see README, "Router options").
 */
export function readMatchingOptions (fastify: FastifyInstance): MatchingOptions {
  const config = fastify.initialConfig as unknown as ConfigLike & { routerOptions?: ConfigLike }
  const router: ConfigLike = config.routerOptions ?? {}

  const pick = <K extends Scalar>(key: K): ScalarOptions[K] => {
    const fromRouter = router[key] as ScalarOptions[K] | undefined
    const fromTop = config[key] as ScalarOptions[K] | undefined
    if (fromRouter !== undefined && fromRouter !== DEFAULTS[key]) return fromRouter
    return fromTop ?? DEFAULTS[key]
  }

  // Strategies are frozen in initialConfig, and find-my-way writes `isCustom` onto the objects it is given:
  // each router of ours gets its own copies (see registry.ts).
  const constraints = (router.constraints ?? config.constraints ?? {}) as Record<string, ConstraintStrategy>

  return {
    caseSensitive: pick('caseSensitive'),
    ignoreTrailingSlash: pick('ignoreTrailingSlash'),
    ignoreDuplicateSlashes: pick('ignoreDuplicateSlashes'),
    maxParamLength: pick('maxParamLength'),
    useSemicolonDelimiter: pick('useSemicolonDelimiter'),
    allowUnsafeRegex: pick('allowUnsafeRegex'),
    constraints: { ...constraints }
  }
}
