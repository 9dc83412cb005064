// An app that spreads its routes over encapsulated, prefixed and nested plugins, with its own not-found
// handlers at the root and inside prefixed plugins: the custom 404s are kept for unknown URLs (same status,
// body and headers as the same app without the plugin), and known URLs under every prefix still get
// 405 and OPTIONS answers.
import { test, describe, before, after } from 'node:test'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import fastifyAllowedMethods from '../../dist/index.js'
import { methodNotAllowedBody, stableHeaders } from '../support/expected.js'

const rootNotFound = (request, reply) =>
  reply.code(404).header('x-not-found', 'root').send({ scope: 'root', url: request.url })

/**
 * `rootHandler`: how the root's not-found handler is set: 'option' (the plugin's `notFound` option) or
 * 'setNotFoundHandler' (called by the app after the plugin). Without the plugin, both are a plain
 * setNotFoundHandler call.
 */
async function build ({ plugin, rootHandler }) {
  const app = Fastify()
  const seen = { docsNotFoundHook: 0 }
  if (plugin) await app.register(fastifyAllowedMethods, rootHandler === 'option' ? { notFound: rootNotFound } : {})
  if (!plugin || rootHandler === 'setNotFoundHandler') app.setNotFoundHandler(rootNotFound)

  app.get('/', async () => 'home')
  app.get('/health', async () => 'ok')
  // Not encapsulated: its routes belong to the root.
  await app.register(fp(async (shared) => {
    shared.get('/shared', async () => 'shared')
    shared.put('/shared', async () => 'put')
  }))

  await app.register(async (api) => {
    api.get('/users', async () => ['ada'])
    api.post('/users', async () => 'created')
    api.get('/users/:id', async (request) => ({ id: request.params.id }))
    api.patch('/users/:id', async () => 'patched')
    // Encapsulated, without a prefix of its own.
    await api.register(async (inner) => {
      inner.delete('/users/:id', async () => 'deleted')
    })

    await api.register(async (v1) => {
      v1.setNotFoundHandler({
        preHandler: async (request, reply) => { reply.header('x-v1-hook', 'ran') }
      }, (request, reply) => reply.code(404).send({ scope: 'v1', url: request.url }))
      v1.get('/', async () => 'v1 root')
      v1.get('/items', async () => [])
      v1.put('/items/:id', async () => 'put')

      await v1.register(async (admin) => {
        admin.get('/stats', async () => ({ up: true }))
      }, { prefix: '/admin' })
    }, { prefix: '/v1' })
  }, { prefix: '/api' })

  await app.register(async (docs) => {
    docs.setNotFoundHandler({
      onRequest: (request, reply, done) => {
        seen.docsNotFoundHook++
        done()
      }
    }, async (request, reply) => reply.code(404).type('text/plain').send(`no page ${request.url}`))
    docs.get('/guide', async () => 'guide')
    docs.get('/guide/:chapter', async () => 'chapter')
  }, { prefix: '/docs' })

  await app.ready()
  return { app, seen }
}

const unknown = [
  ['GET', '/nope'], ['POST', '/nope/deeper'], ['DELETE', '/health/x'],
  ['GET', '/api/nope'], ['PUT', '/api/users/1/extra'],
  ['GET', '/api/v1/nope'], ['DELETE', '/api/v1/items/1/extra'], ['GET', '/api/v1/admin/nope'],
  ['GET', '/docs/nope'], ['POST', '/docs/guide/1/2']
]

const known = [
  ['POST', '/', 'GET, HEAD, OPTIONS'],
  ['POST', '/health', 'GET, HEAD, OPTIONS'],
  ['DELETE', '/shared', 'GET, HEAD, OPTIONS, PUT'],
  ['DELETE', '/api/users', 'GET, HEAD, OPTIONS, POST'],
  ['PUT', '/api/users/1', 'DELETE, GET, HEAD, OPTIONS, PATCH'],
  ['POST', '/api/v1', 'GET, HEAD, OPTIONS'],
  ['POST', '/api/v1/', 'GET, HEAD, OPTIONS'],
  ['POST', '/api/v1/items', 'GET, HEAD, OPTIONS'],
  ['DELETE', '/api/v1/items/3', 'OPTIONS, PUT'],
  ['POST', '/api/v1/admin/stats', 'GET, HEAD, OPTIONS'],
  ['DELETE', '/docs/guide', 'GET, HEAD, OPTIONS'],
  ['PUT', '/docs/guide/intro', 'GET, HEAD, OPTIONS']
]

for (const rootHandler of ['option', 'setNotFoundHandler']) {
  const via = rootHandler === 'option' ? 'the notFound option' : 'app.setNotFoundHandler() after the plugin'
  describe(`nested plugins, root not-found handler via ${via}`, () => {
    let plain
    let withPlugin
    before(async () => {
      plain = await build({ plugin: false, rootHandler })
      withPlugin = await build({ plugin: true, rootHandler })
    })
    after(async () => {
      await plain.app.close()
      await withPlugin.app.close()
    })

    for (const [method, url] of unknown) {
      test(`${method} ${url} -> the custom 404 of its scope, as without the plugin`, async (t) => {
        const expected = await plain.app.inject({ method, url })
        const response = await withPlugin.app.inject({ method, url })
        t.assert.strictEqual(response.statusCode, 404)
        t.assert.strictEqual(response.body, expected.body)
        t.assert.deepStrictEqual(stableHeaders(response.headers), stableHeaders(expected.headers))
        // Pin which handler answered, so that a 404 from the wrong scope cannot pass.
        const scope = url.startsWith('/api/v1') ? 'v1' : url.startsWith('/docs') ? 'docs' : 'root'
        if (scope === 'docs') t.assert.strictEqual(response.body, `no page ${url}`)
        else t.assert.deepStrictEqual(response.json(), { scope, url })
        if (scope === 'v1') t.assert.strictEqual(response.headers['x-v1-hook'], 'ran')
        if (scope === 'root') t.assert.strictEqual(response.headers['x-not-found'], 'root')
      })
    }

    for (const [method, url, allow] of known) {
      test(`${method} ${url} -> 405 Allow: ${allow}`, async (t) => {
        const without = await plain.app.inject({ method, url })
        t.assert.strictEqual(without.statusCode, 404)
        const response = await withPlugin.app.inject({ method, url })
        t.assert.strictEqual(response.statusCode, 405)
        t.assert.strictEqual(response.headers.allow, allow)
        t.assert.deepStrictEqual(response.json(), methodNotAllowedBody(method, url))
        // The hooks of the scope's not-found handler guard its 405s as its 404s (v1's preHandler ran), but the
        // handler itself did not run.
        t.assert.strictEqual(response.headers['x-v1-hook'], url.startsWith('/api/v1') ? 'ran' : undefined)
        t.assert.strictEqual(response.headers['x-not-found'], undefined)
      })

      test(`OPTIONS ${url} -> 200 Allow: ${allow}`, async (t) => {
        const response = await withPlugin.app.inject({ method: 'OPTIONS', url })
        t.assert.strictEqual(response.statusCode, 200)
        t.assert.strictEqual(response.headers.allow, allow)
        t.assert.strictEqual(response.headers['content-length'], '0')
        t.assert.strictEqual(response.body, '')
      })
    }

    test('existing routes in every scope answer as without the plugin', async (t) => {
      const routes = [['GET', '/'], ['GET', '/shared'], ['GET', '/api/users/9'], ['DELETE', '/api/users/9'],
        ['GET', '/api/v1/'], ['GET', '/api/v1/admin/stats'], ['GET', '/docs/guide/intro']]
      t.plan(routes.length * 3)
      for (const [method, url] of routes) {
        const expected = await plain.app.inject({ method, url })
        const response = await withPlugin.app.inject({ method, url })
        t.assert.strictEqual(response.statusCode, 200, `${method} ${url}`)
        t.assert.strictEqual(response.body, expected.body)
        t.assert.strictEqual(response.headers.allow, undefined)
      }
    })

    test('a not-found handler\'s own onRequest hook runs for its 405 and OPTIONS answers ' +
      'as for its 404s', async (t) => {
      const before = withPlugin.seen.docsNotFoundHook
      await withPlugin.app.inject({ method: 'DELETE', url: '/docs/guide' })
      await withPlugin.app.inject({ method: 'OPTIONS', url: '/docs/guide' })
      t.assert.strictEqual(withPlugin.seen.docsNotFoundHook, before + 2)
      await withPlugin.app.inject({ method: 'GET', url: '/docs/missing' })
      t.assert.strictEqual(withPlugin.seen.docsNotFoundHook, before + 3)
    })
  })
}

describe('the root not-found handler is set once', () => {
  test('with the notFound option, a later app.setNotFoundHandler() at the root throws Fastify\'s error', async (t) => {
    const app = Fastify()
    t.after(() => app.close())
    await app.register(fastifyAllowedMethods, { notFound: rootNotFound })
    t.assert.throws(() => app.setNotFoundHandler(rootNotFound), {
      message: 'Not found handler already set for Fastify instance with prefix: \'/\''
    })
  })
})
