import type { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import type { Linger } from '../respond/unread-body.js'

// Every reliance on Node's private behaviour. Checking a Node upgrade starts here.

/** How long, and how much, a closing connection is read and discarded before it is destroyed. */
export interface LingerBounds {
  /** Milliseconds from the end of the response. */
  readonly time: number
  /** Bytes read after the end of the response. */
  readonly bytes: number
}

/** What we use of the HTTP parser Node's server keeps on each socket (lib/_http_server.js, lib/_http_common.js). */
interface ConsumingParser { _consumed?: boolean, unconsume?: () => void }
/** What we use of a socket's libuv handle (lib/net.js). */
interface ReadingHandle { reading?: boolean, readStart?: () => number }

/**
 * The listeners lib/_http_server.js `connectionListenerInternal` adds to a connection for its parser, by
 * name (they are bound functions, or module functions: no reference to them is exposed), which its upgrade
 * path removes to hand the socket over (`onParserExecuteCommon`, `unconsume`).
 */
const PARSER_LISTENERS: ReadonlyArray<readonly [string, string]> = [
  ['data', 'bound socketOnData'], ['end', 'bound socketOnEnd'], ['pause', 'onSocketPause'], ['resume', 'onSocketResume']
]

/**
 * Makes the close of a connection whose request body the server did not read a lingering close (RFC 9112
 * 9.6; nginx's `lingering_close`, Apache's lingering close). Node's server ends such a connection after a
 * response with `Connection: close` by calling the socket's `destroySoon()` (lib/_http_server.js
 * `resOnFinish`): it sends the FIN and destroys the socket once it is written, while the client may still be
 * sending the body. The kernel then answers what arrives with a reset, which may destroy the response before
 * the client has read it. Until then Node's parser goes on reading: a request pipelined behind the body is
 * executed, its response never written, and a framing error in the body makes the client-error handler write
 * a second response.
 *
 * For this socket, `destroySoon()` instead hands the connection over as Node's upgrade path does: the parser
 * is detached (nothing more is parsed), the FIN is sent after the response, and what the client still sends
 * is read and discarded until it closes its side (then the close is clean), or `bounds` are reached (then
 * the socket is destroyed, a reset possible).
 */
export function createLingeringClose (bounds: LingerBounds): Linger {
  return (socket) => {
    // One answer per connection closes it; a second call (a 405 queued behind a pipelined one) changes nothing.
    if (!Object.hasOwn(socket, 'destroySoon')) lingerOnClose(socket, bounds)
  }
}

function lingerOnClose (socket: Socket, bounds: LingerBounds): void {
  Object.defineProperty(socket, 'destroySoon', {
    configurable: true,
    writable: true,
    value: function linger (this: Socket): void {
      detachParser(this)
      const stop = (): void => { this.destroy() }
      const timer = setTimeout(stop, bounds.time)
      timer.unref()
      let read = 0
      this.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read > bounds.bytes) stop()
      })
      this.once('end', stop)
      this.once('close', () => { clearTimeout(timer) })
      this.resume()
      this.end()
    }
  })
}

function detachParser (socket: Socket): void {
  for (const [event, name] of PARSER_LISTENERS) {
    for (const listener of socket.listeners(event)) {
      if (listener.name === name) socket.removeListener(event, listener as (...args: unknown[]) => void)
    }
  }
  const parser = (socket as unknown as { parser?: ConsumingParser | null }).parser
  // lib/_http_server.js `unconsume`: the parser stops reading the socket's handle itself.
  if (parser?._consumed === true) {
    parser.unconsume?.()
    parser._consumed = false
  }
  // lib/_http_server.js `onSocketResume`: a connection Node paused while the parser read it (its buffer
  // full) reads again. The stream's own resume would not: it believes a read is under way.
  const handle = (socket as unknown as { _handle?: ReadingHandle | null })._handle
  if (handle != null && handle.reading === false) {
    handle.reading = true
    handle.readStart?.()
  }
}

/**
 * Calls `onRead` once, when something starts reading the request's body: Node's readable streams are read
 * through a 'data' or a 'readable' listener (lib/internal/streams/readable.js `Readable.prototype.on`, which
 * `pipe()` and async iteration use too; Fastify's rawBody reads with 'data').
 */
export function onFirstRead (req: EventEmitter, onRead: () => void): void {
  req.on('newListener', function readStarts (event: string | symbol) {
    if (event !== 'data' && event !== 'readable') return
    req.off('newListener', readStarts)
    onRead()
  })
}
