import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

test('host constraints: only routes accepting the request\'s host count', async (t) => {
  const app = await appWith(app => {
    app.get('/home', { constraints: { host: 'a.example' } }, ok)
    app.put('/home', { constraints: { host: 'b.example' } }, ok)
    app.delete('/home', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/home', { host: 'a.example' }),
    { status: 405, allow: 'DELETE, GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/home', { host: 'b.example' }),
    { status: 405, allow: 'DELETE, OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/home', { host: 'c.example' }),
    { status: 405, allow: 'DELETE, OPTIONS' })
})

test('a URL known only through routes for another host is unknown', async (t) => {
  const app = await appWith(app => { app.get('/only-a', { constraints: { host: 'a.example' } }, ok) })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/only-a', { host: 'z.example' }),
    { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/only-a', { host: 'a.example' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('a route of the request\'s own method that rejected the host gets 404, not 405', async (t) => {
  const app = await appWith(app => {
    app.get('/x', { constraints: { host: 'a.example' } }, ok)
    app.post('/x', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'GET', '/x', { host: 'b.example' }), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/x', { host: 'b.example' }),
    { status: 405, allow: 'OPTIONS, POST' })
})

test('version constraints (accept-version)', async (t) => {
  const app = await appWith(app => {
    app.get('/v', { constraints: { version: '1.2.0' } }, ok)
    app.post('/v', { constraints: { version: '2.0.0' } }, ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/v', { 'accept-version': '1.x' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/v', { 'accept-version': '2.x' }),
    { status: 405, allow: 'OPTIONS, POST' })
  t.assert.deepStrictEqual(await answer(app, 'GET', '/v', { 'accept-version': '2.x' }),
    { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/v'), { status: 404, allow: undefined })
})

test('a request carrying accept-version matches no unversioned route (find-my-way must-match rule)', async (t) => {
  const app = await appWith(app => {
    app.get('/mixed', ok)
    app.post('/mixed', { constraints: { version: '1.0.0' } }, ok)
    app.get('/plain', ok)
  })
  // GET /mixed exists unversioned but rejects a versioned request: its own method was refused on constraints.
  t.assert.deepStrictEqual(await answer(app, 'GET', '/mixed', { 'accept-version': '1.0.0' }),
    { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/mixed', { 'accept-version': '1.0.0' }),
    { status: 405, allow: 'OPTIONS, POST' })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/plain', { 'accept-version': '1.0.0' }),
    { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/plain'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

const tenantStrategy = {
  name: 'tenant',
  storage () {
    const values = new Map()
    return { get: (value) => values.get(value) ?? null, set: (value, store) => { values.set(value, store) } }
  },
  deriveConstraint: (req) => req.headers['x-tenant'],
  validate () {},
  mustMatchWhenDerived: false
}

for (const [name, fastifyOptions] of [
  ['in routerOptions.constraints', { routerOptions: { constraints: { tenant: tenantStrategy } } }],
  ['in the top-level constraints', { constraints: { tenant: tenantStrategy } }]
]) {
  test(`a custom constraint strategy ${name}`, async (t) => {
    const app = await appWith(app => {
      app.get('/t', { constraints: { tenant: 'acme' } }, ok)
      app.put('/t', ok)
    }, { fastifyOptions })
    t.assert.deepStrictEqual(await answer(app, 'POST', '/t', { 'x-tenant': 'acme' }),
      { status: 405, allow: 'GET, HEAD, OPTIONS, PUT' })
    t.assert.deepStrictEqual(await answer(app, 'POST', '/t', { 'x-tenant': 'other' }),
      { status: 405, allow: 'OPTIONS, PUT' })
  })
}

test('a strategy added with addConstraintStrategy() after the plugin', async (t) => {
  const app = await appWith(app => {
    app.addConstraintStrategy({ ...tenantStrategy })
    app.get('/t', { constraints: { tenant: 'acme' } }, ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/t', { 'x-tenant': 'acme' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/t', { 'x-tenant': 'other' }), { status: 404, allow: undefined })
})

test('an asynchronous custom strategy', async (t) => {
  const asyncTenant = {
    ...tenantStrategy,
    deriveConstraint: (req, ctx, done) => { setImmediate(() => done(null, req.headers['x-tenant'])) }
  }
  const app = await appWith(app => {
    app.get('/t', { constraints: { tenant: 'acme' } }, ok)
    app.put('/t', ok)
  }, { fastifyOptions: { routerOptions: { constraints: { tenant: asyncTenant } } } })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/t', { 'x-tenant': 'acme' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/t', { 'x-tenant': 'other' }),
    { status: 405, allow: 'OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/nope'), { status: 404, allow: undefined })
})

// Methods whose trees hold the same routes are asked once (GET and its automatic HEAD routes): trees that
// differ only in a constraint value must not be taken for the same, whatever the value's type.
test('GET and HEAD routes that differ only in a regex host constraint are told apart', async (t) => {
  const app = await appWith(app => {
    app.get('/x', { exposeHeadRoute: false, constraints: { host: /^a\./ } }, ok)
    app.head('/x', { constraints: { host: /^b\./ } }, ok)
    app.get('/y', { constraints: { host: /^a\./ } }, ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/x', { host: 'a.example' }),
    { status: 405, allow: 'GET, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/x', { host: 'b.example' }),
    { status: 405, allow: 'HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/y', { host: 'a.example' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('GET and HEAD routes that differ only in a custom constraint value of another type are told apart', async (t) => {
  const byId = {
    name: 'account',
    storage () {
      const values = new Map()
      return { get: (id) => values.get(id) ?? null, set: (account, store) => { values.set(String(account.id), store) } }
    },
    deriveConstraint: (req) => req.headers['x-account'],
    validate () {}
  }
  const app = await appWith(app => {
    app.get('/z', { exposeHeadRoute: false, constraints: { account: { id: 1 } } }, ok)
    app.head('/z', { constraints: { account: { id: 2 } } }, ok)
  }, { fastifyOptions: { routerOptions: { constraints: { account: byId } } } })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/z', { 'x-account': '1' }),
    { status: 405, allow: 'GET, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/z', { 'x-account': '2' }),
    { status: 405, allow: 'HEAD, OPTIONS' })
})

test('an asynchronous strategy that fails when the plugin derives the values again: ' +
  'the app\'s error handler answers', async (t) => {
  // A lookup that succeeds for Fastify's routing and fails the next time (a flaky backend).
  const calls = new WeakMap()
  const flaky = {
    ...tenantStrategy,
    deriveConstraint: (req, ctx, done) => {
      const call = (calls.get(req) ?? 0) + 1
      calls.set(req, call)
      setImmediate(() => call === 1 ? done(null, req.headers['x-tenant']) : done(new Error('tenant lookup failed')))
    }
  }
  const routes = app => {
    app.setErrorHandler((error, request, reply) => reply.code(503).send(error.message))
    app.get('/t', { constraints: { tenant: 'acme' } }, ok)
    app.put('/t', async (request, reply) => reply.methodNotAllowed())
  }
  const failed = async (app, method) => {
    const response = await app.inject({ method, url: '/t', headers: { 'x-tenant': 'acme' } })
    t.assert.deepStrictEqual([response.statusCode, response.body], [503, 'tenant lookup failed'], method)
  }
  const fastifyOptions = { routerOptions: { constraints: { tenant: flaky } } }
  // The not-found path (POST), and reply.methodNotAllowed() (PUT).
  const app = await appWith(routes, { fastifyOptions })
  for (const method of ['POST', 'PUT']) await failed(app, method)
  // allowOnSuccess, on every route.
  const withAllow = await appWith(routes, { fastifyOptions, pluginOptions: { allowOnSuccess: true } })
  for (const method of ['GET', 'PUT']) await failed(withAllow, method)
})
