import type { EventEmitter } from 'node:events'
import type { FastifyInstance, HTTPMethods } from 'fastify'
import type { PluginContext } from '../context.js'
import { handToFastify } from '../internals/fastify.js'
import { onFirstRead } from '../internals/node.js'

/** What we use of Node's request: `http.IncomingMessage` or the HTTP/2 compat `Http2ServerRequest`. */
interface ExpectingRequest extends EventEmitter {
  method?: string | undefined
  url?: string | undefined
}

/** What we use of Node's response: `http.ServerResponse` or the HTTP/2 compat `Http2ServerResponse`. */
interface ExpectingResponse {
  readonly headersSent: boolean
  writeContinue: () => void
}

const awaiting = new WeakSet<object>()

/**
 * Whether the request waits for a `100 Continue` that our listener has not sent: then its body has not been
 * sent, and an answer that does not need it (the 404) should not read it, or the 100 would go out first.
 */
export const awaitsContinue = (req: object): boolean => awaiting.has(req)

/**
 * Answers `Expect: 100-continue` (RFC 9110 10.1.1) so that a client does not upload a body the app will
 * refuse. Node sends `100 Continue` itself, before Fastify sees the request, unless the server has a
 * `checkContinue` listener, which must then send it (`res.writeContinue()`) and emit 'request' itself (node
 * lib/_http_server.js `parserOnIncoming`, HTTP/1.1; lib/internal/http2/compat.js `onServerStream`, HTTP/2,
 * since Node 8.5). This one sends the 100:
 * - at once when Fastify's router routes the request: the route will read the body, as before;
 * - otherwise only when something starts reading the body. Our 405, 501, automatic OPTIONS answer and 404
 *   never do (the not-found hook runs the not-found handler without parsing the body for such a request,
 *   see `awaitsContinue`): the client gets the final status instead, as RFC 9110 10.1.1 allows, and Node
 *   closes the connection (lib/_http_server.js `writeHead`: a final status without the 100 may be followed
 *   by the body). Whatever else reads the body gets the 100 then, so a client waiting for it never hangs.
 *
 * 'request' is emitted first, so that the decision sees `req.url` as Fastify routes it (`rewriteUrl` runs
 * synchronously in that listener, fastify.js `wrapRouting`) and a final response already sent (a route's
 * synchronous hook refused the request: no 100 after it). A wrong decision changes only when the 100 comes.
 *
 * `fastify.findRoute()` also finds a result for a malformed `%` escape or an over-long parameter (the router's
 * onBadUrl/onMaxParamLength handlers): Fastify answers those itself without reading the body (fastify.js
 * `onBadUrl`, `onMaxParamLength`), at once unless the app has `frameworkErrors`, so no 100 follows; an
 * asynchronous `frameworkErrors` may get one first, harmlessly (Node discards the upload). When deriving the
 * constraint values fails, Fastify answers an error itself: no early 100.
 *
 * When routes may hide themselves (allowOnSuccess with notFoundWhenEmpty answers a caller left no method the
 * 404), a routed request gets its 100 only once its body is read: a 100 sent at once would tell
 * that caller the URL exists, where an unknown URL gets the 404 without one.
 *
 * The app's own listener wins: none is added when the server has one, and ours steps aside when one is added
 * later (theirs emits 'request'). Only `fastify.server` is covered: the extra servers Fastify binds when it
 * listens on a name with several addresses (lib/server.js `multipleBindings`) keep Node's default 100.
 */
export function answerExpectContinue (fastify: FastifyInstance, { options, registry }: PluginContext): void {
  const hidesRoutes = options.allowOnSuccess && options.notFoundWhenEmpty
  const server = fastify.server as EventEmitter
  // Also makes it once per server: a second registration sees ours.
  if (server.listenerCount('checkContinue') > 0) return

  server.on('checkContinue', function checkContinue (req: ExpectingRequest, res: ExpectingResponse) {
    if (server.listenerCount('checkContinue') > 1) return
    let continued = false
    awaiting.add(req)
    const sendContinue = (): void => {
      if (continued || res.headersSent) return
      continued = true
      awaiting.delete(req)
      res.writeContinue()
    }
    onFirstRead(req, sendContinue)
    handToFastify(server, req, res)
    if (hidesRoutes) return

    const { method = '', url = '' } = req
    registry().constraints.deriveAsync(req, (err, constraints) => {
      if (err !== null) return
      const route: unknown = fastify.findRoute({ method: method as HTTPMethods, url, constraints })
      if (route !== null) sendContinue()
    })
  })
}
