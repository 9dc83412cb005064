// Malformed and unusual requests, each compared with the same app without the plugin. The plugin's status
// must be Fastify's, or the correct 405 (or OPTIONS 200) where Fastify says 404; never a 500, and the
// server must still answer afterwards. Requests `app.inject()` refuses or normalises (NUL and control bytes,
// `..`, absolute-form and `*` targets, lowercase methods) go over a raw socket.
import { test, describe, before, after } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { methodNotAllowedBody, notImplementedBody } from '../support/expected.js'
import { rawRequest, rawRequestText } from '../support/raw-http.js'

async function build (pluginOptions) {
  const app = Fastify()
  if (pluginOptions !== undefined) await app.register(fastifyAllowedMethods, pluginOptions)
  app.get('/x', async () => 'x')
  app.get('/users', async () => ['ada'])
  app.post('/users', async () => 'created')
  app.get('/users/:id', async (request) => ({ id: request.params.id }))
  app.delete('/users/:id', async () => 'deleted')
  app.get('/files/*', async (request) => ({ length: request.params['*'].length }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

const USER = 'DELETE, GET, HEAD, OPTIONS'
const USERS = 'GET, HEAD, OPTIONS, POST'
const FILES = 'GET, HEAD, OPTIONS'
const ALL = 'DELETE, GET, HEAD, OPTIONS, POST'
const KIB64 = 'k'.repeat(64 * 1024)
const query = (count, key = (i) => `k${i}`) => Array.from({ length: count }, (_, i) => `${key(i)}=${i}`).join('&')

/**
 * [group, method, target, via, Fastify's status, the plugin's status, Allow, status with notImplemented]
 * Allow is given for 405 and OPTIONS 200 answers. The last column defaults to the plugin's status. The app
 * implements GET, HEAD, POST and DELETE, so PUT, MKCOL and PROPFIND get 501 under notImplemented.
 */
const rows = [
  ['malformed percent escape', 'GET', '/users/%zz', 'inject', 400, 400],
  ['malformed percent escape', 'POST', '/users/%zz', 'inject', 400, 400],
  ['malformed percent escape', 'OPTIONS', '/users/%zz', 'inject', 400, 400],
  ['malformed percent escape', 'PUT', '/users/%zz', 'inject', 400, 400],
  ['malformed percent escape', 'GET', '/%', 'inject', 400, 400],
  ['malformed percent escape', 'POST', '/%', 'inject', 400, 400],
  ['malformed percent escape', 'POST', '/users/%E0%A4%A', 'inject', 400, 400],
  ['malformed percent escape', 'DELETE', '/files/%E0%A4%A', 'inject', 400, 400],
  ['malformed percent escape', 'POST', '/users/%zz', 'raw', 400, 400],

  ['encoded NUL', 'GET', '/users/a%00b', 'inject', 200, 200],
  ['encoded NUL', 'POST', '/users/a%00b', 'inject', 404, 405, USER],
  ['encoded NUL', 'OPTIONS', '/users/a%00b', 'inject', 404, 200, USER],
  ['encoded NUL', 'POST', '/nope%00', 'inject', 404, 404],
  ['raw NUL byte', 'POST', '/users/a\x00b', 'raw', 400, 400],
  ['raw NUL byte', 'GET', '/x\x00', 'raw', 400, 400],
  ['raw control byte', 'POST', '/users/a\x01b', 'raw', 400, 400],
  ['raw control byte', 'GET', '/users/a\x7fb', 'raw', 400, 400],
  ['raw control byte', 'POST', '/users/a\x1bb', 'raw', 400, 400],

  // Fastify does not resolve dot segments: `..` is a path segment like any other (a param value here).
  ['dot segments', 'GET', '/users/..', 'raw', 200, 200],
  ['dot segments', 'POST', '/users/..', 'raw', 404, 405, USER],
  ['dot segments', 'POST', '/users/%2e%2e', 'raw', 404, 405, USER],
  ['dot segments', 'POST', '/users/../users', 'raw', 404, 404],
  ['dot segments', 'PUT', '/a/../users/1', 'raw', 404, 404, undefined, 501],
  ['dot segments', 'DELETE', '/files/../../etc/passwd', 'raw', 404, 405, FILES],
  ['dot segments', 'OPTIONS', '/files/../x', 'raw', 404, 200, FILES],

  ['absolute-form target', 'GET', 'http://localhost/users/1', 'raw', 200, 200],
  ['absolute-form target', 'POST', 'http://localhost/users/1', 'raw', 404, 405, USER],
  ['absolute-form target', 'OPTIONS', 'http://localhost/users', 'raw', 404, 200, USERS],
  ['absolute-form target', 'POST', 'http://localhost/nope', 'raw', 404, 404],
  ['absolute-form target', 'PUT', 'http://localhost/users/1', 'raw', 404, 405, USER, 501],

  // RFC 9110 9.3.7: `OPTIONS *` asks about the server as a whole. Other methods: as Fastify.
  ['asterisk target', 'OPTIONS', '*', 'raw', 404, 200, ALL, 200],
  ['asterisk target', 'GET', '*', 'raw', 404, 404],
  ['asterisk target', 'POST', '*', 'raw', 404, 404],
  ['asterisk target', 'PUT', '*', 'raw', 404, 404, undefined, 501],

  // Over a socket, Node's 16 KiB header limit answers 431 before Fastify sees the request.
  ['64 KiB path', 'GET', `/users/${KIB64}`, 'raw', 431, 431],
  ['64 KiB path', 'POST', `/files/${KIB64}`, 'raw', 431, 431],
  // Through inject there is no limit: the router sees the whole path.
  ['64 KiB path', 'GET', `/files/${KIB64}`, 'inject', 200, 200],
  ['64 KiB path', 'POST', `/files/${KIB64}`, 'inject', 404, 405, FILES],
  ['64 KiB path', 'OPTIONS', `/files/${KIB64}`, 'inject', 404, 200, FILES],
  ['64 KiB path', 'GET', `/nope/${KIB64}`, 'inject', 404, 404],
  ['64 KiB path', 'PUT', `/nope/${KIB64}`, 'inject', 404, 404, undefined, 501],
  // A param over maxParamLength: Fastify answers 414 for a method whose route has the param, 404 otherwise.
  // The plugin's router uses the same maxParamLength, so the URL is unknown to it: Fastify's 404 stays.
  ['64 KiB path', 'GET', `/users/${KIB64}`, 'inject', 414, 414],
  ['64 KiB path', 'POST', `/users/${KIB64}`, 'inject', 404, 404],

  ['param over maxParamLength (100)', 'GET', `/users/${'p'.repeat(101)}`, 'inject', 414, 414],
  ['param over maxParamLength (100)', 'DELETE', `/users/${'p'.repeat(101)}`, 'inject', 414, 414],
  ['param over maxParamLength (100)', 'POST', `/users/${'p'.repeat(101)}`, 'inject', 404, 404],
  ['param over maxParamLength (100)', 'OPTIONS', `/users/${'p'.repeat(101)}`, 'inject', 404, 404],
  ['param at maxParamLength (100)', 'GET', `/users/${'p'.repeat(100)}`, 'inject', 200, 200],
  ['param at maxParamLength (100)', 'POST', `/users/${'p'.repeat(100)}`, 'inject', 404, 405, USER],

  ['method Fastify does not enable', 'MKCOL', '/users', 'inject', 404, 405, USERS, 501],
  ['method Fastify does not enable', 'PROPFIND', '/users/1', 'inject', 404, 405, USER, 501],
  ['method Fastify does not enable', 'MKCOL', '/nope', 'inject', 404, 404, undefined, 501],
  ['method Fastify does not enable', 'PROPFIND', '/nope', 'inject', 404, 404, undefined, 501],
  ['method Fastify does not enable', 'PROPFIND', '/users/1', 'raw', 404, 405, USER, 501],
  ['method Fastify does not enable', 'MKCOL', '/nope', 'raw', 404, 404, undefined, 501],

  // Node's HTTP parser rejects these before Fastify: the same 400 with or without the plugin.
  ['lowercase or unknown method', 'get', '/x', 'raw', 400, 400],
  ['lowercase or unknown method', 'Get', '/x', 'raw', 400, 400],
  ['lowercase or unknown method', 'post', '/users', 'raw', 400, 400],
  ['lowercase or unknown method', 'FOO', '/x', 'raw', 400, 400],
  ['lowercase or unknown method', 'FOO', '/nope', 'raw', 400, 400],

  ['10,000 query parameters', 'GET', `/users/1?${query(10000)}`, 'inject', 200, 200],
  ['10,000 query parameters', 'POST', `/users/1?${query(10000)}`, 'inject', 404, 405, USER],
  ['10,000 query parameters', 'OPTIONS', `/users?${query(10000)}`, 'inject', 404, 200, USERS],
  ['10,000 query parameters', 'POST', `/nope?${query(10000)}`, 'inject', 404, 404],
  ['10,000 query parameters', 'POST', `/users/1?${query(10000, () => 'same')}`, 'inject', 404, 405, USER],
  ['1,000 query parameters', 'POST', `/users/1?${query(1000)}`, 'raw', 404, 405, USER],
  ['1,000 query parameters', 'PUT', `/nope?${query(1000)}`, 'raw', 404, 404, undefined, 501]
]

describe('bad input, compared with the same app without the plugin', () => {
  let plain
  let withPlugin
  let strict
  before(async () => {
    plain = await build(undefined)
    withPlugin = await build({})
    strict = await build({ notImplemented: true })
  })
  after(async () => {
    await plain.close()
    await withPlugin.close()
    await strict.close()
  })

  async function send (app, via, method, target) {
    if (via === 'raw') {
      const response = await rawRequest(app.server.address().port, rawRequestText(method, target))
      return { status: response.status, headers: response.headers, body: response.body }
    }
    const response = await app.inject({ method, url: target })
    return { status: response.statusCode, headers: response.headers, body: response.body }
  }

  for (const [group, method, target, via, fastifyStatus, status, allow, strictStatus = status] of rows) {
    const shown = JSON.stringify(target.length > 60 ? `${target.slice(0, 40)}...(${target.length} chars)` : target)
    test(`${group}: ${method} ${shown} (${via}) -> Fastify ${fastifyStatus}, plugin ${status}`, async (t) => {
      const expected = await send(plain, via, method, target)
      const response = await send(withPlugin, via, method, target)
      const withNotImplemented = await send(strict, via, method, target)

      t.assert.strictEqual(expected.status, fastifyStatus, 'Fastify without the plugin')
      t.assert.strictEqual(response.status, status, 'with the plugin')
      // The plugin changes an answer only from Fastify's 404 to a 405 or an OPTIONS 200.
      const upgraded = fastifyStatus === 404 && (status === 405 || (status === 200 && method === 'OPTIONS'))
      t.assert.ok(status === fastifyStatus || upgraded)

      if (status === 405) {
        t.assert.strictEqual(response.headers.allow, allow)
        t.assert.deepStrictEqual(JSON.parse(response.body), methodNotAllowedBody(method, target))
      } else if (status === 200 && method === 'OPTIONS') {
        t.assert.strictEqual(response.headers.allow, allow)
        t.assert.strictEqual(response.headers['content-length'], '0')
        t.assert.strictEqual(response.body, '')
      } else {
        t.assert.strictEqual(response.headers.allow, undefined)
        t.assert.strictEqual(response.headers['content-type'], expected.headers['content-type'])
        t.assert.strictEqual(response.body, expected.body)
      }

      t.assert.strictEqual(withNotImplemented.status, strictStatus, 'with notImplemented: true')
      if (strictStatus === 501) {
        t.assert.deepStrictEqual(JSON.parse(withNotImplemented.body), notImplementedBody(method))
        t.assert.strictEqual(withNotImplemented.headers.allow, undefined)
      } else {
        t.assert.strictEqual(withNotImplemented.headers.allow, response.headers.allow)
        t.assert.strictEqual(withNotImplemented.body, response.body)
      }

      // Still answering afterwards, over the same transport.
      for (const app of [plain, withPlugin, strict]) {
        const after = await send(app, via, 'GET', '/x')
        t.assert.strictEqual(after.status, 200)
        t.assert.strictEqual(after.body, 'x')
      }
    })
  }
})
