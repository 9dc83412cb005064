// @fastify/cors registers `OPTIONS *` (stored as `/*`, matching every path) and answers preflights in an
// onRequest hook. The plugin must not read that catch-all as "every URL exists": unknown URLs stay 404,
// known URLs get 405 with OPTIONS in Allow, and preflights stay cors's answers.
import { test, describe, before, after } from 'node:test'
import Fastify from 'fastify'
import cors from '@fastify/cors'
import fastifyAllowedMethods from '../../dist/index.js'
import { methodNotAllowedBody, notFoundBody, stableHeaders } from '../support/expected.js'
import { rawRequest, rawRequestText } from '../support/raw-http.js'

const PREFLIGHT = { origin: 'http://app.example', 'access-control-request-method': 'POST' }

/** The same app with or without the plugin; the cors routes live under `prefix` when given. */
async function build ({ plugin, corsOptions = {}, prefix = '', pluginOptions = {}, listen = false }) {
  const app = Fastify()
  if (plugin) await app.register(fastifyAllowedMethods, pluginOptions)
  async function routes (scope) {
    await scope.register(cors, corsOptions)
    scope.get('/users', async () => ['ada'])
    scope.post('/users', async () => 'created')
    scope.get('/users/:id', async (request) => ({ id: request.params.id }))
    scope.delete('/users/:id', async () => 'deleted')
  }
  if (prefix === '') {
    await routes(app)
  } else {
    await app.register(routes, { prefix })
    app.get('/health', async () => 'ok')
  }
  if (listen) await app.listen({ port: 0, host: '127.0.0.1' })
  else await app.ready()
  return app
}

const variants = [
  { name: 'cors at the root, preflight on', corsOptions: {}, prefix: '' },
  { name: 'cors at the root, preflight: false', corsOptions: { preflight: false }, prefix: '' },
  { name: 'cors inside a prefixed plugin', corsOptions: {}, prefix: '/api' }
]

for (const variant of variants) {
  const { corsOptions, prefix } = variant
  const preflightOn = corsOptions.preflight !== false

  describe(variant.name, () => {
    let plain
    let withPlugin
    before(async () => {
      plain = await build({ plugin: false, corsOptions, prefix })
      withPlugin = await build({ plugin: true, corsOptions, prefix })
    })
    after(async () => {
      await plain.close()
      await withPlugin.close()
    })

    test('unknown URLs stay 404, with the body and headers of Fastify\'s 404', async (t) => {
      const requests = [
        ['GET', '/nope'], ['DELETE', '/nope'], ['POST', `${prefix}/nope`], ['PATCH', `${prefix}/users/1/extra`],
        ['GET', `${prefix}/users/1/extra`], ['PUT', `${prefix}/nope/deeper`]
      ]
      t.plan(requests.length * 3)
      for (const [method, url] of requests) {
        const expected = await plain.inject({ method, url })
        const response = await withPlugin.inject({ method, url })
        t.assert.strictEqual(response.statusCode, 404, `${method} ${url}`)
        t.assert.deepStrictEqual(response.json(), notFoundBody(method, url))
        t.assert.deepStrictEqual(stableHeaders(response.headers), stableHeaders(expected.headers))
      }
    })

    test('known URLs get 405 with OPTIONS in Allow', async (t) => {
      const requests = [
        ['DELETE', `${prefix}/users`, 'GET, HEAD, OPTIONS, POST'],
        ['PUT', `${prefix}/users`, 'GET, HEAD, OPTIONS, POST'],
        ['PUT', `${prefix}/users/7`, 'DELETE, GET, HEAD, OPTIONS'],
        ['POST', `${prefix}/users/7?x=1`, 'DELETE, GET, HEAD, OPTIONS']
      ]
      t.plan(requests.length * 5)
      for (const [method, url, allow] of requests) {
        const without = await plain.inject({ method, url, headers: { origin: 'http://app.example' } })
        const response = await withPlugin.inject({ method, url, headers: { origin: 'http://app.example' } })
        t.assert.strictEqual(without.statusCode, 404, `${method} ${url} without the plugin`)
        t.assert.strictEqual(response.statusCode, 405, `${method} ${url}`)
        t.assert.strictEqual(response.headers.allow, allow)
        t.assert.deepStrictEqual(response.json(), methodNotAllowedBody(method, url))
        // The resource's onRequest hooks run before its 405 (the `guards` option): it carries the CORS headers
        // its routes' answers carry, at the root and in a prefixed plugin, whose cors hook no 404 runs.
        const routed = await plain.inject({ method: 'GET', url, headers: { origin: 'http://app.example' } })
        const allowOrigin = 'access-control-allow-origin'
        t.assert.strictEqual(response.headers[allowOrigin], routed.headers[allowOrigin])
      }
    })

    test('a route that exists keeps its own answer', async (t) => {
      const response = await withPlugin.inject({
        method: 'GET', url: `${prefix}/users/3`, headers: { origin: 'http://app.example' }
      })
      t.assert.strictEqual(response.statusCode, 200)
      t.assert.deepStrictEqual(response.json(), { id: '3' })
      t.assert.strictEqual(response.headers['access-control-allow-origin'], '*')
      t.assert.strictEqual(response.headers.allow, undefined)
    })

    if (preflightOn) {
      test('preflights are answered by cors: its 204 and headers, known URL or not', async (t) => {
        const urls = [`${prefix}/users`, `${prefix}/users/1`, `${prefix}/nope`]
        t.plan(urls.length * 5)
        for (const url of urls) {
          const expected = await plain.inject({ method: 'OPTIONS', url, headers: PREFLIGHT })
          const response = await withPlugin.inject({ method: 'OPTIONS', url, headers: PREFLIGHT })
          t.assert.strictEqual(response.statusCode, 204, url)
          t.assert.strictEqual(response.headers['access-control-allow-methods'], 'GET,HEAD,POST')
          t.assert.strictEqual(response.headers.allow, undefined)
          t.assert.strictEqual(response.body, '')
          t.assert.deepStrictEqual(stableHeaders(response.headers), stableHeaders(expected.headers))
        }
      })

      test('an OPTIONS request that is not a preflight gets cors\'s strict-preflight 400, ' +
        'as without the plugin', async (t) => {
        for (const url of [`${prefix}/users`, `${prefix}/nope`]) {
          const expected = await plain.inject({ method: 'OPTIONS', url })
          const response = await withPlugin.inject({ method: 'OPTIONS', url })
          t.assert.strictEqual(response.statusCode, 400, url)
          t.assert.strictEqual(response.body, 'Invalid Preflight Request')
          t.assert.deepStrictEqual(stableHeaders(response.headers), stableHeaders(expected.headers))
        }
      })
    } else {
      test('a preflight gets the automatic answer, with Access-Control-Allow-Origin only', async (t) => {
        const response = await withPlugin.inject({ method: 'OPTIONS', url: '/users/1', headers: PREFLIGHT })
        t.assert.strictEqual(response.statusCode, 200)
        t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS')
        t.assert.strictEqual(response.headers['access-control-allow-origin'], '*')
        t.assert.strictEqual(response.headers['access-control-allow-methods'], undefined)
      })

      test('OPTIONS on an unknown URL stays 404 (cors hands it to the not-found handler)', async (t) => {
        const response = await withPlugin.inject({ method: 'OPTIONS', url: '/nope', headers: PREFLIGHT })
        t.assert.strictEqual(response.statusCode, 404)
        t.assert.deepStrictEqual(response.json(), notFoundBody('OPTIONS', '/nope'))
        t.assert.strictEqual(response.headers.allow, undefined)
      })

      // Regression: cors's `OPTIONS *` handler calls reply.callNotFound() when preflight is off, which runs only
      // the not-found context's preHandler hooks, not the plugin's onRequest hook: the URL's 405 said
      // `Allow: ..., OPTIONS` while OPTIONS answered 404, until the plugin added its preHandler.
      test('OPTIONS on a known URL gets the automatic answer that its 405 advertises', async (t) => {
        const response = await withPlugin.inject({ method: 'OPTIONS', url: '/users' })
        t.assert.strictEqual(response.statusCode, 200)
        t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, POST')
        t.assert.strictEqual(response.headers['content-length'], '0')
        t.assert.strictEqual(response.body, '')
      })
    }

    if (prefix !== '') {
      test('outside the cors prefix, OPTIONS gets the plugin\'s automatic answer and 405s list OPTIONS', async (t) => {
        const options = await withPlugin.inject({ method: 'OPTIONS', url: '/health' })
        t.assert.strictEqual(options.statusCode, 200)
        t.assert.strictEqual(options.headers.allow, 'GET, HEAD, OPTIONS')
        t.assert.strictEqual(options.headers['content-length'], '0')
        t.assert.strictEqual(options.body, '')
        const wrong = await withPlugin.inject({ method: 'POST', url: '/health' })
        t.assert.strictEqual(wrong.statusCode, 405)
        t.assert.strictEqual(wrong.headers.allow, 'GET, HEAD, OPTIONS')
      })
    }
  })
}

test('strictPreflight: false: an OPTIONS that is no preflight gets cors\'s 204, as without the plugin', async (t) => {
  const corsOptions = { strictPreflight: false }
  const plain = await build({ plugin: false, corsOptions })
  const withPlugin = await build({ plugin: true, corsOptions })
  t.after(() => Promise.all([plain.close(), withPlugin.close()]))
  for (const url of ['/users', '/nope']) {
    const expected = await plain.inject({ method: 'OPTIONS', url })
    const response = await withPlugin.inject({ method: 'OPTIONS', url })
    t.assert.strictEqual(response.statusCode, 204, url)
    t.assert.strictEqual(response.headers['access-control-allow-methods'], 'GET,HEAD,POST')
    t.assert.strictEqual(response.headers.allow, undefined)
    t.assert.deepStrictEqual(stableHeaders(response.headers), stableHeaders(expected.headers))
  }
})

describe('autoOptions: false next to cors', () => {
  test('Allow lists OPTIONS only where cors routes it', async (t) => {
    const root = await build({ plugin: true, pluginOptions: { autoOptions: false } })
    const prefixed = await build({ plugin: true, prefix: '/api', pluginOptions: { autoOptions: false } })
    t.after(() => Promise.all([root.close(), prefixed.close()]))

    // Fastify routes OPTIONS /users to cors's `OPTIONS *`: the method is allowed there.
    const atRoot = await root.inject({ method: 'DELETE', url: '/users' })
    t.assert.strictEqual(atRoot.statusCode, 405)
    t.assert.strictEqual(atRoot.headers.allow, 'GET, HEAD, OPTIONS, POST')
    const unknown = await root.inject({ method: 'DELETE', url: '/nope' })
    t.assert.strictEqual(unknown.statusCode, 404)
    t.assert.deepStrictEqual(unknown.json(), notFoundBody('DELETE', '/nope'))

    const inPrefix = await prefixed.inject({ method: 'DELETE', url: '/api/users' })
    t.assert.strictEqual(inPrefix.statusCode, 405)
    t.assert.strictEqual(inPrefix.headers.allow, 'GET, HEAD, OPTIONS, POST')
    const outside = await prefixed.inject({ method: 'DELETE', url: '/health' })
    t.assert.strictEqual(outside.statusCode, 405)
    t.assert.strictEqual(outside.headers.allow, 'GET, HEAD')
    const unknownInPrefix = await prefixed.inject({ method: 'DELETE', url: '/api/nope' })
    t.assert.strictEqual(unknownInPrefix.statusCode, 404)
  })
})

// `OPTIONS *` needs a raw socket: app.inject() turns the target `*` into `/*`.
describe('OPTIONS * next to cors (raw socket)', () => {
  test('cors at the root owns `OPTIONS *` (its `/*` route matches it): ' +
    'same answer as without the plugin', async (t) => {
    const plain = await build({ plugin: false, listen: true })
    // Closed even when the second app fails to start: a listening server left open keeps the file running.
    t.after(() => plain.close())
    const withPlugin = await build({ plugin: true, listen: true })
    t.after(() => withPlugin.close())
    for (const headers of [{}, { Origin: 'http://app.example', 'Access-Control-Request-Method': 'POST' }]) {
      const expected = await rawRequest(plain.server.address().port, rawRequestText('OPTIONS', '*', headers))
      const response = await rawRequest(withPlugin.server.address().port, rawRequestText('OPTIONS', '*', headers))
      t.assert.strictEqual(response.status, expected.status)
      t.assert.strictEqual(response.status, headers.Origin === undefined ? 400 : 204)
      t.assert.strictEqual(response.body, expected.body)
      t.assert.deepStrictEqual(stableHeaders(response.headers), stableHeaders(expected.headers))
    }
  })

  // cors's `OPTIONS *` route matches the asterisk-form target too, and with `preflight: false` hands it to the
  // not-found handler: the plugin answers it as it answers `OPTIONS *` without cors (RFC 9110 9.3.7), which
  // `describeOptions` does not describe.
  test('cors at the root with preflight: false: `OPTIONS *` gets 200 with every method of the app', async (t) => {
    const corsOptions = { preflight: false }
    const app = await build({ plugin: true, corsOptions, pluginOptions: { describeOptions: true }, listen: true })
    t.after(() => app.close())
    const request = rawRequestText('OPTIONS', '*', { Accept: 'application/json' })
    const response = await rawRequest(app.server.address().port, request)
    t.assert.strictEqual(response.status, 200)
    t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS, POST')
    t.assert.strictEqual(response.headers['access-control-allow-origin'], '*')
    t.assert.strictEqual(response.headers['content-length'], '0')
    t.assert.strictEqual(response.body, '')
  })

  test('cors in a prefixed plugin: `OPTIONS *` gets 200 with every method of the app', async (t) => {
    const app = await build({ plugin: true, prefix: '/api', listen: true })
    t.after(() => app.close())
    const response = await rawRequest(app.server.address().port, rawRequestText('OPTIONS', '*'))
    t.assert.strictEqual(response.status, 200)
    t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS, POST')
    t.assert.strictEqual(response.headers['content-length'], '0')
    t.assert.strictEqual(response.body, '')
  })
})
