import { createError } from '@fastify/error'
import { Type } from '../schemas/builders.js'
import type { StaticOf } from '../schemas/types.js'

/** JSON Schema (TypeBox) of the 405 body Fastify's default error handler sends, for route docs. */
export const MethodNotAllowedSchema = Type.Object({
  statusCode: Type.Literal(405),
  code: Type.Literal('FST_ERR_METHOD_NOT_ALLOWED'),
  error: Type.Literal('Method Not Allowed'),
  message: Type.String()
}, {
  $id: 'MethodNotAllowed',
  description: 'RFC 9110 15.5.6: the method is not supported by the target resource; see the Allow header.'
})

/** JSON Schema (TypeBox) of the 501 body Fastify's default error handler sends. */
export const NotImplementedSchema = Type.Object({
  statusCode: Type.Literal(501),
  code: Type.Literal('FST_ERR_NOT_IMPLEMENTED'),
  error: Type.Literal('Not Implemented'),
  message: Type.String()
}, {
  $id: 'NotImplemented',
  description: 'RFC 9110 15.6.2: the server does not support the request method for any resource.'
})

export type MethodNotAllowedBody = StaticOf<typeof MethodNotAllowedSchema>
export type NotImplementedBody = StaticOf<typeof NotImplementedSchema>

export const methodNotAllowedMessage = (method: string, url: string): string =>
  `Method ${method} is not allowed for ${url}`
export const notImplementedMessage = (method: string): string => `Method ${method} is not implemented by this server`

// These errors are answers to the client, not faults of the server: @fastify/error builds them without
// capturing a stack (its `captureStackTrace` argument, honoured from 4.1.0) and without calling `Error()`,
// whose construction is most of the cost of an error on a path that should cost no more than Fastify's own
// 404. Their messages come whole from the functions above, which the direct path in responses.ts shares, and
// are set after @fastify/error's constructor, which would pass them through `util.format` for nothing.
// Each class adds its name, on its errors and on itself (a minifier renames classes, and pino's `err`
// serialiser logs the constructor's name as `type`), the first line of V8's stack as a stack-less Error has
// it, and `Error`'s string form ("Name: message") in place of @fastify/error's "Name [CODE]: message".

/** Names the class `Type` `name` and gives its errors `Error`'s string form. */
function nameErrors (Type: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(Type, 'name', { value: name })
  Object.defineProperty(Type.prototype, 'toString',
    { value: Error.prototype.toString, writable: true, configurable: true })
}

/** Gives `error` its class's name and the one-line stack of an Error that captured none. */
function settle (error: Error, name: string): void {
  error.name = name
  error.stack = `${name}: ${error.message}`
}

/** The 405 error, sent through Fastify's error path so that the app's error handler formats it. */
export class MethodNotAllowedError extends createError<'FST_ERR_METHOD_NOT_ALLOWED', 405, []>(
  'FST_ERR_METHOD_NOT_ALLOWED', '%s', 405, Error, false
) {
  declare readonly name: 'MethodNotAllowedError'
  declare readonly statusCode: 405
  declare readonly code: 'FST_ERR_METHOD_NOT_ALLOWED'
  /** The methods of the `Allow` header sent with it. */
  readonly allowedMethods: string[]

  constructor (method: string, url: string, allowedMethods: readonly string[]) {
    super()
    this.message = methodNotAllowedMessage(method, url)
    this.allowedMethods = [...allowedMethods]
    settle(this, 'MethodNotAllowedError')
  }

  static {
    nameErrors(this, 'MethodNotAllowedError')
  }
}

/** The 501 error (RFC 9110 9.1: a method the server does not implement for any resource). */
export class NotImplementedError extends createError<'FST_ERR_NOT_IMPLEMENTED', 501, []>(
  'FST_ERR_NOT_IMPLEMENTED', '%s', 501, Error, false
) {
  declare readonly name: 'NotImplementedError'
  declare readonly statusCode: 501
  declare readonly code: 'FST_ERR_NOT_IMPLEMENTED'

  constructor (method: string) {
    super()
    this.message = notImplementedMessage(method)
    settle(this, 'NotImplementedError')
  }

  static {
    nameErrors(this, 'NotImplementedError')
  }
}
