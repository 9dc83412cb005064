// A real shared cache (nginx) in front of the app, over real sockets: no caller may be served another
// caller's Allow or refusal. Every answer below is cacheable by its Cache-Control, and every URL is the same
// for all callers (the cache key), so the cache WOULD hand one caller's answer to the next unless the
// plugin's headers (Vary, or no shared caching) forbid it. nginx is installed from Debian's packages when
// missing; without it the test is skipped, except under CI, where it fails.
import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { ensureNginx, startCache } from '../support/nginx.js'

const admin = { 'x-role': 'admin' }
const reader = { 'x-role': 'reader' }

// The README's use of filterAllowed: a reader may only read.
const READ = new Set(['GET', 'HEAD', 'OPTIONS'])
const byRole = (request, methods) =>
  request.headers['x-role'] === 'admin' ? methods : methods.filter(method => READ.has(method))

/** The app with the plugin and `routes`, listening on 127.0.0.1, behind its own nginx; both stopped after `t`. */
async function behindCache (t, nginx, pluginOptions, routes) {
  const app = Fastify()
  await app.register(fastifyAllowedMethods, pluginOptions)
  routes(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const cache = await startCache(nginx, app.server.address().port)
  t.after(() => cache.stop())
  return cache
}

/** GET `path` through the cache as each of `callers` (request headers), one after the other: what each got. */
async function sequence (cache, path, callers) {
  const answers = []
  for (const headers of callers) {
    const { status, allow, cache: hit } = await cache.request('GET', path, headers)
    answers.push({ role: headers['x-role'], status, allow, cache: hit })
  }
  return answers
}

/** The same answers without nginx's X-Cache-Status, where whether the cache stored them is not the point. */
const seen = (answers) => answers.map(({ cache, ...answer }) => answer)

const cacheable = (reply) => reply.header('cache-control', 'max-age=60')

test('a shared cache never serves one caller\'s Allow or refusal to another', { timeout: 240_000 }, async (t) => {
  const nginx = await ensureNginx()
  if (nginx.unavailable !== undefined) {
    if (process.env.CI) t.assert.fail(`CI must run this test, and nginx is unavailable: ${nginx.unavailable}`)
    t.skip(`nginx unavailable: ${nginx.unavailable}`)
    return
  }

  await t.test('control: this set-up caches, across callers, what its headers let it cache', async (t) => {
    // Without this, every test below would also pass if nginx never cached anything. The plugin is there,
    // with filterAllowed, but is not involved in the route's headers: its answer stays shareable.
    const cache = await behindCache(t, nginx, { filterAllowed: byRole }, (app) => {
      app.get('/public', async (request, reply) => { cacheable(reply); return 'public' })
    })
    t.assert.deepStrictEqual(await sequence(cache, '/public', [admin, reader]), [
      { role: 'admin', status: 200, allow: undefined, cache: 'MISS' },
      { role: 'reader', status: 200, allow: undefined, cache: 'HIT' }
    ])
  })

  await t.test('filterAllowed and cacheControl: each caller gets its own 405', async (t) => {
    const cache = await behindCache(t, nginx, { filterAllowed: byRole, cacheControl: 'max-age=60' }, (app) => {
      app.post('/forms/:name', async () => 'posted')
    })
    await t.test('admin first', async (t) => {
      t.assert.deepStrictEqual(seen(await sequence(cache, '/forms/one', [admin, reader])), [
        { role: 'admin', status: 405, allow: 'OPTIONS, POST' },
        { role: 'reader', status: 405, allow: 'OPTIONS' }
      ])
    })
    await t.test('reader first', async (t) => {
      t.assert.deepStrictEqual(seen(await sequence(cache, '/forms/two', [reader, admin])), [
        { role: 'reader', status: 405, allow: 'OPTIONS' },
        { role: 'admin', status: 405, allow: 'OPTIONS, POST' }
      ])
    })
  })

  await t.test('reply.methodNotAllowed(): a reader\'s refusal is not served to an admin', async (t) => {
    // Without filterAllowed: the decorator's answer is the caller's whatever the options.
    const cache = await behindCache(t, nginx, { cacheControl: 'max-age=60' }, (app) => {
      app.get('/reports', async (request, reply) => {
        if (request.headers['x-role'] !== 'admin') return reply.methodNotAllowed()
        cacheable(reply)
        return 'reports'
      })
    })
    t.assert.deepStrictEqual(seen(await sequence(cache, '/reports', [reader, admin])), [
      { role: 'reader', status: 405, allow: 'OPTIONS' },
      { role: 'admin', status: 200, allow: undefined }
    ])
  })

  await t.test('allowOnSuccess and filterAllowed: an admin\'s Allow on a cacheable 200 ' +
    'is not served to a reader', async (t) => {
    const cache = await behindCache(t, nginx, { filterAllowed: byRole, allowOnSuccess: true }, (app) => {
      app.get('/documents', async (request, reply) => { cacheable(reply); return 'documents' })
      app.delete('/documents', async () => 'deleted')
    })
    t.assert.deepStrictEqual(seen(await sequence(cache, '/documents', [admin, reader])), [
      { role: 'admin', status: 200, allow: 'DELETE, GET, HEAD, OPTIONS' },
      { role: 'reader', status: 200, allow: 'GET, HEAD, OPTIONS' }
    ])
  })

  await t.test('notFoundWhenEmpty: a reader\'s 404 is not served to an admin; every 404 keyed alike', async (t) => {
    // The 404s say max-age: a 404 hiding a resource is the reader's alone, like a 404 for an unknown URL
    // (otherwise Vary would tell them apart). Without the vary option, no cache reuses either.
    const adminsOnly = (request, methods) => request.headers['x-role'] === 'admin' ? methods : []
    const notFound = (request, reply) => { cacheable(reply).code(404).send('none') }
    const options = { filterAllowed: adminsOnly, notFoundWhenEmpty: true, allowOnSuccess: true, notFound }
    const app = (vary) => behindCache(t, nginx, { ...options, vary }, (app) => {
      app.get('/repos/:name', async (request, reply) => { cacheable(reply); return 'repo' })
    })
    const unkeyed = await app(undefined)
    t.assert.deepStrictEqual(await sequence(unkeyed, '/repos/one', [reader, admin, reader]), [
      { role: 'reader', status: 404, allow: undefined, cache: 'MISS' },
      { role: 'admin', status: 200, allow: 'GET, HEAD, OPTIONS', cache: 'MISS' },
      { role: 'reader', status: 404, allow: undefined, cache: 'MISS' }
    ])
    const keyed = await app(['x-role'])
    t.assert.deepStrictEqual(await sequence(keyed, '/repos/one', [reader, admin, reader, admin]), [
      { role: 'reader', status: 404, allow: undefined, cache: 'MISS' },
      { role: 'admin', status: 200, allow: 'GET, HEAD, OPTIONS', cache: 'MISS' },
      { role: 'reader', status: 404, allow: undefined, cache: 'HIT' },
      { role: 'admin', status: 200, allow: 'GET, HEAD, OPTIONS', cache: 'HIT' }
    ])
    t.assert.deepStrictEqual(await sequence(keyed, '/nowhere', [reader, admin, reader]), [
      { role: 'reader', status: 404, allow: undefined, cache: 'MISS' },
      { role: 'admin', status: 404, allow: undefined, cache: 'MISS' },
      { role: 'reader', status: 404, allow: undefined, cache: 'HIT' }
    ])
  })

  await t.test('vary: the 405s are cached, per caller', async (t) => {
    // Also the proof that nginx does cache a 405 in this set-up: the 405 tests above do not pass merely
    // because it never would.
    const options = { filterAllowed: byRole, cacheControl: 'max-age=60', vary: ['x-role'] }
    const cache = await behindCache(t, nginx, options, (app) => {
      app.post('/forms/:name', async () => 'posted')
    })
    t.assert.deepStrictEqual(await sequence(cache, '/forms/one', [admin, reader, admin, reader]), [
      { role: 'admin', status: 405, allow: 'OPTIONS, POST', cache: 'MISS' },
      { role: 'reader', status: 405, allow: 'OPTIONS', cache: 'MISS' },
      { role: 'admin', status: 405, allow: 'OPTIONS, POST', cache: 'HIT' },
      { role: 'reader', status: 405, allow: 'OPTIONS', cache: 'HIT' }
    ])
    t.assert.deepStrictEqual(await sequence(cache, '/forms/two', [reader, admin, reader, admin]), [
      { role: 'reader', status: 405, allow: 'OPTIONS', cache: 'MISS' },
      { role: 'admin', status: 405, allow: 'OPTIONS, POST', cache: 'MISS' },
      { role: 'reader', status: 405, allow: 'OPTIONS', cache: 'HIT' },
      { role: 'admin', status: 405, allow: 'OPTIONS, POST', cache: 'HIT' }
    ])
  })
})
