import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { Type } from './schemas/builders.js'
import { firstInvalidProperty } from './schemas/check.js'
import type { BooleanSchema, FunctionSchema, Schema } from './schemas/types.js'

/** Options of fastify-allowed-methods. */
export interface FastifyAllowedMethodsOptions {
  /**
   * Answer OPTIONS for every known URL that has no OPTIONS route of its own: `Allow`, no body, with the
   * status `optionsStatus` says. `OPTIONS *` gets the union of the app's methods.
   * @default true
   */
  autoOptions?: boolean
  /**
   * The status of the automatic OPTIONS answer (and of `OPTIONS *`'s): 200 with `Content-Length: 0`
   * (RFC 9110 9.3.7), or 204 No Content, which carries no Content-Length (RFC 9110 8.6). A described answer
   * (`describeOptions`) has content: it stays 200.
   * @default 200
   */
  optionsStatus?: 200 | 204
  /**
   * Answer 501 Not Implemented to a method that no route of the app serves, whatever the URL (RFC 9110 9.1).
   * @default false
   */
  notImplemented?: boolean
  /**
   * `Cache-Control` value for 405 responses, which are cacheable by default (RFC 9110 15.5.6), e.g. `'no-store'`.
   * @default undefined (no header)
   */
  cacheControl?: string
  /** The app's not-found handler, for real 404s (Fastify's own 404 when not given). */
  notFound?: (request: FastifyRequest, reply: FastifyReply) => unknown
  /**
   * Narrows every `Allow` computed for a request (405, OPTIONS, `reply.methodNotAllowed()`, `allowOnSuccess`),
   * e.g. to the methods the caller's credentials permit. Gets the sorted methods; returns those to keep, or a
   * Promise of them (a permission look-up), whose rejection goes to the app's error handler. Answers computed
   * through it depend on the caller: they carry `Vary: *` (or `Vary` with the `vary` option's headers).
   */
  filterAllowed?: (
    request: FastifyRequest, methods: readonly string[]
  ) => readonly string[] | PromiseLike<readonly string[]>
  /**
   * The request headers `filterAllowed` (and any custom constraint strategy) reads, e.g. `['authorization']`.
   * Answers that depend on the caller then carry `Vary` with these headers, so that a shared cache may store
   * them per caller, instead of `Vary: *`, which no cache ever reuses.
   * @default undefined (`Vary: *`)
   */
  vary?: string[]
  /**
   * When `filterAllowed` leaves a caller no method for a URL, answer that caller with the app's 404, for every
   * method including OPTIONS, as if the resource did not exist (GitHub's answer for a private repository).
   * @default false
   */
  notFoundWhenEmpty?: boolean
  /**
   * Under the automatic OPTIONS answer, to a client whose `Accept` admits `application/json`, send a JSON
   * body describing the resource: for each allowed method, what its route's schema declares.
   * @default false
   */
  describeOptions?: boolean
  /**
   * Send `Allow` on every response of a matched route (RFC 9110 10.2.1): the value a 405 would carry.
   * It adds an `onRequest` hook to every route of the registry; off, matched routes pay nothing.
   * @default false
   */
  allowOnSuccess?: boolean
  /**
   * The name of the reply decorator that sends a 405 from a handler, or `false` for none. @fastify/sensible
   * decorates `reply.methodNotAllowed()` too (a 405 without `Allow`): with it, choose another name. Declare
   * it to TypeScript under the name chosen with the exported type `FastifyAllowedMethodsReply`.
   * @default 'methodNotAllowed'
   */
  replyDecorator?: string | false
  /**
   * Decides for every route whether it enters the registry. A route's `config.allowedMethods`, when set,
   * decides for that route instead.
   * @default () => true
   */
  includeRoute?: (route: RouteOptions) => boolean
  /**
   * Send the 405 and 501 bodies as RFC 9457 problem details (`application/problem+json`): `type`, `title`,
   * `status`, `detail`, `instance`, and for the 405 `allowedMethods`, the methods of `Allow`. Only where
   * the plugin formats the body: an error handler of the app's still receives the error and formats it.
   * @default false
   */
  problemDetails?: boolean
  /**
   * Name the media types a route's request content may use, from the content-type parsers Fastify runs for
   * that route (its plugin context's: `application/json`, `text/plain` and every `addContentTypeParser`),
   * in the automatic OPTIONS answer: `Accept-Patch` where PATCH is allowed (RFC 5789 3.1), `Accept-Query`
   * where QUERY is (RFC 10008 3), and under `describeOptions` each POST, PUT, PATCH and QUERY's `accepts`.
   * @default true
   */
  requestMediaTypes?: boolean
  /**
   * Whose guards run before the plugin answers 405, OPTIONS or 501. `'resource'`: the not-found context's
   * preValidation and preHandler hooks, and the onRequest, preValidation and preHandler hooks of the routes
   * that make the URL known, so a caller learns only the methods whose routes' guards let it through.
   * `'not-found'`: the not-found context's only. `'none'`: none (an MCP endpoint's 405 comes before its auth).
   * @default 'resource'
   */
  guards?: GuardsOption
  /**
   * After an answer sent before a large or chunked request body is read (405, 501, OPTIONS), the connection
   * closes: the plugin reads and discards what the client still sends for at most this many milliseconds,
   * so that the client reads the answer before the close, then closes it.
   * @default 2000
   */
  lingerTime?: number
  /** The most bytes read and discarded so (see `lingerTime`). @default 16777216 (16 MiB) */
  lingerBytes?: number
  /**
   * Build the plugin's registry of routes at its first use rather than at `ready()`: the first request
   * Fastify's router does not match, the first `allowedMethods()` call or, under `allowOnSuccess`, the first
   * request. `ready()` then pays only for recording the routes, as a serverless cold start wants; that first
   * use pays for the build, and a route table the plugin cannot serve fails there (each use answers with the
   * error) instead of failing `ready()`.
   * @default false
   */
  lazy?: boolean
}

/** See `FastifyAllowedMethodsOptions.guards`. */
export type GuardsOption = 'resource' | 'not-found' | 'none'

/** The options after validation and defaults: never the caller's object. */
export type NormalisedOptions = ReturnType<typeof normaliseOptions>

// TypeBox checks a Function schema with `typeof value === 'function'`; arity and types are the .d.ts's job.
const callback = (): Schema => Type.Function([], Type.Unknown())

/** The registration options, as a schema: the source of the validation below. */
export const OptionsSchema = Type.Object({
  autoOptions: Type.Optional(Type.Boolean()),
  optionsStatus: Type.Optional(Type.Union([Type.Literal(200), Type.Literal(204)])),
  notImplemented: Type.Optional(Type.Boolean()),
  // A header value: visible ASCII and spaces only, so that setting it can never throw per request.
  cacheControl: Type.Optional(Type.String({ pattern: '^[\\x20-\\x7e]+$' })),
  notFound: Type.Optional(callback()),
  filterAllowed: Type.Optional(callback()),
  // Header names (RFC 9110 5.1: tokens), listed once each.
  vary: Type.Optional(
    Type.Array(Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" }), { minItems: 1, uniqueItems: true })),
  notFoundWhenEmpty: Type.Optional(Type.Boolean()),
  includeRoute: Type.Optional(callback()),
  describeOptions: Type.Optional(Type.Boolean()),
  allowOnSuccess: Type.Optional(Type.Boolean()),
  replyDecorator: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z_$][\\w$]*$' }), Type.Literal(false)])),
  problemDetails: Type.Optional(Type.Boolean()),
  requestMediaTypes: Type.Optional(Type.Boolean()),
  guards: Type.Optional(Type.Union([Type.Literal('resource'), Type.Literal('not-found'), Type.Literal('none')])),
  lingerTime: Type.Optional(Type.Integer({ minimum: 0 })),
  lingerBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  lazy: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

export const PACKAGE = 'fastify-allowed-methods'

/** `value` as an error message shows it: JSON, or its type when JSON has none (a function) or fails (a BigInt). */
export function shown (value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value
  } catch {
    return typeof value
  }
}

/**
 * Validates the registration options against `OptionsSchema` and applies the defaults; its result's type is
 * `NormalisedOptions`, so that an option is named in the public interface, the schema and here, nowhere else.
 * @throws TypeError naming the package and the first offending option.
 */
export function normaliseOptions (options: unknown) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${PACKAGE}: options must be an object`)
  }
  // Fastify reads `prefix`, `logLevel` and `logSerializers` from every plugin's options: not ours to reject.
  const own = Object.fromEntries(Object.entries(options).filter(([key]) => KNOWN.has(key) || !FASTIFY_KEYS.has(key)))
  const name = firstInvalidProperty(OptionsSchema, own)
  if (name !== undefined) {
    throw new TypeError(KNOWN.has(name)
      ? `${PACKAGE}: option "${name}" ${describe(name)}, got ${shown(own[name])}`
      : `${PACKAGE}: unknown option "${name}" (known: ${[...KNOWN].join(', ')})`)
  }
  const valid = own as FastifyAllowedMethodsOptions
  return Object.freeze({
    autoOptions: valid.autoOptions ?? true,
    optionsStatus: valid.optionsStatus ?? 200,
    notImplemented: valid.notImplemented ?? false,
    cacheControl: valid.cacheControl,
    notFound: valid.notFound,
    filterAllowed: valid.filterAllowed,
    vary: valid.vary === undefined ? undefined : Object.freeze([...valid.vary]),
    notFoundWhenEmpty: valid.notFoundWhenEmpty ?? false,
    includeRoute: valid.includeRoute ?? (() => true),
    describeOptions: valid.describeOptions ?? false,
    allowOnSuccess: valid.allowOnSuccess ?? false,
    replyDecorator: valid.replyDecorator ?? 'methodNotAllowed',
    problemDetails: valid.problemDetails ?? false,
    requestMediaTypes: valid.requestMediaTypes ?? true,
    guards: valid.guards ?? 'resource',
    lingerTime: valid.lingerTime ?? 2000,
    lingerBytes: valid.lingerBytes ?? 16 * 1024 * 1024,
    lazy: valid.lazy ?? false
  })
}

const KNOWN = new Set(Object.keys(OptionsSchema.properties))
const FASTIFY_KEYS = new Set(['prefix', 'logLevel', 'logSerializers'])

function describe (name: string): string {
  if (name === 'cacheControl') return 'must be a non-empty header value (printable ASCII)'
  if (name === 'replyDecorator') return 'must be a method name or false'
  if (name === 'optionsStatus') return 'must be 200 or 204'
  if (name === 'guards') return 'must be "resource", "not-found" or "none"'
  if (name === 'lingerTime' || name === 'lingerBytes') return 'must be a whole number, 0 or more'
  if (name === 'vary') return 'must be a non-empty list of distinct request header names'
  const schema = OptionsSchema.properties[name as keyof typeof OptionsSchema.properties] as
    BooleanSchema | FunctionSchema<[], Schema>
  return schema.type === 'boolean' ? 'must be a boolean' : 'must be a function'
}
