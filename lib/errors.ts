import type { Static } from '@sinclair/typebox'
import { Type } from './schema-builders.js'

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

/**
 * The 405 error, sent through Fastify's error path so that the app's error handler formats it. Fastify's
 * default handler turns it into `{ statusCode, code, error, message }`.
 */
export class MethodNotAllowedError extends Error {
  readonly statusCode = 405
  readonly code = 'FST_ERR_METHOD_NOT_ALLOWED'
  /** The methods of the `Allow` header sent with it. */
  readonly allowedMethods: string[]

  constructor (method: string, url: string, allowedMethods: readonly string[]) {
    super(methodNotAllowedMessage(method, url))
    this.name = 'MethodNotAllowedError'
    this.allowedMethods = [...allowedMethods]
  }
}

/** The 501 error (RFC 9110 9.1: a method the server does not implement for any resource). */
export class NotImplementedError extends Error {
  readonly statusCode = 501
  readonly code = 'FST_ERR_NOT_IMPLEMENTED'

  constructor (method: string) {
    super(notImplementedMessage(method))
    this.name = 'NotImplementedError'
  }
}

/**
 * Builds an error without capturing a stack trace. These errors are answers to the client, not faults of
 * the server, and capturing a stack on every rejected request is the largest cost of sending an error on a
 * path that should cost no more than Fastify's own 404 (V8 captures the stack when the error is built).
 */
export function withoutStack<T> (create: () => T): T {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return create()
  } finally {
    Error.stackTraceLimit = limit
  }
}
