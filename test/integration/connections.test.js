// What happens to the connection after an answer sent before the request's body was read (an early 405, 501,
// automatic OPTIONS; the 404 to a client waiting for `100 Continue`), over real sockets: `inject()` has no
// connection. A small declared body (Content-Length up to 64 KiB, and not above the app's bodyLimit) is read
// and discarded and the connection stays usable, pipelining included. Any other body closes the connection
// cleanly: `Connection: close`, the response flushed, the rest of the client's input read and discarded
// without being parsed, for a bounded time (2 s) and size (1 MiB), then the server's FIN, never a reset while
// the client is still sending within those bounds (a reset makes the client's TCP stack drop the answer it
// has not read yet: RFC 9112 9.6, "tear-down"). HTTP/2 resets the refused stream and keeps the session.
import { test } from 'node:test'
import { once } from 'node:events'
import http from 'node:http'
import http2 from 'node:http2'
import { appWith, ok } from '../support/with-plugin.js'
import { connect, finalResponse, head, responses, within } from '../support/raw-connection.js'

// Far beyond what each test waits: a connection that closes in time was not closed by Node's own timeout.
const REQUEST_TIMEOUT = 30_000
// How long a test waits for an answer on a live connection.
const PATIENCE = 2_000
// The server's time bound for reading a refused body after its answer (2 s), plus the margin a loaded
// machine needs: a connection still open after it was kept open beyond the bound.
const CLOSE_WITHIN = 5_000
// Well above what the server may read after its answer (1 MiB) plus what the kernels' socket buffers hold
// on the loopback interface (a few MB): a client that wrote more was read from without bound.
const ACCEPTED_AT_MOST = 64 * 1024 * 1024
// The size line of the small-body rule.
const SMALL = 64 * 1024
const JSON_20 = '{"a":"0123456789ab"}'
const FIVE_MB = 5_000_000
// What the tests wait for: a final answer, or `count` answers, or else the connection's close.
const answered = (c) => finalResponse(c) !== undefined || c.closed
const answeredTimes = (count) => (c) => responses(c.text).length >= count || c.closed

const counted = () => {
  const counter = { runs: 0 }
  counter.routes = (app) => {
    app.get('/only-get', ok)
    // PUT is a method of the app (a 405 elsewhere, not a 501); PATCH is none.
    app.put('/elsewhere', ok)
    app.post('/counter', async () => { counter.runs++; return `run ${counter.runs}` })
    // A large upload the route reads in full: the routed side of `Expect: 100-continue`.
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' },
      (request, body, done) => done(null, body.length))
    app.post('/upload', { bodyLimit: 8 * 1024 * 1024 }, async (request) => `got ${request.body} bytes`)
  }
  return counter
}

// forceCloseConnections: close() ends the connections a failing test leaves open.
async function listening (t, routes, { pluginOptions = {}, fastifyOptions = {} } = {}) {
  const app = await appWith(routes, {
    pluginOptions: { notImplemented: true, ...pluginOptions },
    fastifyOptions: { requestTimeout: REQUEST_TIMEOUT, forceCloseConnections: true, ...fastifyOptions }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  return app
}

const jsonPut = (url, body = JSON_20) =>
  head('PUT', url, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }) + body

const statuses = conn => responses(conn.text).map(response => response.status)
const shown = conn => JSON.stringify(conn.text.slice(0, 300))
const chunk = (data) => `${data.length.toString(16)}\r\n${data}\r\n`

/**
 * Keeps writing `piece` on the connection as a client that keeps sending does: one every `interval` ms, or
 * as fast as the socket drains (interval 0), until `stop()`, `limit` bytes, an error or the socket's close;
 * the server's FIN does not stop it (on a connection opened with `allowHalfOpen`). `accepted()` is what the
 * kernel took (write callbacks without error).
 */
function keepWriting (conn, piece, { interval = 0, limit = Infinity } = {}) {
  const bytes = Buffer.byteLength(piece)
  let accepted = 0
  let written = 0
  let stopped = false
  let timer = null
  const done = () => stopped || conn.closed || conn.error !== null || !conn.socket.writable || written + bytes > limit
  const onWritten = (error) => { if (error == null) accepted += bytes }
  const next = () => {
    timer = null
    while (!done()) {
      written += bytes
      const more = conn.socket.write(piece, onWritten)
      if (interval > 0) {
        timer = setTimeout(next, interval)
        return
      }
      if (!more) {
        conn.socket.once('drain', next)
        return
      }
    }
  }
  next()
  return {
    accepted: () => accepted,
    stop: () => {
      stopped = true
      if (timer !== null) clearTimeout(timer)
      conn.socket.off('drain', next)
    }
  }
}

test('pipelined small-body 405s, written at once: every request answered in order, the connection kept', async (t) => {
  const counter = counted()
  const app = await listening(t, counter.routes)
  const conn = await connect(app, t)
  t.assert.strictEqual(Buffer.byteLength(JSON_20), 20)

  conn.socket.write(jsonPut('/only-get') + jsonPut('/only-get') + jsonPut('/only-get') + head('GET', '/only-get'))
  t.assert.ok(await within(conn, PATIENCE, answeredTimes(4)), 'four answers came')
  t.assert.deepStrictEqual(statuses(conn), [405, 405, 405, 200], shown(conn))
  for (const response of responses(conn.text)) {
    t.assert.strictEqual(response.headers.connection, 'keep-alive', `${response.status}: no Connection: close`)
  }
  t.assert.deepStrictEqual(responses(conn.text).slice(0, 3).map(response => response.headers.allow),
    ['GET, HEAD, OPTIONS', 'GET, HEAD, OPTIONS', 'GET, HEAD, OPTIONS'])

  conn.socket.write(head('POST', '/counter', { 'Content-Length': 0 }))
  t.assert.ok(await within(conn, PATIENCE, answeredTimes(5)), 'a fifth request on the same connection')
  t.assert.strictEqual(responses(conn.text)[4]?.body, 'run 1', shown(conn))
  t.assert.strictEqual(conn.closed, false)
})

test('the small-body rule for every early answer: a 501, an automatic OPTIONS, a 404 to an unknown URL', async (t) => {
  const counter = counted()
  const app = await listening(t, counter.routes)
  const conn = await connect(app, t)
  // PATCH is no method of the app (501 with notImplemented); a plain 404 reads its body as Fastify does.
  conn.socket.write(head('PATCH', '/only-get', { 'Content-Type': 'application/json', 'Content-Length': 20 }) + JSON_20 +
    head('OPTIONS', '/only-get', { 'Content-Type': 'application/json', 'Content-Length': 20 }) + JSON_20 +
    jsonPut('/nowhere') + head('POST', '/counter', { 'Content-Length': 0 }))
  t.assert.ok(await within(conn, PATIENCE, answeredTimes(4)), 'four answers came')
  t.assert.deepStrictEqual(statuses(conn), [501, 200, 404, 200], shown(conn))
  t.assert.deepStrictEqual(responses(conn.text).map(response => response.headers.connection),
    ['keep-alive', 'keep-alive', 'keep-alive', 'keep-alive'])
  t.assert.strictEqual(counter.runs, 1)
})

test('the small-body line: 64 KiB and the app\'s bodyLimit, whichever is lower', async (t) => {
  const counter = counted()
  const app = await listening(t, counter.routes)
  const small = await connect(app, t)
  small.socket.write(jsonPut('/only-get', `"${'x'.repeat(SMALL - 2)}"`) + head('GET', '/only-get'))
  t.assert.ok(await within(small, PATIENCE, answeredTimes(2)), `${SMALL} bytes: both answered`)
  t.assert.deepStrictEqual(statuses(small), [405, 200], shown(small))
  t.assert.strictEqual(responses(small.text)[0].headers.connection, 'keep-alive')

  const over = await connect(app, t)
  over.socket.write(jsonPut('/only-get', `"${'x'.repeat(SMALL - 1)}"`) +
    head('POST', '/counter', { 'Content-Length': 0 }))
  t.assert.ok(await within(over, CLOSE_WITHIN, c => c.closed), `${SMALL + 1} bytes: the connection closed`)
  t.assert.deepStrictEqual(statuses(over), [405], shown(over))
  t.assert.strictEqual(responses(over.text)[0].headers.connection, 'close')

  const limited = await listening(t, counted().routes, { fastifyOptions: { bodyLimit: 1000 } })
  const within1000 = await connect(limited, t)
  within1000.socket.write(jsonPut('/only-get', `"${'x'.repeat(998)}"`) + head('GET', '/only-get'))
  t.assert.ok(await within(within1000, PATIENCE, answeredTimes(2)), 'bodyLimit 1000, 1000 bytes: both answered')
  t.assert.deepStrictEqual(statuses(within1000), [405, 200], shown(within1000))
  const above = await connect(limited, t)
  above.socket.write(jsonPut('/only-get', `"${'x'.repeat(999)}"`) + head('GET', '/only-get'))
  t.assert.ok(await within(above, CLOSE_WITHIN, c => c.closed), 'bodyLimit 1000, 1001 bytes: the connection closed')
  t.assert.deepStrictEqual(statuses(above), [405], shown(above))
  t.assert.strictEqual(responses(above.text)[0].headers.connection, 'close')
})

test('keep-alive client: 20 small-body wrong-method requests in a row use one connection', async (t) => {
  const app = await listening(t, counted().routes)
  let connections = 0
  app.server.on('connection', () => { connections++ })
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  t.after(() => agent.destroy())
  const { port } = app.server.address()
  const send = () => new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1', port, agent, method: 'PUT', path: '/only-get', headers: { 'content-type': 'application/json' }
    }, (response) => {
      response.resume()
      response.on('end', () => resolve(`${response.statusCode} ${response.headers.connection}`))
    })
    request.setTimeout(PATIENCE, () => request.destroy(new Error(`no answer in ${PATIENCE} ms`)))
    request.on('error', reject)
    request.end(JSON_20)
  })
  const answers = []
  for (let i = 0; i < 20; i++) answers.push(await send())
  t.assert.strictEqual(connections, 1, `${connections} connections for: ${[...new Set(answers)]}`)
  t.assert.deepStrictEqual(answers, Array(20).fill('405 keep-alive'))
})

test('a 5 MB upload to a GET-only URL, the client still writing: the whole 405, then a FIN, no reset', async (t) => {
  const app = await listening(t, counted().routes)
  const rssBefore = process.memoryUsage().rss
  // A client that sends its body before it reads the answer: the server's FIN does not stop it.
  const conn = await connect(app, t, { allowHalfOpen: true })
  conn.socket.write(head('PUT', '/only-get', { 'Content-Type': 'application/octet-stream', 'Content-Length': FIVE_MB }))
  // 16 KiB every 50 ms for 1.5 s after the answer: about 500 KB, inside the server's bounds (1 MiB, 2 s).
  const writer = keepWriting(conn, Buffer.alloc(16 * 1024, 'x'), { interval: 50, limit: FIVE_MB })
  t.after(writer.stop)
  t.assert.ok(await within(conn, PATIENCE, answered), `the 405 came: ${shown(conn)}`)
  const answeredAt = performance.now()
  const stopTimer = setTimeout(writer.stop, 1500)
  t.after(() => clearTimeout(stopTimer))
  const response = finalResponse(conn)
  t.assert.strictEqual(response?.status, 405, shown(conn))
  t.assert.strictEqual(response.headers.connection, 'close')
  t.assert.strictEqual(response.body.length, Number(response.headers['content-length']))
  t.assert.match(response.body, /FST_ERR_METHOD_NOT_ALLOWED/)

  // The client is half-open: the server's close shows as its FIN (a reset, were the server to destroy early).
  t.assert.ok(await within(conn, CLOSE_WITHIN, c => c.ended || c.error !== null), 'the server closed')
  const since = (at) => `${Math.round(at - answeredAt)} ms after the 405`
  t.assert.strictEqual(conn.error, null,
    `no ${conn.error?.code} ${since(conn.errorAt)}, ${writer.accepted()} bytes written ` +
    `(the FIN ${conn.ended ? since(conn.endedAt) : 'not yet'})`)
  t.assert.ok(conn.ended, 'a FIN')
  t.assert.ok(conn.endedAt - answeredAt < CLOSE_WITHIN, `the FIN ${since(conn.endedAt)}`)
  t.assert.deepStrictEqual(statuses(conn), [405], 'nothing after the 405')
  const grown = process.memoryUsage().rss - rssBefore
  t.assert.ok(grown < 40 * 1024 * 1024, `rss grew by ${(grown / 1024 / 1024).toFixed(1)} MB`)
  const rss = `rss +${(grown / 1024 / 1024).toFixed(1)} MB`
  t.diagnostic(`the FIN ${since(conn.endedAt)}, ${writer.accepted()} bytes written, ${rss}`)
})

test('an endless chunked upload: the whole 405, then the server closes within its time bound, ' +
  'reading a bounded amount', async (t) => {
  const app = await listening(t, counted().routes)
  const cases = [
    // As fast as the socket drains: the size bound (1 MiB after the answer) ends it.
    ['as fast as it drains', 0],
    // Slower than the size bound within the time bound: the time bound (2 s) ends it.
    ['16 KiB every 50 ms', 50]
  ]
  for (const [label, interval] of cases) {
    const conn = await connect(app, t, { allowHalfOpen: true })
    conn.socket.write(head('PUT', '/only-get', {
      'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked'
    }))
    const writer = keepWriting(conn, chunk('x'.repeat(16 * 1024 - 8)), { interval })
    t.after(writer.stop)
    t.assert.ok(await within(conn, PATIENCE, answered), `${label}: the 405 came: ${shown(conn)}`)
    const answeredAt = performance.now()
    t.assert.strictEqual(finalResponse(conn)?.status, 405, `${label}: ${shown(conn)}`)
    t.assert.strictEqual(finalResponse(conn).headers.connection, 'close', label)
    // The client writes on after a FIN: only the server's close stops it, by a reset (past the bounds).
    t.assert.ok(await within(conn, CLOSE_WITHIN, c => c.error !== null || c.closed),
      `${label}: the server closed within ${CLOSE_WITHIN} ms of its answer (${writer.accepted()} bytes written so far)`)
    const closedAfter = performance.now() - answeredAt
    writer.stop()
    t.assert.ok(writer.accepted() < ACCEPTED_AT_MOST, `${label}: the client wrote ${writer.accepted()} bytes`)
    t.assert.deepStrictEqual(statuses(conn), [405], `${label}: nothing after the 405`)
    const fin = conn.ended ? `${Math.round(conn.endedAt - answeredAt)} ms after it` : 'none'
    t.diagnostic(`${label}: closed ${Math.round(closedAfter)} ms after the 405 ` +
      `(${conn.error?.code ?? 'no error'}; FIN ${fin}), ${writer.accepted()} bytes written`)
  }
})

test('a request pipelined behind a refused large body is never parsed or run', async (t) => {
  const counter = counted()
  const app = await listening(t, counter.routes)
  const next = head('POST', '/counter', { 'Content-Length': 0 })
  const cases = [
    ['Content-Length: 200000',
      head('PUT', '/only-get', { 'Content-Type': 'application/octet-stream', 'Content-Length': 200_000 }) +
      'x'.repeat(200_000)],
    // A chunked body still unfinished when the plugin answers closes the connection: its chunk of 0x30000
    // bytes has 100,000 when the request text follows (inside the chunk, as the parser would read it).
    ['an unfinished chunked body',
      head('PUT', '/only-get', { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }) +
      '30000\r\n' + 'x'.repeat(100_000)]
  ]
  const seen = []
  for (const [label, refused] of cases) {
    const conn = await connect(app, t)
    const runs = counter.runs
    conn.socket.write(refused + next)
    const closed = await within(conn, CLOSE_WITHIN, c => c.closed)
    const answers = responses(conn.text).map(response => `${response.status} ${response.headers.connection}`)
    // Nothing but the 405 on the wire, not even a response the parser could not frame.
    const after405 = conn.text.indexOf('HTTP/1.1', 1) !== -1
    seen.push({ label, closed, answers, after405, counterRuns: counter.runs - runs })
  }
  t.assert.deepStrictEqual(seen, cases.map(([label]) =>
    ({ label, closed: true, answers: ['405 close'], after405: false, counterRuns: 0 })))
})

test('a chunked body the parser finished with the head\'s read keeps the connection: ' +
  'the request behind it is answered in turn', async (t) => {
  const counter = counted()
  const app = await listening(t, counter.routes)
  const conn = await connect(app, t)
  conn.socket.write(head('PUT', '/only-get', { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }) +
    chunk('hello') + '0\r\n\r\n' + head('POST', '/counter', { 'Content-Length': 0 }))
  t.assert.ok(await within(conn, PATIENCE, c => responses(c.text).length === 2), shown(conn))
  t.assert.deepStrictEqual(responses(conn.text).map(response => `${response.status} ${response.headers.connection}`),
    ['405 keep-alive', '200 keep-alive'])
  t.assert.strictEqual(counter.runs, 1)
})

test('a malformed chunked body after the 405: no second response (no 400 from the clientError handler)', async (t) => {
  const app = await listening(t, counted().routes)
  const refused = head('PUT', '/only-get', { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' })
  // The garbage in the same write as the head, or after the client read the 405.
  const together = await connect(app, t)
  together.socket.write(refused + 'zz\r\n')
  const later = await connect(app, t)
  later.socket.write(refused)
  t.assert.ok(await within(later, PATIENCE, answered), `the 405 came: ${shown(later)}`)
  later.socket.write('zz\r\nnot a chunk\r\n\r\n')
  const seen = []
  for (const [label, conn] of [['in the same write', together], ['after the 405', later]]) {
    const closed = await within(conn, CLOSE_WITHIN, c => c.closed)
    seen.push({ label, closed, statuses: statuses(conn) })
  }
  t.assert.deepStrictEqual(seen, [
    // The parser fails before the plugin answers: the client-error handler's 400 is the one answer.
    { label: 'in the same write', closed: true, statuses: [400] },
    { label: 'after the 405', closed: true, statuses: [405] }
  ])
})

test('Expect: 100-continue with a 5 MB body: a refused one gets the 405 and a FIN, ' +
  'a routed one its 100 and the route\'s answer', async (t) => {
  const app = await listening(t, counted().routes)
  const expecting = (method, url, length) =>
    head(method, url, { 'Content-Type': 'application/octet-stream', 'Content-Length': length, Expect: '100-continue' })

  const refused = await connect(app, t)
  refused.socket.write(expecting('PUT', '/only-get', FIVE_MB))
  t.assert.ok(await within(refused, PATIENCE, answered), `the 405 came: ${shown(refused)}`)
  t.assert.deepStrictEqual(statuses(refused), [405], 'the final status, no 100')
  t.assert.strictEqual(finalResponse(refused).headers.connection, 'close')
  t.assert.ok(await within(refused, CLOSE_WITHIN, c => c.ended || c.error !== null), 'the server closed')
  t.assert.strictEqual(refused.error, null, 'a FIN, no reset')
  t.assert.ok(refused.ended)

  // Even a small declared body: the client waits for a 100 that never comes and sends no body, so the
  // server cannot read it to keep the connection (it would read the next request as that body).
  const small = await connect(app, t)
  small.socket.write(expecting('PUT', '/only-get', 20))
  t.assert.ok(await within(small, PATIENCE, answered), `the 405 came: ${shown(small)}`)
  t.assert.deepStrictEqual(statuses(small), [405], 'the final status, no 100')
  t.assert.strictEqual(finalResponse(small).headers.connection, 'close')
  t.assert.ok(await within(small, CLOSE_WITHIN, c => c.ended || c.error !== null), 'the server closed')
  t.assert.strictEqual(small.error, null, 'a FIN, no reset')

  const routed = await connect(app, t)
  routed.socket.write(expecting('POST', '/upload', FIVE_MB))
  t.assert.ok(await within(routed, PATIENCE, answeredTimes(1)), `an answer to the head: ${shown(routed)}`)
  t.assert.deepStrictEqual(statuses(routed), [100])
  routed.socket.write(Buffer.alloc(FIVE_MB, 'x'))
  t.assert.ok(await within(routed, CLOSE_WITHIN, answered), `the route answered: ${shown(routed)}`)
  t.assert.deepStrictEqual(statuses(routed), [100, 200])
  t.assert.strictEqual(finalResponse(routed).body, `got ${FIVE_MB} bytes`)
  t.assert.strictEqual(finalResponse(routed).headers.connection, 'keep-alive')
})

/** Resolves `{ status, headers, body, rstCode }` of one h2c stream, once it closed; fails after CLOSE_WITHIN ms. */
function h2Stream (client, headers, write) {
  return new Promise((resolve, reject) => {
    const stream = client.request(headers)
    const timer = setTimeout(() => {
      stream.close()
      reject(new Error(`${headers[':method']} ${headers[':path']}: not closed in ${CLOSE_WITHIN} ms`))
    }, CLOSE_WITHIN)
    let response
    let body = ''
    stream.on('response', (received) => { response = received })
    stream.setEncoding('utf8')
    stream.on('data', (data) => { body += data })
    // A reset with another code than NO_ERROR or CANCEL is an error on the stream: rstCode tells it.
    stream.on('error', () => {})
    stream.on('close', () => {
      clearTimeout(timer)
      resolve({ status: response?.[':status'], headers: response, body, rstCode: stream.rstCode })
    })
    write(stream)
  })
}

test('HTTP/2 (h2c): a refused stream with a pending large body is reset after its 405, ' +
  'the session stays usable', async (t) => {
  const app = await listening(t, counted().routes, { fastifyOptions: { http2: true } })
  const client = http2.connect(`http://127.0.0.1:${app.server.address().port}`)
  t.after(() => client.close())
  client.on('error', () => {})
  await once(client, 'connect')

  const refused = await h2Stream(client, {
    ':method': 'PUT',
    ':path': '/only-get',
    'content-type': 'application/octet-stream',
    'content-length': String(FIVE_MB)
  }, (stream) => { stream.write(Buffer.alloc(64 * 1024, 'x')) })
  t.assert.strictEqual(refused.status, 405)
  t.assert.strictEqual(refused.headers.allow, 'GET, HEAD, OPTIONS')
  // RFC 9113 8.2.2: no connection-specific header field in HTTP/2.
  t.assert.strictEqual(refused.headers.connection, undefined)
  const { NGHTTP2_NO_ERROR, NGHTTP2_CANCEL } = http2.constants
  t.diagnostic(`the refused stream's rstCode: ${refused.rstCode}`)
  t.assert.ok([NGHTTP2_NO_ERROR, NGHTTP2_CANCEL].includes(refused.rstCode), `rstCode ${refused.rstCode}`)

  const next = await h2Stream(client, { ':method': 'GET', ':path': '/only-get' }, (stream) => stream.end())
  t.assert.deepStrictEqual({ status: next.status, body: next.body }, { status: 200, body: 'GET /only-get' })
  t.assert.strictEqual(client.destroyed, false)
})

test('a client that half-closes after part of its body: the whole 405, then the server closes at once', async (t) => {
  const app = await listening(t, counted().routes)
  const conn = await connect(app, t, { allowHalfOpen: true })
  conn.socket.end(head('PUT', '/only-get', { 'Content-Type': 'application/octet-stream', 'Content-Length': 200_000 }) +
    'x'.repeat(1000))
  const sentAt = performance.now()
  t.assert.ok(await within(conn, PATIENCE, c => c.closed), `closed: ${shown(conn)}`)
  t.assert.deepStrictEqual(statuses(conn), [405])
  t.assert.strictEqual(conn.error, null)
  // Well within the 2 s the server would linger for a client still sending.
  t.assert.ok(performance.now() - sentAt < 1000, `closed after ${Math.round(performance.now() - sentAt)} ms`)
})
