import { test } from 'node:test'
import Fastify from 'fastify'
import { appWith, ok } from '../support/with-plugin.js'

// The decision is made in the not-found context's onRequest hook, before the body is parsed: without it,
// Fastify would answer these requests 400, 415 or 413 before any not-found handler could say 405.
const cases = [
  ['malformed JSON', { 'content-type': 'application/json' }, '{"unterminated'],
  ['an unknown content type', { 'content-type': 'application/x-unknown' }, 'abc'],
  ['an oversized body', { 'content-type': 'application/json' }, JSON.stringify({ big: 'x'.repeat(2048) })]
]

for (const [name, headers, payload] of cases) {
  test(`a POST with ${name} to a GET-only URL gets 405`, async (t) => {
    const routes = app => { app.get('/only-get', ok) }
    const app = await appWith(routes, { fastifyOptions: { bodyLimit: 1024 } })
    const response = await app.inject({ method: 'POST', url: '/only-get', headers, payload })
    t.assert.strictEqual(response.statusCode, 405)
    t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')

    // The same request to an unknown URL still gets exactly what Fastify answers (404 after its parsing).
    const plain = Fastify({ bodyLimit: 1024 })
    routes(plain)
    const expected = await plain.inject({ method: 'POST', url: '/unknown', headers, payload })
    const actual = await app.inject({ method: 'POST', url: '/unknown', headers, payload })
    t.assert.strictEqual(actual.statusCode, expected.statusCode)
    t.assert.strictEqual(actual.body, expected.body)
  })
}
