import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Socket } from 'node:net'
import { awaitsContinue } from './expect-continue.js'

/** Prepares the connection of a request answered before its body is read, as the answer is about to be sent. */
export type CloseIfBodyUnread = (request: FastifyRequest, reply: FastifyReply) => void

/**
 * The largest declared body an early answer leaves to Node, which reads and discards it after the response
 * and keeps the connection (lib/_http_server.js `resOnFinish`, `req._dump()`): one read of the socket, whose
 * buffer libuv sizes at 64 KiB, so that a body this small costs no more than the read that brought its
 * headers, and a keep-alive pool or a pipelining client keeps its connection after a 405.
 */
export const SMALL_BODY = 64 * 1024

/**
 * Over HTTP/1.x, an answer sent before the request's body is read leaves that body to the connection. A
 * declared body of at most `SMALL_BODY` bytes (and at most the app's `bodyLimit`, above which Fastify alone
 * refuses a body and closes) is read and discarded by Node, the connection kept. Any other body (larger,
 * chunked, or one the client waits for `100 Continue` to send, which it may never send) closes the
 * connection after the answer, as Fastify does when it refuses a body (lib/content-type-parser.js: "the
 * client may send more data"), with a lingering close (node-internals.ts). HTTP/2 resets the stream instead
 * and forbids the header.
 */
export function createCloseIfBodyUnread (bodyLimit: number, linger: (socket: Socket) => void): CloseIfBodyUnread {
  const small = Math.min(SMALL_BODY, bodyLimit)
  return function closeIfBodyUnread (request, reply) {
    const { raw } = request
    if (raw.httpVersionMajor !== 1) return
    const { 'content-length': length, 'transfer-encoding': encoding } = raw.headers
    if (encoding === undefined && (length === undefined || (Number(length) <= small && !awaitsContinue(raw)))) return
    reply.header('connection', 'close')
    linger(raw.socket)
  }
}
