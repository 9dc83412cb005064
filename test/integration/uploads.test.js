// Requests with a body that the plugin refuses, over real sockets: `inject()` has no connection to close
// and never sends `100 Continue`. An early 405/501 must not let Node read and discard an upload of any size
// (Connection: close, as Fastify does when it refuses a body, lib/content-type-parser.js), and
// `Expect: 100-continue` must get the final status instead of a 100 when the request is refused without
// its body being read (RFC 9110 10.1.1; lib/respond/expect-continue.ts).
import { test } from 'node:test'
import http2 from 'node:http2'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { appWith, ok } from '../support/with-plugin.js'
import { connect, finalResponse, head, responses, within } from '../support/raw-connection.js'

// Far beyond what each test waits: a connection still open when the test gives up was not closed early.
const REQUEST_TIMEOUT = 30_000
// How long a test waits for the server to answer or close; an answer that does not come fails the test.
const PATIENCE = 2_000
// How long a `100 Continue` sent at once may take to arrive; also how long a test watches for a stray one.
const CONTINUE_WAIT = 300
// A declared upload far larger than anything sent: reading it all would take the whole REQUEST_TIMEOUT.
const HUGE = 1e9
const FEW_KB = 'x'.repeat(4096)

const routes = app => {
  app.get('/only-get', ok)
  app.post('/upload', async (request) => `got ${request.body}`)
}

// forceCloseConnections: close() ends the connections a test leaves open (an upload never finished).
const serverOptions = { requestTimeout: REQUEST_TIMEOUT, forceCloseConnections: true }

async function listening (routesOf, pluginOptions = {}, fastifyOptions = {}) {
  const app = await appWith(routesOf, { pluginOptions, fastifyOptions: { ...serverOptions, ...fastifyOptions } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

/**
 * Sends a request declaring a huge body with a few KB of it, and waits for the answer and the close.
 * Transfer-Encoding: chunked sends one chunk and never the last one.
 */
async function refusedUpload (app, t, method, url, framing) {
  const conn = await connect(app, t)
  const body = framing === 'chunked' ? `${FEW_KB.length.toString(16)}\r\n${FEW_KB}\r\n` : FEW_KB
  const headers = framing === 'chunked' ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': HUGE }
  conn.socket.write(head(method, url, headers) + body)
  const closed = await within(conn, PATIENCE, c => c.closed)
  return { conn, closed, response: finalResponse(conn) }
}

test('an early 405, 501 or automatic OPTIONS answer to an upload closes the connection at once', async (t) => {
  const app = await listening(routes, { notImplemented: true })
  t.after(() => app.close())
  const cases = [
    ['POST', '/only-get', 'content-length', 405],
    ['POST', '/only-get', 'chunked', 405],
    ['PUT', '/upload', 'content-length', 501],
    ['PUT', '/upload', 'chunked', 501],
    ['OPTIONS', '/only-get', 'content-length', 200]
  ]
  for (const [method, url, framing, status] of cases) {
    const { conn, closed, response } = await refusedUpload(app, t, method, url, framing)
    const label = `${method} ${url} (${framing})`
    t.assert.strictEqual(response?.status, status, `${label}: ${JSON.stringify(conn.text.slice(0, 120))}`)
    t.assert.strictEqual(response.headers.connection, 'close', `${label}: Connection: close`)
    // Node would otherwise read and discard the declared gigabyte, for up to requestTimeout.
    t.assert.ok(closed, `${label}: the server closed the connection ` +
      `(waited ${PATIENCE} ms of its ${REQUEST_TIMEOUT} ms requestTimeout)`)
    t.assert.ok(conn.ended, `${label}: a clean close (FIN), not a reset`)
  }
})

test('answers that read the body, or refuse a request without one, keep the connection alive', async (t) => {
  const app = await listening(routes)
  t.after(() => app.close())
  const conn = await connect(app, t)

  conn.socket.write(head('POST', '/upload', { 'Content-Type': 'text/plain', 'Content-Length': 5 }) + 'hello')
  t.assert.ok(await within(conn, PATIENCE, c => responses(c.text).length === 1), 'the route answered')
  const [routed] = responses(conn.text)
  t.assert.strictEqual(routed.status, 200)
  t.assert.strictEqual(routed.body, 'got hello')
  t.assert.strictEqual(routed.headers.connection, 'keep-alive')

  // A 405 to a request without a body: nothing to discard, nothing to close.
  conn.socket.write(head('DELETE', '/only-get', {}))
  t.assert.ok(await within(conn, PATIENCE, c => responses(c.text).length === 2), 'the 405 came on the same connection')
  const refused = responses(conn.text)[1]
  t.assert.strictEqual(refused.status, 405)
  t.assert.strictEqual(refused.headers.connection, 'keep-alive')

  conn.socket.write(head('GET', '/only-get', {}))
  t.assert.ok(await within(conn, PATIENCE, c => responses(c.text).length === 3),
    'a third request on the same connection')
  t.assert.strictEqual(responses(conn.text)[2].status, 200)
  t.assert.strictEqual(conn.closed, false)
})

/**
 * Sends the head of a 5-byte upload with `Expect: 100-continue` as a client that waits for the 100 does: the
 * body goes only after a `100 Continue`. Resolves once the final response came (and, when it says
 * `Connection: close`, the connection closed), with the statuses in the order they arrived.
 */
async function expectContinue (app, t, method, url) {
  const conn = await connect(app, t)
  const label = `${method} ${url}`
  conn.socket.write(head(method, url, { 'Content-Type': 'text/plain', 'Content-Length': 5, Expect: '100-continue' }))
  t.assert.ok(await within(conn, PATIENCE, c => responses(c.text).length > 0), `${label}: an answer to the head alone`)
  if (responses(conn.text)[0].status === 100) conn.socket.write('hello')
  t.assert.ok(await within(conn, PATIENCE, c => finalResponse(c) !== undefined), `${label}: a final response`)
  const final = finalResponse(conn)
  if (final.headers.connection === 'close') {
    t.assert.ok(await within(conn, PATIENCE, c => c.closed), `${label}: the connection closed`)
  }
  return { statuses: responses(conn.text).map(response => response.status), final, conn }
}

test('Expect: 100-continue over HTTP/1.1: 100 for a routed request, the final status for a refused one', async (t) => {
  const app = await listening(routes, { notImplemented: true })
  t.after(() => app.close())

  const routed = await expectContinue(app, t, 'POST', '/upload')
  t.assert.deepStrictEqual(routed.statuses, [100, 200])
  t.assert.strictEqual(routed.final.body, 'got hello')

  for (const [method, url, status] of [['POST', '/only-get', 405], ['PUT', '/upload', 501], ['PUT', '/nowhere', 501]]) {
    const refused = await expectContinue(app, t, method, url)
    // The final status is the first thing on the wire: it came without the body, which waits for a 100.
    t.assert.deepStrictEqual(refused.statuses, [status], `${method} ${url}`)
    t.assert.strictEqual(refused.final.headers.connection, 'close', `${method} ${url}: Connection: close`)
  }
})

test('Expect: 100-continue to an unknown URL: the 404 at once, ' +
  'from the app\'s own not-found handler and guards', async (t) => {
  // Fastify's not-found handler is a route that parses the body before it runs (lib/handle-request.js):
  // for a client still waiting for its 100, the plugin runs the guards and the handler without the body.
  const seen = []
  const app = await listening(app => {
    routes(app)
    app.setNotFoundHandler({
      preHandler: async (request) => { seen.push(`guard body=${request.body}`) }
    }, async (request, reply) => {
      seen.push('handler')
      reply.code(404)
      return { missing: request.url }
    })
  })
  t.after(() => app.close())
  const { statuses, final } = await expectContinue(app, t, 'POST', '/nowhere')
  t.assert.deepStrictEqual(statuses, [404])
  t.assert.strictEqual(final.headers.connection, 'close')
  t.assert.deepStrictEqual(seen, ['guard body=undefined', 'handler'])
  t.assert.deepStrictEqual(JSON.parse(final.body), { missing: '/nowhere' }, "the handler's returned value is sent")
  // A handler that returns a value at once, or throws, is answered as Fastify answers it.
  const sync = await listening(app => {
    routes(app)
    app.setErrorHandler((error, request, reply) => reply.code(404).send(`error: ${error.message}`))
    app.setNotFoundHandler((request, reply) => {
      if (request.url === '/throws') throw new Error('thrown')
      reply.code(404)
      return 'sync value'
    })
  })
  t.after(() => sync.close())
  t.assert.strictEqual((await expectContinue(sync, t, 'POST', '/value')).final.body, 'sync value')
  t.assert.strictEqual((await expectContinue(sync, t, 'POST', '/throws')).final.body, 'error: thrown')
  // Fastify's own 404, and a caller whom notFoundWhenEmpty hides a resource from, the same way.
  const plain = await listening(routes, { filterAllowed: () => [], notFoundWhenEmpty: true })
  t.after(() => plain.close())
  for (const url of ['/nowhere', '/only-get']) {
    const answer = await expectContinue(plain, t, 'POST', url)
    t.assert.deepStrictEqual(answer.statuses, [404], url)
    t.assert.match(answer.final.body, /not found/, url)
  }
})

/** A custom constraint strategy whose value is derived asynchronously, from `x-tenant`. */
const tenantStrategy = {
  name: 'tenant',
  isAsync: true,
  storage () {
    const handlers = new Map()
    return { get: (tenant) => handlers.get(tenant) ?? null, set: (tenant, store) => { handlers.set(tenant, store) } }
  },
  deriveConstraint: (req, _ctx, done) => { setImmediate(() => done(null, req.headers['x-tenant'])) },
  validate () {}
}

test("Expect: 100-continue: the 100 is sent before the route's own hooks run, " +
  "as Fastify's router routes", async (t) => {
  // A routed request gets its 100 at once, not when its body is read: after a slow onRequest hook here.
  // It comes at once only when our decision matches Fastify's: constraints derived (host; an async custom
  // strategy), rewriteUrl applied.
  const slow = { onRequest: (_request, _reply, done) => { setTimeout(done, 2 * CONTINUE_WAIT) } }
  const app = await listening(app => {
    app.addConstraintStrategy(tenantStrategy)
    app.get('/only-get', ok)
    app.post('/upload', slow, async (request) => `got ${request.body}`)
    app.post('/hosted', { ...slow, constraints: { host: 'api.example' } },
      async (request) => `host got ${request.body}`)
    app.post('/tenant', { ...slow, constraints: { tenant: 'acme' } }, async (request) => `acme got ${request.body}`)
  }, {}, { rewriteUrl: (req) => req.url === '/old-upload' ? '/upload' : req.url })
  t.after(() => app.close())

  const cases = [
    ['/upload', {}, 'got hello'],
    ['/old-upload', {}, 'got hello'],
    ['/hosted', { Host: 'api.example' }, 'host got hello'],
    ['/tenant', { 'X-Tenant': 'acme' }, 'acme got hello']
  ]
  for (const [url, headers, body] of cases) {
    const conn = await connect(app, t)
    conn.socket.write(head('POST', url,
      { ...headers, 'Content-Type': 'text/plain', 'Content-Length': 5, Expect: '100-continue' }))
    t.assert.ok(await within(conn, CONTINUE_WAIT, c => responses(c.text).length > 0),
      `${url}: 100 Continue before the hook ends`)
    t.assert.strictEqual(responses(conn.text)[0].status, 100)
    conn.socket.write('hello')
    t.assert.ok(await within(conn, PATIENCE, c => finalResponse(c) !== undefined), `${url}: answered`)
    t.assert.strictEqual(finalResponse(conn).body, body)
  }
})

test('Expect: 100-continue: a request refused at once gets no 100 after its answer', async (t) => {
  // A route's synchronous hook, and Fastify's own answers to URLs its router cannot match (fastify.js
  // `onBadUrl`, `onMaxParamLength`), for which `findRoute()` finds a result all the same.
  const app = await listening(app => {
    app.post('/guarded', { onRequest: (_request, reply) => { reply.code(401).send('no') } }, ok)
    app.post('/items/:id', ok)
  })
  t.after(() => app.close())
  for (const [url, status] of [['/guarded', 401], ['/items/%zz', 400], [`/items/${'x'.repeat(101)}`, 414]]) {
    const refused = await expectContinue(app, t, 'POST', url)
    t.assert.deepStrictEqual(refused.statuses, [status], url.slice(0, 20))
    // Nothing, not even a late 100, after the final answer.
    t.assert.strictEqual(refused.conn.text.indexOf('HTTP/1.1', 1), -1, url.slice(0, 20))
  }
})

/**
 * A 5-byte POST over h2c with `expect: 100-continue`; sends the body on the 100 only. Resolves with whether
 * a 100 came and the response status, or fails after PATIENCE ms.
 */
function h2ExpectContinue (client, path) {
  return new Promise((resolve, reject) => {
    const stream = client.request({
      ':method': 'POST', ':path': path, 'content-type': 'text/plain', 'content-length': '5', expect: '100-continue'
    })
    const timer = setTimeout(() => {
      stream.close()
      reject(new Error(`POST ${path} over HTTP/2: no answer in ${PATIENCE} ms`))
    }, PATIENCE)
    let continued = false
    let status
    let body = ''
    stream.once('continue', () => { continued = true; stream.end('hello') })
    stream.on('response', (headers) => { status = headers[':status'] })
    stream.setEncoding('utf8')
    stream.on('data', (chunk) => { body += chunk })
    stream.on('error', (error) => { clearTimeout(timer); reject(error) })
    stream.on('close', () => { clearTimeout(timer); resolve({ continued, status, body }) })
  })
}

// Node's HTTP/2 compatibility API has the 'checkContinue' event (lib/internal/http2/compat.js
// `onServerStream`, since Node 8.5; Node 20.19 included): the answer is the same as over HTTP/1.1.
test('Expect: 100-continue over HTTP/2 (h2c): 100 for a routed request only', async (t) => {
  const app = await listening(routes, { notImplemented: true }, { http2: true })
  t.after(() => app.close())
  const client = http2.connect(`http://127.0.0.1:${app.server.address().port}`)
  t.after(() => client.close())

  t.assert.deepStrictEqual(await h2ExpectContinue(client, '/upload'),
    { continued: true, status: 200, body: 'got hello' })
  const refused = await h2ExpectContinue(client, '/only-get')
  t.assert.deepStrictEqual({ continued: refused.continued, status: refused.status }, { continued: false, status: 405 })
})

test("an app's own checkContinue listener wins, added before or after the app is ready", async (t) => {
  // Theirs always sends 100, whatever the URL: the wire shows that only theirs answered, and once.
  const theirs = (server) => function alwaysContinue (req, res) {
    res.writeContinue()
    server.emit('request', req, res)
  }

  const before = Fastify(serverOptions)
  before.server.on('checkContinue', theirs(before.server))
  await before.register(fastifyAllowedMethods)
  routes(before)
  await before.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => before.close())
  t.assert.deepStrictEqual(before.server.listeners('checkContinue').map(listener => listener.name), ['alwaysContinue'])
  t.assert.deepStrictEqual((await expectContinue(before, t, 'POST', '/only-get')).statuses, [100, 405])

  const after = await listening(routes)
  t.after(() => after.close())
  after.server.on('checkContinue', theirs(after.server))
  t.assert.strictEqual(after.server.listenerCount('checkContinue'), 2)
  // Ours steps aside: had it emitted 'request' too, Fastify would have answered twice.
  const answered = await expectContinue(after, t, 'POST', '/only-get')
  t.assert.deepStrictEqual(answered.statuses, [100, 405])
  t.assert.strictEqual(await within(answered.conn, CONTINUE_WAIT, c => responses(c.text).length > 2), false)
})

test('a guard that answers before the plugin\'s early answer closes an upload\'s connection too', async (t) => {
  const unauthorised = async (request, reply) => {
    if (request.headers.authorization === undefined) return reply.code(401).send('who are you')
  }
  const guarded = (hook) => (app) => {
    app.setNotFoundHandler({ [hook]: unauthorised }, (request, reply) => reply.code(404).send('nope'))
    routes(app)
  }
  const failing = (app) => {
    const slowDown = async () => { throw Object.assign(new Error('slow down'), { statusCode: 429 }) }
    app.setNotFoundHandler({ preValidation: slowDown },
      (request, reply) => reply.code(404).send('nope'))
    routes(app)
  }
  // The resource's own guard (`guards: 'resource'`): an auth hook of the plugin that holds the routes.
  const resourceGuarded = (app) => {
    app.register(async (scope) => {
      scope.addHook('onRequest', unauthorised)
      routes(scope)
    })
  }
  const refused = [['POST', '/only-get', 'chunked'], ['OPTIONS', '/only-get', 'chunked']]
  // PUT is no method of the app: the not-found path's guards run before its 501, no resource's.
  const all = [...refused, ['PUT', '/upload', 'content-length']]
  const apps = [
    ['preHandler', guarded('preHandler'), 401, all], ['preValidation', guarded('preValidation'), 401, all],
    ['a throwing preValidation', failing, 429, all], ["the routes' onRequest", resourceGuarded, 401, refused]
  ]
  for (const [name, routesOf, status, requests] of apps) {
    const app = await listening(routesOf, { notImplemented: true })
    t.after(() => app.close())
    for (const [method, url, framing] of requests) {
      const { conn, closed, response } = await refusedUpload(app, t, method, url, framing)
      const label = `${name}: ${method} ${url} (${framing})`
      t.assert.strictEqual(response?.status, status, `${label}: ${JSON.stringify(conn.text.slice(0, 120))}`)
      t.assert.strictEqual(response.headers.connection, 'close', `${label}: Connection: close`)
      t.assert.ok(closed, `${label}: the server closed the connection, not reading the upload`)
      t.assert.ok(conn.ended, `${label}: a clean close (FIN), not a reset`)
    }
  }
})

test('Expect: 100-continue to an unknown URL: an async not-found handler that sets a status ' +
  'and returns nothing is answered, as Fastify answers it', async (t) => {
  // Fastify sends what an async handler resolves to, undefined included, unless it replied (lib/wrap-thenable.js).
  const notFound = (app) => {
    routes(app)
    app.setNotFoundHandler(async (request, reply) => { reply.code(404).header('x-handled', 'yes') })
  }
  const app = await listening(notFound)
  t.after(() => app.close())
  const answer = await expectContinue(app, t, 'POST', '/nowhere')
  t.assert.deepStrictEqual(answer.statuses, [404])
  t.assert.strictEqual(answer.final.headers['x-handled'], 'yes')
  t.assert.strictEqual(answer.final.body, '')
  // Fastify alone: the 100, then the same 404.
  const alone = Fastify(serverOptions)
  notFound(alone)
  await alone.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => alone.close())
  const oracle = await expectContinue(alone, t, 'POST', '/nowhere')
  t.assert.deepStrictEqual(oracle.statuses, [100, 404])
  t.assert.strictEqual(oracle.final.body, answer.final.body)
})
