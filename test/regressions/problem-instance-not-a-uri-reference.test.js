// `instance` was the request target as received, which may carry characters no URI reference may
// (RFC 9457 3.1.5, RFC 3986 4.1): now those are percent-encoded, and what a URI may carry stays as it is.
import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'
import { rawRequest, rawRequestText } from '../support/raw-http.js'

// Every character RFC 3986 lets a path and a query carry: unreserved, sub-delims, ":", "@", "/", "?", escapes.
const VALID = "/files/Az09-._~!$&'()*+,;=:@/x%2f%C3%A9?q=/?:@!$&()*+,;=%41"

async function problemApp (fastifyOptions = {}) {
  const app = Fastify(fastifyOptions)
  await app.register(fastifyAllowedMethods, { problemDetails: true, notImplemented: true })
  app.get('/files/*', ok)
  // Served elsewhere: a 405 at /files/, not a 501.
  app.post('/other', ok)
  app.delete('/other', ok)
  await app.ready()
  return app
}

function assertUriReference (t, instance, expected, why) {
  t.assert.strictEqual(instance, expected, why)
  // A URI reference resolves, and WHATWG's parser leaves every character of it as it is.
  const parsed = new URL(instance, 'http://x')
  t.assert.strictEqual(parsed.pathname + parsed.search, instance, why)
}

test('raw targets: characters Node accepts but no URI may are percent-encoded, the rest byte for byte', async (t) => {
  const app = await problemApp()
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const { port } = app.server.address()
  const cases = [
    ['POST', VALID, VALID],
    ['POST', '/files/a<b>"c\\{}|^`[d]#e?q=<1>&r=%41%zz%4%',
      '/files/a%3Cb%3E%22c%5C%7B%7D%7C%5E%60%5Bd%5D%23e?q=%3C1%3E&r=%41%25zz%254%25'],
    ['PROPFIND', '/files/{x}?%', '/files/%7Bx%7D?%25']
  ]
  for (const [method, target, expected] of cases) {
    const response = await rawRequest(port, rawRequestText(method, target))
    t.assert.strictEqual(response.status, method === 'POST' ? 405 : 501, target)
    const problem = JSON.parse(response.body)
    t.assert.strictEqual(problem.detail.includes(target), method === 'POST', 'detail keeps the target as received')
    assertUriReference(t, problem.instance, expected, target)
  }
})

test('through inject, and a target an app\'s rewriteUrl made: spaces, controls and non-ASCII as UTF-8', async (t) => {
  const rewritten = '/files/a b\u00e9\u20ac\u0001\u007f\ud800'
  const app = await problemApp({ rewriteUrl: (request) => request.url === '/rewritten' ? rewritten : request.url })
  const cases = [
    ['/files/a|b^[c]?q=%', '/files/a%7Cb%5E%5Bc%5D?q=%25'],
    [VALID, VALID],
    ['/rewritten', '/files/a%20b%C3%A9%E2%82%AC%01%7F%EF%BF%BD']
  ]
  for (const [url, expected] of cases) {
    const response = await app.inject({ method: 'DELETE', url })
    t.assert.strictEqual(response.statusCode, 405, url)
    assertUriReference(t, response.json().instance, expected, url)
  }
})
