import type { Static } from '@sinclair/typebox'
import { Type } from '../schemas/builders.js'

/** JSON Schema (TypeBox) of the 405 body Fastify's default error handler sends, for route docs. */
export const MethodNotAllowedSchema = Type.Object({
  statusCode: Type.Literal(405),
  code: Type.Literal('FST_ERR_METHOD_NOT_ALLOWED'),
  error: Type.Literal('Method Not Allowed'),
  message: Type.String()
}, { $id: 'MethodNotAllowed', description: 'RFC 9110 15.5.6: the method is not supported by the target resource; see the Allow header.' })

/** JSON Schema (TypeBox) of the 501 body Fastify's default error handler sends. */
export const NotImplementedSchema = Type.Object({
  statusCode: Type.Literal(501),
  code: Type.Literal('FST_ERR_NOT_IMPLEMENTED'),
  error: Type.Literal('Not Implemented'),
  message: Type.String()
}, { $id: 'NotImplemented', description: 'RFC 9110 15.6.2: the server does not support the request method for any resource.' })

export type MethodNotAllowedBody = Static<typeof MethodNotAllowedSchema>
export type NotImplementedBody = Static<typeof NotImplementedSchema>

export const methodNotAllowedMessage = (method: string, url: string): string => `Method ${method} is not allowed for ${url}`
export const notImplementedMessage = (method: string): string => `Method ${method} is not implemented by this server`

/** The 405 error, sent through Fastify's error path so that the app's error handler formats it. */
export interface MethodNotAllowedError extends Error {
  readonly name: 'MethodNotAllowedError'
  readonly statusCode: 405
  readonly code: 'FST_ERR_METHOD_NOT_ALLOWED'
  /** The methods of the `Allow` header sent with it. */
  readonly allowedMethods: string[]
}

/** The 501 error (RFC 9110 9.1: a method the server does not implement for any resource). */
export interface NotImplementedError extends Error {
  readonly name: 'NotImplementedError'
  readonly statusCode: 501
  readonly code: 'FST_ERR_NOT_IMPLEMENTED'
}

// These errors are answers to the client, not faults of the server: no stack is captured. They are built as
// @fastify/error builds its errors (index.js `createError`): objects on a prototype that inherits from
// `Error.prototype`, so that `instanceof Error` holds, without calling `Error()`, whose construction is most
// of the cost of an error on a path that should cost no more than Fastify's own 404. Their own enumerable
// fields are those a class with these fields would have, so loggers (pino's `err` serialiser) write the same.

type Fields<T> = { -readonly [K in keyof T]: T[K] }

/** A constructor of errors on `Error.prototype`, without `Error()`. */
function errorType<T extends Error, Args extends unknown[]> (
  name: T['name'], init: (error: Fields<T>, ...args: Args) => void
): new (...args: Args) => T {
  function ErrorType (this: Fields<T>, ...args: Args): void {
    init(this, ...args)
    this.name = name
    // The first line of V8's stack, as a stack-less Error has it.
    this.stack = `${name}: ${this.message}`
  }
  ErrorType.prototype = Object.create(Error.prototype, {
    constructor: { value: ErrorType, writable: true, configurable: true }
  })
  Object.defineProperty(ErrorType, 'name', { value: name })
  return ErrorType as unknown as new (...args: Args) => T
}

// eslint-disable-next-line @typescript-eslint/no-redeclare -- the type and its constructor share a name, as a class's do
export const MethodNotAllowedError = errorType<MethodNotAllowedError, [method: string, url: string, allowedMethods: readonly string[]]>(
  'MethodNotAllowedError', (error, method, url, allowedMethods) => {
    error.statusCode = 405
    error.code = 'FST_ERR_METHOD_NOT_ALLOWED'
    error.message = methodNotAllowedMessage(method, url)
    error.allowedMethods = [...allowedMethods]
  })

// eslint-disable-next-line @typescript-eslint/no-redeclare -- the type and its constructor share a name, as a class's do
export const NotImplementedError = errorType<NotImplementedError, [method: string]>(
  'NotImplementedError', (error, method) => {
    error.statusCode = 501
    error.code = 'FST_ERR_NOT_IMPLEMENTED'
    error.message = notImplementedMessage(method)
  })
