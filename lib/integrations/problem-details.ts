// The `problemDetails` bodies: RFC 9457 problem details for the 405 and the 501, as the plugin sends them
// when no error handler of the app's formats the error.
import { Type } from '../schemas/builders.js'
import type { StaticOf } from '../schemas/types.js'
import { methodNotAllowedMessage, notImplementedMessage } from '../respond/errors.js'

// RFC 9457 3.1.1: `type` is a URI that documents the problem type. Not `about:blank`: that type means "no
// more than the status code" (4.2.1), and the 405's body carries an extension member.
const METHOD_NOT_ALLOWED_TYPE = 'https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6'
const NOT_IMPLEMENTED_TYPE = 'https://www.rfc-editor.org/rfc/rfc9110#section-15.6.2'

/** RFC 9457 3: the media type of a problem details object in JSON. */
export const PROBLEM_JSON = 'application/problem+json; charset=utf-8'

/** JSON Schema (TypeBox) of the 405 body sent with `problemDetails`. */
export const MethodNotAllowedProblemSchema = Type.Object({
  type: Type.Literal(METHOD_NOT_ALLOWED_TYPE),
  title: Type.Literal('Method Not Allowed'),
  status: Type.Literal(405),
  detail: Type.String(),
  instance: Type.String(),
  allowedMethods: Type.Array(Type.String())
}, {
  $id: 'MethodNotAllowedProblem',
  description: 'RFC 9457 problem details of a 405 (RFC 9110 15.5.6); allowedMethods, an extension member ' +
    '(RFC 9457 3.2), lists the methods of the Allow header.'
})

/** JSON Schema (TypeBox) of the 501 body sent with `problemDetails`. */
export const NotImplementedProblemSchema = Type.Object({
  type: Type.Literal(NOT_IMPLEMENTED_TYPE),
  title: Type.Literal('Not Implemented'),
  status: Type.Literal(501),
  detail: Type.String(),
  instance: Type.String()
}, {
  $id: 'NotImplementedProblem',
  description: 'RFC 9457 problem details of a 501 (RFC 9110 15.6.2): the server does not support the request ' +
    'method for any resource.'
})

export type MethodNotAllowedProblem = StaticOf<typeof MethodNotAllowedProblemSchema>
export type NotImplementedProblem = StaticOf<typeof NotImplementedProblemSchema>

// RFC 9457 3.1.5: `instance` is a URI reference (RFC 3986 4.1). A request target may carry characters that
// none may: Node's parser takes < > " \ { } | ^ ` # [ ] raw, and an app's `rewriteUrl` may return any text.
// Kept as they are: unreserved (RFC 3986 2.3), sub-delims (2.2), ":" and "@" (pchar, 3.3), "/" and "?" (path
// and query, 3.3, 3.4), and "%" starting a pct-encoded triplet (2.1). Anything else, a lone "%" included,
// is percent-encoded as UTF-8 (2.1, 2.5); with the `u` flag, one match is one code point.
const NOT_IN_URI = /[^\w.~!$&'()*+,;=:@/?%-]|%(?![\dA-Fa-f]{2})/gu

const percentEncoded = (char: string): string =>
  Array.from(Buffer.from(char), byte => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')

/** `url` as a URI reference: itself, unless it holds a character no URI may (then encoded). */
const uriReference = (url: string): string =>
  url.search(NOT_IN_URI) === -1 ? url : url.replace(NOT_IN_URI, percentEncoded)

/** The 405 body; `url` is the request's target as received, whose URI reference is `instance` (RFC 9457 3.1.5). */
export const methodNotAllowedProblem = (
  method: string, url: string, methods: readonly string[]
): MethodNotAllowedProblem => ({
  type: METHOD_NOT_ALLOWED_TYPE,
  title: 'Method Not Allowed',
  status: 405,
  detail: methodNotAllowedMessage(method, url),
  instance: uriReference(url),
  // Only read, by the serialiser: no copy.
  allowedMethods: methods as string[]
})

export const notImplementedProblem = (method: string, url: string): NotImplementedProblem => ({
  type: NOT_IMPLEMENTED_TYPE,
  title: 'Not Implemented',
  status: 501,
  detail: notImplementedMessage(method),
  instance: uriReference(url)
})
