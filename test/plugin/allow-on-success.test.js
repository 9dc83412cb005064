import { test } from 'node:test'
import cors from '@fastify/cors'
import { appWith, ok } from '../support/with-plugin.js'

const on = { pluginOptions: { allowOnSuccess: true } }

test('every response of a matched route carries the Allow a 405 would carry', async (t) => {
  const app = await appWith((app) => {
    app.get('/items/:id', ok)
    app.put('/items/:id', ok)
  }, on)
  for (const method of ['GET', 'HEAD', 'PUT']) {
    const response = await app.inject({ method, url: '/items/1' })
    t.assert.strictEqual(response.statusCode, 200)
    t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, PUT')
  }
  t.assert.strictEqual((await app.inject({ method: 'POST', url: '/items/1' })).headers.allow, 'GET, HEAD, OPTIONS, PUT')
})

test('overlapping patterns: the value is resolved for the request\'s URL', async (t) => {
  const app = await appWith((app) => {
    app.get('/users/:id', ok)
    app.post('/users/me', ok)
    app.get('/files/*', ok)
    app.delete('/files/tmp/:name', ok)
  }, on)
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/users/me' })).headers.allow,
    'GET, HEAD, OPTIONS, POST')
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/users/42' })).headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual((await app.inject({ method: 'POST', url: '/users/me' })).headers.allow,
    'GET, HEAD, OPTIONS, POST')
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/files/tmp/x' })).headers.allow,
    'DELETE, GET, HEAD, OPTIONS')
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/files/a/b' })).headers.allow, 'GET, HEAD, OPTIONS')
})

test('constrained routes: resolved for the request\'s host', async (t) => {
  const app = await appWith((app) => {
    app.get('/home', { constraints: { host: 'a.example' } }, ok)
    app.put('/home', ok)
  }, on)
  const allowFor = async (host) => (await app.inject({ method: 'PUT', url: '/home', headers: { host } })).headers.allow
  t.assert.strictEqual(await allowFor('a.example'), 'GET, HEAD, OPTIONS, PUT')
  t.assert.strictEqual(await allowFor('b.example'), 'OPTIONS, PUT')
})

test('error responses of a matched route carry it too', async (t) => {
  const app = await appWith((app) => {
    app.get('/fail', async () => { throw new Error('boom') })
    app.post('/fail', { schema: { body: { type: 'object', required: ['x'] } } }, ok)
  }, on)
  const failed = await app.inject({ method: 'GET', url: '/fail' })
  t.assert.strictEqual(failed.statusCode, 500)
  t.assert.strictEqual(failed.headers.allow, 'GET, HEAD, OPTIONS, POST')
  const invalid = await app.inject({ method: 'POST', url: '/fail', payload: {} })
  t.assert.strictEqual(invalid.statusCode, 400)
  t.assert.strictEqual(invalid.headers.allow, 'GET, HEAD, OPTIONS, POST')
})

test('filterAllowed narrows it per caller, on a pattern alone and on one that another pattern overlaps', async (t) => {
  const app = await appWith((app) => {
    app.get('/doc', ok)
    app.delete('/doc', ok)
    // '/users/:id' overlaps '/users/me', which find-my-way tries first: /users/1 is not /users/me.
    app.get('/users/:id', ok)
    app.delete('/users/:id', ok)
    app.post('/users/me', ok)
  }, {
    pluginOptions: {
      allowOnSuccess: true,
      filterAllowed: (request, methods) => request.headers['x-role'] === 'admin' ? methods : ['GET', 'HEAD']
    }
  })
  const allow = async (url, headers) => (await app.inject({ method: 'GET', url, headers })).headers.allow
  t.assert.strictEqual(await allow('/doc', {}), 'GET, HEAD')
  t.assert.strictEqual(await allow('/doc', { 'x-role': 'admin' }), 'DELETE, GET, HEAD, OPTIONS')
  t.assert.strictEqual(await allow('/users/1', {}), 'GET, HEAD')
  t.assert.strictEqual(await allow('/users/1', { 'x-role': 'admin' }), 'DELETE, GET, HEAD, OPTIONS')
})

test('a \'/\' route in a prefix, served at prefix and prefix + \'/\'', async (t) => {
  const app = await appWith((app) => {
    app.register(async (api) => { api.get('/', ok) }, { prefix: '/api' })
    app.post('/api/', ok)
  }, on)
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/api' })).headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/api/' })).headers.allow, 'GET, HEAD, OPTIONS, POST')
})

test('routes kept out of the registry, and the app\'s other hooks, are left alone', async (t) => {
  const app = await appWith((app) => {
    app.get('/private', { config: { allowedMethods: false } }, ok)
    app.get('/hooked', { onRequest: async (request, reply) => { reply.header('x-own', '1') } }, ok)
  }, on)
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/private' })).headers.allow, undefined)
  const hooked = await app.inject({ method: 'GET', url: '/hooked' })
  t.assert.strictEqual(hooked.headers['x-own'], '1')
  t.assert.strictEqual(hooked.headers.allow, 'GET, HEAD, OPTIONS')
})

test('with @fastify/cors, its catch-all OPTIONS joins the value of known URLs', async (t) => {
  // Without autoOptions, OPTIONS in the value can only come from the catch-all.
  const app = await appWith(async (app) => {
    await app.register(cors)
    app.get('/a', ok)
    // '/users/:id' overlaps '/users/me', '/a' nothing.
    app.get('/users/:id', ok)
    app.post('/users/me', ok)
  }, { pluginOptions: { allowOnSuccess: true, autoOptions: false } })
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/a' })).headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/users/1' })).headers.allow, 'GET, HEAD, OPTIONS')
})

test('off by default: no Allow on success', async (t) => {
  const app = await appWith((app) => { app.get('/a', ok) })
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/a' })).headers.allow, undefined)
})

test('a URL known to no route but a root catch-all gets no Allow, as its 405 would be a 404', async (t) => {
  const app = await appWith((app) => {
    app.get('/*', ok)
    app.get('/page', ok)
  }, { pluginOptions: { allowOnSuccess: true } })
  const unknown = await app.inject({ method: 'GET', url: '/anything' })
  t.assert.deepStrictEqual([unknown.statusCode, unknown.headers.allow], [200, undefined])
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/page' })).headers.allow, 'GET, HEAD, OPTIONS')
})

test('one pair of hooks serves every route: the hooks are made once, not per route', async (t) => {
  const seen = []
  const app = await appWith((app) => {
    app.addHook('onRoute', (route) => { if (route.method !== 'HEAD') seen.push([route.onRequest, route.onSend]) })
    app.get('/a', ok)
    app.put('/b', ok)
  }, on)
  t.assert.strictEqual((await app.inject({ method: 'PUT', url: '/b' })).headers.allow, 'OPTIONS, PUT')
  t.assert.strictEqual(seen.length, 2)
  t.assert.strictEqual(typeof seen[0][0], 'function')
  t.assert.strictEqual(seen[0][0], seen[1][0])
  t.assert.strictEqual(seen[0][1], seen[1][1])
})
