import type { FastifyReply } from 'fastify'
import { MethodNotAllowedError, NotImplementedError, methodNotAllowedMessage, notImplementedMessage } from './errors.js'
import {
  PROBLEM_JSON, MethodNotAllowedProblemSchema, NotImplementedProblemSchema, methodNotAllowedProblem,
  notImplementedProblem
} from '../integrations/problem-details.js'
import type { NormalisedOptions } from '../options.js'
import { defaultErrorBody, logControllerOf, usesDefaultErrorHandler } from '../internals/fastify.js'
import { formatAllow } from './allow-header.js'
import { OptionsDescriptionSchema, type OptionsDescription } from '../integrations/describe.js'

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * 405 Method Not Allowed. RFC 9110 15.5.6: it MUST carry `Allow`. The header is set before the error is
 * sent, and Fastify keeps headers set before `reply.send(error)`, so it survives whatever the app's error
 * handler sends.
 *
 * With `direct`, when the not-found context would answer with Fastify's default error handler, the body that
 * handler would serialise (or with `problemDetails` the RFC 9457 body, serialised with its exported schema: a
 * serialiser compiled from it writes it faster than `JSON.stringify` does) is sent as is, with the same log
 * line through the app's LogController: the same response without the error path, the costliest part of an
 * error response (bench/reply-cost.js). Apps with their own error handler receive the error, whatever
 * `problemDetails` says: its body is theirs to format.
 */
export function sendMethodNotAllowed (
  reply: FastifyReply, method: string, url: string, methods: readonly string[], allow: string,
  options: Pick<NormalisedOptions, 'cacheControl' | 'problemDetails'>, direct: boolean
): void {
  reply.header('allow', allow)
  if (options.cacheControl !== undefined) reply.header('cache-control', options.cacheControl)
  const error = new MethodNotAllowedError(method, url, methods)
  if (!direct || !usesDefaultErrorHandler(reply.server)) {
    reply.send(error)
    return
  }
  reply.code(405)
  logControllerOf(reply.server).defaultErrorLog(error, reply.request, reply)
  const getRefused = !methods.includes('GET')
  if (options.problemDetails) {
    sendBody(reply, method, PROBLEM_JSON, (refused) =>
      reply.serializeInput(methodNotAllowedProblem(refused, url, methods), MethodNotAllowedProblemSchema), getRefused)
  } else {
    sendBody(reply, method, JSON_TYPE, (refused) =>
      defaultErrorBody(405, error.code, 'Method Not Allowed', methodNotAllowedMessage(refused, url)), getRefused)
  }
}

/**
 * Sends the body `bodyFor(method)` of a refusal. RFC 9110 8.6: a HEAD response may carry Content-Length only
 * if it is the length GET would get. Where GET is refused too, that is the length of GET's refusal (its
 * message names GET); where GET is not, it is unknown, and a HEAD answer sent without content gets no
 * Content-Length from Fastify.
 */
function sendBody (
  reply: FastifyReply, method: string, contentType: string, bodyFor: (method: string) => string, getRefused: boolean
): void {
  reply.type(contentType)
  if (method === 'HEAD') {
    if (getRefused) reply.header('content-length', String(Buffer.byteLength(bodyFor('GET'))))
    reply.send()
    return
  }
  reply.send(bodyFor(method))
}

/**
 * 501 Not Implemented: RFC 9110 9.1, a method the server does not implement for any resource. Where the
 * not-found context would answer with Fastify's default error handler, sent directly as that handler would
 * send it (or with `problemDetails` the RFC 9457 body), with its log line at `info`: that handler writes 5xx
 * lines at `error`, but this method is the client's choice alone (a scanner's made-up method), no fault of the
 * server that should page anyone. Otherwise through the error path, to the app's error handler.
 * `getServed`: whether GET has a route, for a HEAD's Content-Length.
 */
export function sendNotImplemented (
  reply: FastifyReply, method: string, url: string, problemDetails: boolean, getServed: boolean
): void {
  const error = new NotImplementedError(method)
  if (!usesDefaultErrorHandler(reply.server)) {
    reply.send(error)
    return
  }
  reply.code(501)
  // The shape of lib/log-controller.js `defaultErrorLog`'s line for a 4xx, under the same settings.
  if (!logControllerOf(reply.server).isLogDisabled(reply.request)) {
    reply.log.info({ res: reply, err: error }, error.message)
  }
  if (problemDetails) {
    sendBody(reply, method, PROBLEM_JSON, (refused) =>
      reply.serializeInput(notImplementedProblem(refused, url), NotImplementedProblemSchema), !getServed)
  } else {
    sendBody(reply, method, JSON_TYPE, (refused) =>
      defaultErrorBody(501, error.code, 'Not Implemented', notImplementedMessage(refused)), !getServed)
  }
}

/**
 * The automatic answer to OPTIONS: `Allow` and no content, with the status `optionsStatus` says. RFC 9110
 * 9.3.7: a 200 without content MUST send `Content-Length: 0`; 8.6: a 204 must not send Content-Length.
 */
export function sendOptions (
  reply: FastifyReply, allow: string, { optionsStatus }: Pick<NormalisedOptions, 'optionsStatus'>
): void {
  reply.code(optionsStatus).header('allow', allow)
  if (optionsStatus === 200) reply.header('content-length', '0')
  reply.send()
}

export function sendDescription (reply: FastifyReply, description: OptionsDescription): void {
  reply.code(200)
    .header('allow', formatAllow(description.allow))
    .type(JSON_TYPE)
    .send(reply.serializeInput(description, OptionsDescriptionSchema))
}
