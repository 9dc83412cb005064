// The `problemDetails` bodies: RFC 9457 problem details for the 405 and the 501, as the plugin sends them
// when no error handler of the app's formats the error.
import type { Static } from '@sinclair/typebox'
import { Type } from './schema-builders.js'
import { methodNotAllowedMessage, notImplementedMessage } from './errors.js'

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
}, { $id: 'MethodNotAllowedProblem', description: 'RFC 9457 problem details of a 405 (RFC 9110 15.5.6); allowedMethods, an extension member (RFC 9457 3.2), lists the methods of the Allow header.' })

/** JSON Schema (TypeBox) of the 501 body sent with `problemDetails`. */
export const NotImplementedProblemSchema = Type.Object({
  type: Type.Literal(NOT_IMPLEMENTED_TYPE),
  title: Type.Literal('Not Implemented'),
  status: Type.Literal(501),
  detail: Type.String(),
  instance: Type.String()
}, { $id: 'NotImplementedProblem', description: 'RFC 9457 problem details of a 501 (RFC 9110 15.6.2): the server does not support the request method for any resource.' })

export type MethodNotAllowedProblem = Static<typeof MethodNotAllowedProblemSchema>
export type NotImplementedProblem = Static<typeof NotImplementedProblemSchema>

/** The 405 body; `url` is the request's target as received (RFC 9457 3.1.5: `instance`). */
export const methodNotAllowedProblem = (method: string, url: string, methods: readonly string[]): MethodNotAllowedProblem => ({
  type: METHOD_NOT_ALLOWED_TYPE,
  title: 'Method Not Allowed',
  status: 405,
  detail: methodNotAllowedMessage(method, url),
  instance: url,
  // Only read, by the serialiser: no copy.
  allowedMethods: methods as string[]
})

/** The 501 body. */
export const notImplementedProblem = (method: string, url: string): NotImplementedProblem => ({
  type: NOT_IMPLEMENTED_TYPE,
  title: 'Not Implemented',
  status: 501,
  detail: notImplementedMessage(method),
  instance: url
})
