import { test } from 'node:test'
import Fastify from 'fastify'
import { appWith, answer, ok } from '../support/with-plugin.js'

test('a URL known under other methods gets 405 with Allow', async (t) => {
  const app = await appWith(app => { app.get('/things', ok) })
  const response = await app.inject({ method: 'DELETE', url: '/things' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
})

test('an unknown URL gets exactly Fastify\'s default 404', async (t) => {
  const routes = app => { app.get('/things', ok) }
  const plain = Fastify()
  routes(plain)
  const app = await appWith(routes)
  for (const [method, url] of [['GET', '/nothing?q=1'], ['POST', '/things/1'], ['DELETE', '/']]) {
    const expected = await plain.inject({ method, url })
    const actual = await app.inject({ method, url })
    t.assert.strictEqual(actual.statusCode, 404)
    t.assert.strictEqual(actual.body, expected.body)
    const { date, ...headers } = actual.headers
    const { date: _, ...expectedHeaders } = expected.headers
    t.assert.deepStrictEqual(headers, expectedHeaders)
  }
})

test('Allow is the union over every route whose pattern matches the URL', async (t) => {
  // The example that motivates the union over methods: a single best match would say POST only for /users/me.
  const app = await appWith(app => {
    app.get('/users/:id', ok)
    app.post('/users/me', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/users/me'), { status: 405, allow: 'GET, HEAD, OPTIONS, POST' })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/users/42'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('three overlapping patterns, parameters named differently', async (t) => {
  const app = await appWith(app => {
    app.get('/users/:id', ok)
    app.post('/users/me', ok)
    app.put('/users/:userId', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'PATCH', '/users/me'),
    { status: 405, allow: 'GET, HEAD, OPTIONS, POST, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/users/7'), { status: 405, allow: 'GET, HEAD, OPTIONS, PUT' })
})

test('Allow is deduplicated and sorted, whatever the registration order', async (t) => {
  const app = await appWith(app => {
    app.route({ method: ['PUT', 'DELETE'], url: '/r', handler: ok })
    app.post('/r', ok)
    app.patch('/r', ok)
    app.get('/r', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'SEARCH', '/r'),
    { status: 405, allow: 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT' })
})

test('HEAD is listed exactly when Fastify routes HEAD there', async (t) => {
  const app = await appWith(app => {
    app.get('/auto', ok)
    app.get('/no-head', { exposeHeadRoute: false }, ok)
    app.route({ method: ['GET', 'HEAD'], url: '/both', handler: ok })
    app.head('/only-head', ok)
    app.post('/post', ok)
  })
  t.assert.strictEqual((await answer(app, 'POST', '/auto')).allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual((await answer(app, 'POST', '/no-head')).allow, 'GET, OPTIONS')
  t.assert.strictEqual((await answer(app, 'POST', '/both')).allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual((await answer(app, 'GET', '/only-head')).allow, 'HEAD, OPTIONS')
  t.assert.deepStrictEqual(await answer(app, 'HEAD', '/post'), { status: 405, allow: 'OPTIONS, POST' })
  t.assert.deepStrictEqual(await answer(app, 'HEAD', '/no-head'), { status: 405, allow: 'GET, OPTIONS' })
})

test('exposeHeadRoutes: false at the app level removes HEAD from Allow', async (t) => {
  const app = await appWith(app => { app.get('/x', ok) }, { fastifyOptions: { exposeHeadRoutes: false } })
  t.assert.deepStrictEqual(await answer(app, 'HEAD', '/x'), { status: 405, allow: 'GET, OPTIONS' })
})

test('an OPTIONS route of the URL is listed; without autoOptions OPTIONS is listed only then', async (t) => {
  const routes = app => {
    app.get('/with', ok)
    app.options('/with', ok)
    app.get('/without', ok)
  }
  const app = await appWith(routes, { pluginOptions: { autoOptions: false } })
  t.assert.strictEqual((await answer(app, 'POST', '/with')).allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual((await answer(app, 'POST', '/without')).allow, 'GET, HEAD')
  t.assert.deepStrictEqual(await answer(app, 'OPTIONS', '/without'), { status: 405, allow: 'GET, HEAD' })
})

test('matched routes are answered by their handlers, untouched', async (t) => {
  const app = await appWith(app => {
    app.get('/users/:id', ok)
    app.post('/users/me', ok)
  })
  const response = await app.inject({ method: 'POST', url: '/users/me' })
  t.assert.strictEqual(response.statusCode, 200)
  t.assert.strictEqual(response.body, 'POST /users/me')
  t.assert.strictEqual(response.headers.allow, undefined)
})
