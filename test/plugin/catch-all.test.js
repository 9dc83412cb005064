import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

test('a URL matched only by root catch-alls is unknown: 404', async (t) => {
  const app = await appWith(app => {
    app.options('*', ok) // what @fastify/cors registers
    app.get('/*', ok) // what @fastify/static registers at the root
    app.post('/known', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/unknown/path'), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/unknown'), { status: 404, allow: undefined })
})

test('catch-all methods join Allow when the URL is known through another route', async (t) => {
  const app = await appWith(app => {
    app.options('*', ok)
    app.get('/*', ok)
    app.post('/known', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/known'), { status: 405, allow: 'GET, HEAD, OPTIONS, POST' })
})

test('a URL matched only by OPTIONS routes is unknown', async (t) => {
  const app = await appWith(app => { app.options('/preflight-only', ok) })
  t.assert.deepStrictEqual(await answer(app, 'GET', '/preflight-only'), { status: 404, allow: undefined })
})

test('a non-root wildcard is an ordinary route: it makes its URLs known', async (t) => {
  const app = await appWith(app => { app.get('/static/*', ok) })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/static/a/b.css'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('a constrained catch-all joins Allow only for requests it accepts', async (t) => {
  const app = await appWith(app => {
    app.put('/*', { constraints: { host: 'a.example' } }, ok)
    app.get('/page', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/page', { host: 'a.example' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/page', { host: 'b.example' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/elsewhere', { host: 'a.example' }),
    { status: 404, allow: undefined })
})

test('config: { allowedMethods: false } keeps a route out of the registry', async (t) => {
  const app = await appWith(app => {
    app.get('/hidden', { config: { allowedMethods: false } }, ok)
    app.get('/shared', ok)
    app.post('/shared', { config: { allowedMethods: false } }, ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/hidden'), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/shared'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  // The route itself still works.
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/hidden' })).statusCode, 200)
})

test('includeRoute decides for every route; config: { allowedMethods: true } overrides it', async (t) => {
  const app = await appWith(app => {
    app.get('/internal/health', ok)
    app.get('/internal/kept', { config: { allowedMethods: true } }, ok)
    app.get('/public', ok)
  }, { pluginOptions: { includeRoute: (route) => !route.url.startsWith('/internal/') } })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/internal/health'), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/internal/kept'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/public'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('includeRoute can exclude a catch-all the app did not write', async (t) => {
  const app = await appWith(app => {
    app.get('/*', ok)
    app.post('/form', ok)
  }, { pluginOptions: { includeRoute: (route) => route.url !== '/*' } })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/form'), { status: 405, allow: 'OPTIONS, POST' })
})
