// Run by test/integration/load.test.js in a child process started with `node --expose-gc`: sends `count` requests with
// distinct URLs (known, unknown, wrong method, OPTIONS) through app.inject() and prints, as JSON, the heap
// in use after a full GC before and after them, and how many answers were right.
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'

if (typeof globalThis.gc !== 'function') throw new Error('heap-probe.js needs `node --expose-gc`')
const count = Number(process.argv[2] ?? 100000)
const withPlugin = process.argv[3] !== 'without-plugin'

const app = Fastify()
if (withPlugin) await app.register(fastifyAllowedMethods)
app.get('/users', async () => ['ada'])
app.post('/users', async () => 'created')
app.get('/users/:id', async () => 'user')
app.delete('/users/:id', async () => 'deleted')
app.get('/files/*', async () => 'file')
await app.ready()

/** Request `i`: a distinct URL of one of four kinds, and the answer it must get with the plugin. */
function request (i) {
  switch (i % 5) {
    case 0: return { method: 'GET', url: `/users/${i}`, status: 200, allow: undefined }
    case 1: return { method: 'GET', url: `/nope/${i}`, status: 404, allow: undefined }
    case 2: return { method: 'PUT', url: `/users/${i}`, status: 405, allow: 'DELETE, GET, HEAD, OPTIONS' }
    case 3: return { method: 'OPTIONS', url: `/users/${i}?page=${i}`, status: 200, allow: 'DELETE, GET, HEAD, OPTIONS' }
    default: return { method: 'POST', url: `/files/${i}/${i}.txt`, status: 405, allow: 'GET, HEAD, OPTIONS' }
  }
}

let right = 0
let wrong = 0
const statuses = {}
async function drive (from, to) {
  const batch = 50
  for (let start = from; start < to; start += batch) {
    const pending = []
    for (let i = start; i < Math.min(start + batch, to); i++) {
      const expected = request(i)
      pending.push(app.inject({ method: expected.method, url: expected.url }).then((response) => {
        const key = `${expected.method} ${response.statusCode}`
        statuses[key] = (statuses[key] ?? 0) + 1
        const ok = withPlugin
          ? response.statusCode === expected.status && response.headers.allow === expected.allow
          : response.statusCode === (expected.status === 200 && expected.method === 'GET' ? 200 : 404)
        if (ok) right++
        else wrong++
      }))
    }
    await Promise.all(pending)
  }
}

async function settledHeap () {
  for (let round = 0; round < 4; round++) {
    globalThis.gc()
    await new Promise(resolve => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

// Warm-up with URLs of the same shapes: JIT, inline caches, the router's and inject's lazy structures.
await drive(-10000, 0)
right = 0
wrong = 0
for (const key of Object.keys(statuses)) delete statuses[key]
const before = await settledHeap()
const started = Date.now()
await drive(0, count)
const elapsedMs = Date.now() - started
const after = await settledHeap()
await app.close()
console.log(JSON.stringify({ before, after, right, wrong, statuses, elapsedMs }))
