// @fastify/static in wildcard mode (the default) registers GET and HEAD on `<prefix>*`; at the root that is
// `/*`, which matches every path. The catch-all rule: a URL matched only by `/*` catch-alls is unknown (404),
// so a served file at the root is unknown to the plugin as well. Under a prefix, `/static/*` is an ordinary
// wildcard route: every URL under it is known (GET and HEAD are routed there, whether or not a file exists).
// With `wildcard: false`, static registers one GET/HEAD route per file, and each file is a known URL.
import { test, describe, before, after } from 'node:test'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import fastifyStatic from '@fastify/static'
import fastifyAllowedMethods from '../../dist/index.js'
import { methodNotAllowedBody, notFoundBody, stableHeaders } from '../support/expected.js'

const FILES = 'GET, HEAD, OPTIONS'
const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']
let root

before(() => {
  root = mkdtempSync(join(tmpdir(), 'fastify-allowed-methods-static-'))
  writeFileSync(join(root, 'hello.txt'), 'hello')
  writeFileSync(join(root, 'index.html'), '<p>home</p>')
  mkdirSync(join(root, 'css'))
  writeFileSync(join(root, 'css', 'site.css'), 'p{}')
})
after(() => rmSync(root, { recursive: true, force: true }))

async function build (plugin, staticOptions) {
  const app = Fastify()
  if (plugin) await app.register(fastifyAllowedMethods)
  await app.register(fastifyStatic, { root, ...staticOptions })
  app.get('/users', async () => ['ada'])
  app.post('/upload', async () => 'stored')
  await app.ready()
  return app
}

/**
 * Each row: method, URL, expected status with the plugin, expected Allow (405 and OPTIONS) or body (200).
 * Every 404 must equal Fastify's 404 for the same request, body and headers.
 */
const modes = [
  {
    name: 'at the root, wildcard mode (default)',
    options: {},
    rows: [
      ['GET', '/hello.txt', 200, 'hello'],
      ['GET', '/css/site.css', 200, 'p{}'],
      // Only static's `/*` matches a file's URL: unknown by the catch-all rule, so 404 like Fastify's.
      ['POST', '/hello.txt', 404],
      ['DELETE', '/css/site.css', 404],
      ['OPTIONS', '/hello.txt', 404],
      ['POST', '/', 404],
      ['PUT', '/nope', 404],
      ['PUT', '/nope/deeper/still', 404],
      ['OPTIONS', '/nope', 404],
      // GET /nope is routed to static, which finds no file and calls the not-found handler.
      ['GET', '/nope', 404],
      // A real route next to the catch-all: static's GET and HEAD do route there, so they are in Allow.
      ['POST', '/users', 405, FILES],
      ['OPTIONS', '/users', 200, FILES],
      ['DELETE', '/upload', 405, 'GET, HEAD, OPTIONS, POST'],
      ['OPTIONS', '/upload', 200, 'GET, HEAD, OPTIONS, POST']
    ]
  },
  {
    name: 'at the root, wildcard: false',
    options: { wildcard: false },
    rows: [
      ['GET', '/hello.txt', 200, 'hello'],
      ['POST', '/hello.txt', 405, FILES],
      ['OPTIONS', '/hello.txt', 200, FILES],
      ['DELETE', '/css/site.css', 405, FILES],
      ['POST', '/index.html', 405, FILES],
      // The index route `/` of the directory holding index.html.
      ['POST', '/', 405, FILES],
      ['PUT', '/nope', 404],
      ['GET', '/nope', 404],
      ['OPTIONS', '/nope', 404],
      ['POST', '/css', 404],
      ['POST', '/users', 405, FILES],
      ['GET', '/upload', 405, 'OPTIONS, POST']
    ]
  },
  {
    name: 'under a prefix, wildcard mode',
    options: { prefix: '/static/' },
    rows: [
      ['GET', '/static/hello.txt', 200, 'hello'],
      ['POST', '/static/hello.txt', 405, FILES],
      ['OPTIONS', '/static/hello.txt', 200, FILES],
      ['DELETE', '/static/css/site.css', 405, FILES],
      ['POST', '/static/', 405, FILES],
      // `/static/*` is not a root catch-all: Fastify routes GET for every URL under it, so they are known.
      ['POST', '/static/nope', 405, FILES],
      ['GET', '/static/nope', 404],
      ['POST', '/static', 404],
      ['POST', '/hello.txt', 404],
      ['PUT', '/nope', 404],
      ['OPTIONS', '/nope', 404],
      ['GET', '/upload', 405, 'OPTIONS, POST']
    ]
  },
  {
    name: 'under a prefix, wildcard: false',
    options: { prefix: '/static', wildcard: false },
    rows: [
      ['GET', '/static/hello.txt', 200, 'hello'],
      ['POST', '/static/hello.txt', 405, FILES],
      ['OPTIONS', '/static/css/site.css', 200, FILES],
      ['POST', '/static/', 405, FILES],
      ['POST', '/static/nope', 404],
      ['GET', '/static/nope', 404],
      ['OPTIONS', '/static/nope', 404],
      ['POST', '/static', 404],
      ['POST', '/hello.txt', 404]
    ]
  }
]

for (const mode of modes) {
  describe(`@fastify/static ${mode.name}`, () => {
    let plain
    let withPlugin
    before(async () => {
      plain = await build(false, mode.options)
      withPlugin = await build(true, mode.options)
    })
    after(async () => {
      await plain.close()
      await withPlugin.close()
    })

    for (const [method, url, status, expected] of mode.rows) {
      const allowShown = status === 405 || (status === 200 && method === 'OPTIONS')
      test(`${method} ${url} -> ${status}${allowShown ? ` Allow: ${expected}` : ''}`, async (t) => {
        const without = await plain.inject({ method, url })
        const response = await withPlugin.inject({ method, url })
        t.assert.strictEqual(response.statusCode, status)
        if (status === 404) {
          t.assert.strictEqual(without.statusCode, 404)
          t.assert.deepStrictEqual(response.json(), notFoundBody(method, url))
          t.assert.deepStrictEqual(stableHeaders(response.headers), stableHeaders(without.headers))
        } else if (status === 405) {
          t.assert.strictEqual(without.statusCode, 404)
          t.assert.strictEqual(response.headers.allow, expected)
          t.assert.deepStrictEqual(response.json(), methodNotAllowedBody(method, url))
        } else if (method === 'OPTIONS') {
          t.assert.strictEqual(without.statusCode, 404)
          t.assert.strictEqual(response.headers.allow, expected)
          t.assert.strictEqual(response.headers['content-length'], '0')
          t.assert.strictEqual(response.body, '')
        } else {
          t.assert.strictEqual(without.statusCode, 200)
          t.assert.strictEqual(response.body, expected)
          t.assert.strictEqual(response.headers.allow, undefined)
        }
      })
    }

    test('consistent with Fastify\'s router and the catch-all rule', async (t) => {
      // Allow (405 and OPTIONS) is exactly the set of methods Fastify routes for the URL, plus OPTIONS; a 404
      // is a URL that no route matches, or that only the root catch-all `/*` matches.
      for (const [method, url, status, allow] of mode.rows) {
        const routed = METHODS.filter(m => plain.findRoute({ method: m, url }) !== null)
        if (status === 405 || (status === 200 && method === 'OPTIONS')) {
          t.assert.deepStrictEqual([...routed, 'OPTIONS'].sort(), allow.split(', '), `${method} ${url}`)
        } else if (status === 404 && !routed.includes(method)) {
          // (A 404 for a routed method is static's own answer for a missing file.)
          const notCatchAll = routed.filter(m => plain.findRoute({ method: m, url }).params['*'] !== url.slice(1))
          t.assert.deepStrictEqual(notCatchAll, [], `${method} ${url}`)
        }
      }
    })
  })
}
