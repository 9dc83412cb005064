// The media types a route's request content may use, as the OPTIONS answer names them: from the content-type
// parsers Fastify runs for that route (internals/fastify.ts `requestContentTypes`), in the syntax of each field.

/** What Fastify's parsers of a route accept: media types as Fastify normalised them, and a catch-all parser. */
export interface ContentTypes {
  /** `type/subtype`, then `; name="value"` per parameter (fastify lib/content-type.js `toString`). */
  readonly types: readonly string[]
  /** A parser for any content type (`addContentTypeParser('*', …)`). */
  readonly anyType: boolean
}

/** The media types of one route, written once at startup for each place they appear. */
export interface MediaTypes {
  /**
   * RFC 9110 8.3.1 media types, sorted, the full range (star, slash, star) last for a catch-all parser: the
   * `describeOptions` list.
   */
  readonly listed: readonly string[]
  /** The `Accept-Patch` value (RFC 5789 3.1), or undefined when no media type can be named. */
  readonly acceptPatch: string | undefined
  /** The `Accept-Query` value (RFC 10008 3), or undefined when no media type can be named. */
  readonly acceptQuery: string | undefined
}

interface MediaType { readonly essence: string, readonly parameters: ReadonlyArray<readonly [string, string]> }

// RFC 9110 5.6.2: token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// RFC 9651 3.3.4: sf-token; 3.1.2: key.
const SF_TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/
const SF_KEY = /^[a-z*][a-z0-9_\-.*]*$/
// RFC 9651 3.3.3: an sf-string holds printable ASCII only.
const PRINTABLE = /^[\x20-\x7e]*$/
const ANY = '*/*'

/**
 * Reads one of Fastify's normalised media types. Its parameter values are written between quotes without
 * escaping (lib/content-type.js): one holding a quote cannot be read back exactly, and is not named.
 */
function parse (normalised: string): MediaType | undefined {
  const end = normalised.indexOf(';')
  const essence = end === -1 ? normalised : normalised.slice(0, end)
  const parameters: Array<[string, string]> = []
  const parameter = /; ([^=]+)="([^"]*)"/y
  parameter.lastIndex = essence.length
  while (parameter.lastIndex < normalised.length) {
    const match = parameter.exec(normalised)
    if (match === null) return undefined
    parameters.push([match[1] as string, match[2] as string])
  }
  return PRINTABLE.test(normalised) ? { essence, parameters } : undefined
}

/** A quoted value, with `"` and `\` escaped: RFC 9110 5.6.4's quoted-string, RFC 9651 3.3.3's sf-string. */
const quoted = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`

/** RFC 9110 5.6.4: a parameter value as a token, or else a quoted-string. */
const httpValue = (value: string): string => TOKEN.test(value) ? value : quoted(value)

/** RFC 9110 8.3.1: `type/subtype;name=value`. */
const httpMediaType = ({ essence, parameters }: MediaType): string =>
  essence + parameters.map(([name, value]) => `; ${name}=${httpValue(value)}`).join('')

/** RFC 9651 3.3.3 and 3.3.4: a bare item as a Token, or else a String. */
const sfBareItem = (value: string): string => SF_TOKEN.test(value) ? value : quoted(value)

/**
 * RFC 10008 3: a media range as a Structured Field item, its parameters as the item's parameters; undefined
 * for a parameter name that is no Structured Field key (RFC 9651 3.1.2 allows lowercase letters, digits and
 * `_-.*` only).
 */
function sfMediaType ({ essence, parameters }: MediaType): string | undefined {
  if (!parameters.every(([name]) => SF_KEY.test(name))) return undefined
  return sfBareItem(essence) + parameters.map(([name, value]) => `;${name}=${sfBareItem(value)}`).join('')
}

const list = (items: ReadonlyArray<string | undefined>): string | undefined => {
  const named = items.filter(item => item !== undefined)
  return named.length === 0 ? undefined : named.join(', ')
}

/**
 * Writes a route's content types for the OPTIONS answer. A catch-all parser accepts any media type: the full range
 * (star, slash, star; a media range: RFC 10008 3 allows ranges, and in RFC 5789's `media-type` grammar `*` is a token
 * character). Parsers registered with a RegExp match types no list can name: they are left out.
 */
export function mediaTypesOf ({ types, anyType }: ContentTypes): MediaTypes {
  // Fastify lists each type once: `add` refuses one already there.
  const parsed = [...types].sort().map(parse).filter(type => type !== undefined)
  if (anyType) parsed.push({ essence: ANY, parameters: [] })
  const listed = parsed.map(httpMediaType)
  return Object.freeze({
    listed: Object.freeze(listed),
    acceptPatch: list(listed),
    acceptQuery: list(parsed.map(sfMediaType))
  })
}

/** The media types of a method's routes: by route context, and for the method when all its routes agree. */
export interface MediaTypeIndex {
  readonly byContext: Map<object, MediaTypes>
  readonly byMethod: Map<string, MediaTypes>
}

/**
 * Reads the media types of the routes of each method (`read` from Fastify's route contexts). Routes that
 * accept the same types share one value; where every route of a method does (no plugin context adds a
 * parser), the method's own value answers without asking which route a URL runs.
 */
export function indexMediaTypes (
  contexts: ReadonlyMap<string, ReadonlySet<object>>, read: (context: object) => MediaTypes
): MediaTypeIndex {
  const byContext = new Map<object, MediaTypes>()
  const byMethod = new Map<string, MediaTypes>()
  const shared = new Map<string, MediaTypes>()
  for (const [method, routes] of contexts) {
    const values = new Set<MediaTypes>()
    for (const context of routes) {
      let types = byContext.get(context)
      if (types === undefined) {
        const own = read(context)
        const key = own.listed.join('\n')
        types = shared.get(key) ?? own
        shared.set(key, types)
        byContext.set(context, types)
      }
      values.add(types)
    }
    if (values.size === 1) byMethod.set(method, values.values().next().value as MediaTypes)
  }
  return { byContext, byMethod }
}

/** The response fields that name the media types a method's request content may use, by method. */
export const ACCEPT_FIELDS = [
  ['PATCH', 'accept-patch', 'acceptPatch'],
  ['QUERY', 'accept-query', 'acceptQuery']
] as const

/**
 * The methods whose content describeOptions describes: those whose content the method's semantics are
 * about (RFC 9110 9.3.3 POST, 9.3.4 PUT, RFC 5789 PATCH, RFC 10008 QUERY). DELETE's and OPTIONS' content
 * has no defined semantics (RFC 9110 9.3.5, 9.3.7), though Fastify parses it.
 */
const DESCRIBED_CONTENT = ['PATCH', 'POST', 'PUT', 'QUERY']

/** The methods whose routes' media types the OPTIONS answer names, under these options. */
export function contentMethods (
  options: { autoOptions: boolean, describeOptions: boolean, requestMediaTypes: boolean }
): ReadonlySet<string> {
  if (!options.autoOptions || !options.requestMediaTypes) return new Set()
  return new Set(options.describeOptions ? DESCRIBED_CONTENT : ACCEPT_FIELDS.map(([method]) => method))
}
