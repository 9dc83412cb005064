// A bounded load test on 127.0.0.1: a fixed number of mixed 200, 404, 405 and OPTIONS requests over 10
// connections (a count, not a duration: how fast this shared machine is never decides a pass), every answer
// checked on the client (status and Allow) and counted on the server; and a heap check in a child process
// (`node --expose-gc`): 100,000 requests to distinct known and unknown URLs must not grow the heap, because
// the plugin keeps no per-URL memory.
import { test, describe } from 'node:test'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import Fastify from 'fastify'
import autocannon from 'autocannon'
import fastifyAllowedMethods from '../../dist/index.js'

const USER = 'DELETE, GET, HEAD, OPTIONS'
const USERS = 'GET, HEAD, OPTIONS, POST'
const CONNECTIONS = 10
const AMOUNT = 8000

/** One kind of request: a method, a distinct path per request, the status and Allow it must get. */
const kinds = [
  { method: 'GET', path: (n) => `/users/${n}`, status: 200 },
  { method: 'POST', path: () => '/users', status: 201 },
  { method: 'GET', path: (n) => `/nope/${n}`, status: 404 },
  { method: 'PATCH', path: (n) => `/users/${n}/posts`, status: 404 },
  { method: 'DELETE', path: (n) => `/users?page=${n}`, status: 405, allow: USERS },
  { method: 'PUT', path: (n) => `/users/${n}`, status: 405, allow: USER },
  { method: 'OPTIONS', path: (n) => `/users/${n}`, status: 200, allow: USER },
  { method: 'OPTIONS', path: (n) => `/nope/${n}`, status: 404 }
]

describe('load', { concurrency: true }, () => {
  const name = `${AMOUNT} mixed requests over ${CONNECTIONS} connections: every answer right, no errors`
  test(name, { timeout: 120_000 }, async (t) => {
    const app = Fastify()
    const served = {}
    // Counted on the server for every response, the plugin's 405 and OPTIONS answers included.
    app.addHook('onResponse', (request, reply, done) => {
      const key = `${request.method} ${reply.statusCode}`
      served[key] = (served[key] ?? 0) + 1
      done()
    })
    await app.register(fastifyAllowedMethods)
    app.get('/users', async () => ['ada'])
    app.post('/users', async (request, reply) => reply.code(201).send({ created: true }))
    app.get('/users/:id', async (request) => ({ id: request.params.id }))
    app.delete('/users/:id', async () => 'deleted')
    await app.listen({ port: 0, host: '127.0.0.1' })
    t.after(() => app.close())

    const received = {}
    const wrong = []
    let next = 0
    const requests = kinds.map((kind) => ({
      method: kind.method,
      headers: kind.method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: kind.method === 'POST' ? '{"name":"ada"}' : undefined,
      setupRequest: (request) => ({ ...request, path: kind.path(next++) }),
      onResponse: (status, body, context, headers) => {
        const key = `${kind.method} ${status}`
        received[key] = (received[key] ?? 0) + 1
        const allow = Object.entries(headers).find(([name]) => name.toLowerCase() === 'allow')?.[1]
        if (status !== kind.status || allow !== kind.allow) {
          if (wrong.length < 10) wrong.push({ kind: `${kind.method} ${kind.path('n')}`, status, allow })
          else wrong.length++
        }
      }
    }))

    const result = await autocannon({
      url: `http://127.0.0.1:${app.server.address().port}`,
      connections: CONNECTIONS,
      amount: AMOUNT,
      timeout: 30,
      requests
    })

    t.diagnostic(`${result.requests.total} requests, ${Math.round(result.requests.average)} req/s; ` +
      `received ${JSON.stringify(received)}`)
    t.assert.deepStrictEqual(wrong, [], 'answers with a wrong status or Allow')
    t.assert.strictEqual(result.errors, 0)
    t.assert.strictEqual(result.timeouts, 0)
    t.assert.strictEqual(result['5xx'], 0)
    t.assert.strictEqual(Object.values(received).reduce((sum, count) => sum + count, 0), AMOUNT)
    // autocannon's own per-status counts agree with the per-request checks.
    const byStatus = {}
    for (const [key, count] of Object.entries(received)) {
      const status = key.split(' ')[1]
      byStatus[status] = (byStatus[status] ?? 0) + count
    }
    const counted = Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count])
    t.assert.deepStrictEqual(Object.fromEntries(counted), byStatus)
    // Exactly the expected (method, status) pairs, on both sides.
    const expectedKeys = [...new Set(kinds.map(kind => `${kind.method} ${kind.status}`))].sort()
    t.assert.deepStrictEqual(Object.keys(received).sort(), expectedKeys)
    t.assert.deepStrictEqual(Object.keys(served).sort(), expectedKeys)
    // The server may have answered requests still in flight when autocannon stopped: at most one per connection.
    for (const key of expectedKeys) {
      t.assert.ok(served[key] >= received[key] && served[key] <= received[key] + CONNECTIONS,
        `${key}: served ${served[key]}, received ${received[key]}`)
    }
    // Still answering afterwards.
    const after = await app.inject({ method: 'PUT', url: '/users/1' })
    t.assert.strictEqual(after.statusCode, 405)
    t.assert.strictEqual(after.headers.allow, USER)
  })

  test('100,000 distinct known and unknown URLs do not grow the heap (child process, node --expose-gc)', async (t) => {
    const probe = fileURLToPath(new URL('../support/heap-probe.js', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe, '100000'], {
      cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 120000
    })
    const { before, after, right, wrong, statuses, elapsedMs } = JSON.parse(stdout)
    t.diagnostic(`heap before ${before} B, after ${after} B, 100,000 requests in ${elapsedMs} ms`)
    t.assert.strictEqual(wrong, 0)
    t.assert.strictEqual(right, 100000)
    t.assert.deepStrictEqual(statuses,
      { 'GET 200': 20000, 'GET 404': 20000, 'PUT 405': 20000, 'OPTIONS 200': 20000, 'POST 405': 20000 })
    // A per-URL cache of even 30 bytes an entry would add 3 MB; seen here: about 0.15 MB either way.
    const grownMB = (after - before) / 1024 / 1024
    t.assert.ok(grownMB < 2, `heap grew by ${grownMB.toFixed(2)} MB (before ${before}, after ${after})`)
  })
})
