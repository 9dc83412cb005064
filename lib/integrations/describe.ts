import { Type } from '../schemas/builders.js'
import type { StaticOf } from '../schemas/types.js'
import type { RouteRecord } from '../lookup/registry.js'
import type { MediaTypes } from './media-types.js'

const JsonSchema = Type.Unknown({ description: 'A JSON Schema, as the route declares it' })

/** What one method of a resource declares in its route schema. */
export const MethodDescriptionSchema = Type.Object({
  summary: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
  params: Type.Optional(JsonSchema),
  querystring: Type.Optional(JsonSchema),
  headers: Type.Optional(JsonSchema),
  body: Type.Optional(JsonSchema),
  response: Type.Optional(Type.Record(Type.String(), JsonSchema)),
  accepts: Type.Optional(Type.Array(Type.String(), {
    description: 'The media types the request content may use (RFC 9110 8.3.1), from the content-type parsers ' +
      "Fastify runs for the route; '*/*' for a catch-all parser. For POST, PUT, PATCH and QUERY."
  }))
}, { additionalProperties: false })

/**
 * The body of an OPTIONS answer under `describeOptions`: the allowed methods, what each declares, and the
 * shared schemas (`fastify.addSchema`) those declarations reference, by `$id`, so that every `$ref` in
 * the body stays resolvable within it.
 */
export const OptionsDescriptionSchema = Type.Object({
  allow: Type.Array(Type.String()),
  methods: Type.Record(Type.String(), MethodDescriptionSchema),
  schemas: Type.Record(Type.String(), JsonSchema)
}, { $id: 'OptionsDescription', additionalProperties: false })

export type MethodDescription = StaticOf<typeof MethodDescriptionSchema>
export type OptionsDescription = StaticOf<typeof OptionsDescriptionSchema>

const DESCRIBED = ['summary', 'description', 'tags', 'params', 'querystring', 'headers', 'body', 'response'] as const

/** A route that serves a method of the resource, and what its request content may be. */
export interface DescribedRoute { readonly route: RouteRecord, readonly mediaTypes: MediaTypes | undefined }

/**
 * Describes a resource from the routes that serve it. Hidden routes (`schema.hide`, the @fastify/swagger
 * convention) are listed in `allow` but never described.
 */
export function describeResource (allow: readonly string[], routes: readonly DescribedRoute[]): OptionsDescription {
  const methods: Record<string, MethodDescription> = {}
  const schemas: Record<string, unknown> = {}
  for (const { route, mediaTypes } of routes) {
    const schema = route.schema ?? {}
    if (schema.hide === true) continue
    const description: Record<string, unknown> = {}
    for (const key of DESCRIBED) if (schema[key] !== undefined) description[key] = schema[key]
    if (mediaTypes !== undefined && mediaTypes.listed.length > 0) description.accepts = mediaTypes.listed
    methods[route.method] = description as MethodDescription
    collectReferences(description, route.sharedSchemas(), schemas)
  }
  return { allow: [...allow], methods, schemas }
}

/** Adds to `into` every shared schema that `value` references with `$ref`, transitively. */
function collectReferences (value: unknown, shared: Record<string, unknown>, into: Record<string, unknown>): void {
  if (typeof value !== 'object' || value === null) return
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, shared, into)
    return
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string') {
      // `User#/properties/name` refers to the shared schema `User`; `#/...` is local to its document.
      const id = item.replace(/#.*/s, '')
      const target = shared[id]
      if (id !== '' && target !== undefined && !(id in into)) {
        into[id] = target
        collectReferences(target, shared, into)
      }
    } else {
      collectReferences(item, shared, into)
    }
  }
}

/**
 * Whether an `Accept` header admits `application/json` (RFC 9110 12.5.1): through `application/json`,
 * `application/*` or the full wildcard (star, slash, star) with a non-zero weight. A request without `Accept`
 * did not ask for a body, so it gets none (the plain OPTIONS answer).
 */
export function acceptsJson (accept: string | undefined): boolean {
  if (accept === undefined) return false
  for (const range of accept.split(',')) {
    const [type = '', ...parameters] = range.split(';').map(part => part.trim().toLowerCase())
    if (type !== 'application/json' && type !== 'application/*' && type !== '*/*') continue
    const weight = parameters.find(parameter => parameter.startsWith('q='))
    if (weight === undefined || Number(weight.slice(2)) > 0) return true
  }
  return false
}
