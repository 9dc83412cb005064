// With filterAllowed and notFoundWhenEmpty, a caller left no method gets the app's 404 "as if the resource
// did not exist". The hidden 404 carried `Vary` (it depends on the caller), a 404 for an unknown URL none:
// one header told a stranger that the resource exists. Now every 404 of the not-found path carries the same
// Vary under notFoundWhenEmpty. Compared here over real sockets, the raw bytes, `Date` the only difference.
import { test } from 'node:test'
import Fastify from 'fastify'
import cors from '@fastify/cors'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'
import { rawRequest, rawRequestText } from '../support/raw-http.js'

const members = (request, methods) => request.headers['x-member'] === 'yes' ? methods : []
const hiddenRoutes = app => {
  app.get('/repo/private', ok)
  app.put('/repo/private', ok)
}

/** The app listening on 127.0.0.1, with `routes` (or none), closed after `t`. */
async function listening (t, pluginOptions, routes = () => {}) {
  const app = Fastify()
  await app.register(fastifyAllowedMethods, { filterAllowed: members, notFoundWhenEmpty: true, ...pluginOptions })
  await routes(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  return app.server.address().port
}

/** The raw response without its `Date` line, the one part that may differ. */
async function bytes (port, method, target, headers = {}, body = '') {
  const { raw } = await rawRequest(port, rawRequestText(method, target, headers) + body)
  return raw.replace(/\r\nDate: [^\r]*/i, '')
}

// Every way the plugin answers such a caller: the 405 path, the automatic and the described OPTIONS,
// allowOnSuccess's matched routes (GET, HEAD, PUT), an upload, and Expect: 100-continue.
const REQUESTS = [
  ['POST'], ['DELETE'], ['PATCH'], ['OPTIONS'], ['OPTIONS', { accept: 'application/json' }],
  ['GET'], ['HEAD'], ['PUT', { 'content-type': 'text/plain', 'content-length': '2' }, 'hi'],
  ['POST', { 'content-type': 'application/json', 'content-length': '2' }, '{}'],
  ['POST', { 'content-type': 'text/plain', 'content-length': '2', expect: '100-continue' }],
  ['PUT', { 'content-type': 'text/plain', 'content-length': '2', expect: '100-continue' }]
]
const OPTIONS = { allowOnSuccess: true, describeOptions: true }

// Late enough that the server's checkContinue listener has decided about the 100 before it settles.
const membersLater = async (request, methods) => {
  await new Promise(resolve => setImmediate(resolve))
  return members(request, methods)
}
const VARIANTS = [
  ['Vary: *', OPTIONS],
  ['the vary option', { ...OPTIONS, vary: ['x-member'] }],
  ['an asynchronous filterAllowed', { ...OPTIONS, filterAllowed: membersLater }]
]

for (const [name, pluginOptions] of VARIANTS) {
  test(`Fastify's 404: a hidden resource answers as a missing one, byte for byte (${name})`, async (t) => {
    // Fastify's 404 names the URL: the resource missing is the same URL in the same app without its routes.
    const hidden = await listening(t, pluginOptions, hiddenRoutes)
    const missing = await listening(t, pluginOptions)
    for (const [method, headers, body] of REQUESTS) {
      const label = `${method} ${JSON.stringify(headers ?? {})}`
      const told = await bytes(hidden, method, '/repo/private', headers, body)
      t.assert.match(told, /^HTTP\/1\.1 404 /, label)
      t.assert.strictEqual(told, await bytes(missing, method, '/repo/private', headers, body), label)
    }
    const member = await rawRequest(hidden, rawRequestText('POST', '/repo/private', { 'x-member': 'yes' }))
    t.assert.deepStrictEqual([member.status, member.headers.allow], [405, 'GET, HEAD, OPTIONS, PUT'])
    // A member's upload still gets its 100, once the route reads the body.
    const upload = await bytes(hidden, 'PUT', '/repo/private',
      { 'x-member': 'yes', 'content-type': 'text/plain', 'content-length': '2', expect: '100-continue' }, 'hi')
    t.assert.match(upload, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
  })

  test(`the app's 404: a hidden resource and an unknown URL of the same app, byte for byte (${name})`, async (t) => {
    const notFound = (request, reply) => { reply.code(404).send({ error: 'no such repository' }) }
    const port = await listening(t, { ...pluginOptions, notFound }, hiddenRoutes)
    const missing = await bytes(port, 'OPTIONS', '/repo/mislaid')
    t.assert.match(missing, /^HTTP\/1\.1 404 /)
    // `OPTIONS *`: the server's methods, none of them the stranger's.
    t.assert.strictEqual(await bytes(port, 'OPTIONS', '*'), missing, 'OPTIONS *')
    t.assert.strictEqual(await bytes(port, 'GET', '*'), await bytes(port, 'GET', '/repo/mislaid'), 'GET *')
    for (const [method, headers, body] of REQUESTS) {
      const label = `${method} ${JSON.stringify(headers ?? {})}`
      t.assert.strictEqual(await bytes(port, method, '/repo/private', headers, body),
        await bytes(port, method, '/repo/mislaid', headers, body), label)
    }
  })
}

test('@fastify/cors with preflight: false hands every OPTIONS to the 404 path: the same bytes there', async (t) => {
  // cors's `OPTIONS *` route calls reply.callNotFound(): the not-found onRequest hook does not run, its
  // preHandler does.
  const withCors = (routes) => async (app) => {
    await app.register(cors, { preflight: false })
    routes(app)
  }
  const hidden = await listening(t, {}, withCors(hiddenRoutes))
  const missing = await listening(t, {}, withCors(() => {}))
  const told = await bytes(hidden, 'OPTIONS', '/repo/private')
  t.assert.match(told, /^HTTP\/1\.1 404 /)
  t.assert.strictEqual(told, await bytes(missing, 'OPTIONS', '/repo/private'))
})

test('a not-found handler that sets its own Vary: a hidden resource and an unknown URL, byte for byte', async (t) => {
  // The handler replaces the Vary set before it runs; the matched route's onSend added it back after, for
  // the hidden resource only.
  const notFound = (request, reply) => { reply.code(404).header('vary', 'Accept').send('nope') }
  const port = await listening(t, { ...OPTIONS, notFound }, hiddenRoutes)
  for (const [method, headers, body] of REQUESTS) {
    const label = `${method} ${JSON.stringify(headers ?? {})}`
    t.assert.strictEqual(await bytes(port, method, '/repo/private', headers, body),
      await bytes(port, method, '/repo/mislaid', headers, body), label)
  }
})
