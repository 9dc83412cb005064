import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { awaitsContinue } from './expect-continue.js'

/**
 * Prepares the connection of a request answered before its body is read, then calls `next`, which sends the
 * answer (at once, or once the parser has read what arrived with the request's head).
 */
export type CloseIfBodyUnread = (request: FastifyRequest, reply: FastifyReply, next: () => void) => void

/** The lingering close of internals/node.ts, for the socket of an answer that closes its connection. */
export type Linger = (socket: Socket) => void

/**
 * The largest declared body an early answer leaves to Node, which reads and discards it after the response
 * and keeps the connection (lib/_http_server.js `resOnFinish`, `req._dump()`): one read of the socket, whose
 * buffer libuv sizes at 64 KiB, so that a body this small costs no more than the read that brought its
 * headers, and a keep-alive pool or a pipelining client keeps its connection after a 405. A larger one
 * cannot end in that read, so no request behind it has been parsed when the connection closes.
 */
export const SMALL_BODY = 64 * 1024

/**
 * Over HTTP/1.x, an answer sent before the request's body is read leaves that body to the connection. A
 * declared body of at most `SMALL_BODY` bytes (and at most the app's `bodyLimit`, above which Fastify alone
 * refuses a body and closes) is read and discarded by Node, the connection kept. A chunked body that the
 * parser finished with the head's read (a small one) is kept too: a request pipelined behind it in that read
 * was parsed and runs already, and is answered in its turn. Any other body (larger, chunked and unfinished,
 * or one the client waits for `100 Continue` to send, which it may never send) closes the connection after
 * the answer, as Fastify does when it refuses a body (lib/content-type-parser.js: "the client may send more
 * data"), with a lingering close. HTTP/2 resets the stream instead and forbids the header.
 */
export function createCloseIfBodyUnread (bodyLimit: number, linger: Linger): CloseIfBodyUnread {
  const small = Math.min(SMALL_BODY, bodyLimit)
  const close = (reply: FastifyReply, socket: Socket): void => {
    reply.header('connection', 'close')
    linger(socket)
  }
  return function closeIfBodyUnread (request, reply, next) {
    const { raw } = request
    if (raw.httpVersionMajor !== 1) return next()
    const { 'content-length': length, 'transfer-encoding': encoding } = raw.headers
    if (encoding === undefined) {
      if (length !== undefined && (Number(length) > small || awaitsContinue(raw))) close(reply, raw.socket)
      return next()
    }
    // Once the parser is done with the read that brought the head: a framing error in it is answered by the
    // client-error handler alone (the answer is not sent yet), a body it finished is kept.
    setImmediate(() => {
      if (!raw.complete || awaitsContinue(raw)) close(reply, raw.socket)
      next()
    })
  }
}
