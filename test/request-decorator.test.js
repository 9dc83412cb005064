import { test } from 'node:test'
import cors from '@fastify/cors'
import { appWith, ok } from './support/with-plugin.js'

const routes = (app) => {
  app.get('/users', ok)
  app.post('/users', ok)
  app.get('/users/:id', ok)
  app.put('/users/:id', ok)
  app.delete('/users/:id', ok)
  app.get('/hosted', { constraints: { host: 'a.example' } }, ok)
  app.put('/hosted', ok)
}
const readOnly = (request, methods) => request.headers['x-role'] === 'admin' ? methods : methods.filter(method => ['GET', 'HEAD', 'OPTIONS'].includes(method))

test('request.allowedMethods(): the methods of the request\'s own URL, with its constraint values', async (t) => {
  const app = await appWith(async (app) => {
    routes(app)
    app.options('/options-only', async (request) => request.allowedMethods()) // a URL no route makes known
    app.patch('/users/:id', async (request) => request.allowedMethods())
    app.patch('/hosted', async (request) => request.allowedMethods())
  })
  const methods = async (url, headers) => (await app.inject({ method: 'PATCH', url, headers })).json()
  t.assert.deepStrictEqual(await methods('/users/7?q=1'), ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT'])
  t.assert.deepStrictEqual(await methods('/hosted', { host: 'a.example' }), ['GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT'])
  t.assert.deepStrictEqual(await methods('/hosted', { host: 'b.example' }), ['OPTIONS', 'PATCH', 'PUT'])
  t.assert.deepStrictEqual((await app.inject({ method: 'OPTIONS', url: '/options-only' })).json(), [])
})

test('request.allowedMethods() is narrowed by filterAllowed, and a Promise when filterAllowed is asynchronous', async (t) => {
  for (const filterAllowed of [readOnly, async (request, methods) => readOnly(request, methods)]) {
    const app = await appWith(async (app) => {
      routes(app)
      app.patch('/users/:id', async (request) => {
        const answer = request.allowedMethods()
        return { promise: answer instanceof Promise, methods: await answer }
      })
    }, { pluginOptions: { filterAllowed } })
    const asked = async (headers) => (await app.inject({ method: 'PATCH', url: '/users/7', headers })).json()
    const promise = filterAllowed !== readOnly
    t.assert.deepStrictEqual(await asked({}), { promise, methods: ['GET', 'HEAD', 'OPTIONS'] })
    t.assert.deepStrictEqual(await asked({ 'x-role': 'admin' }), { promise, methods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT'] })
  }
})

/** A CORS preflight for `url`, as a browser sends it before a cross-origin `method` request. */
async function preflight (app, url, method, headers = {}) {
  const response = await app.inject({
    method: 'OPTIONS', url, headers: { origin: 'https://app.example', 'access-control-request-method': method, ...headers }
  })
  return { status: response.statusCode, methods: response.headers['access-control-allow-methods'] }
}

test('@fastify/cors with the delegator recipe: each preflight lists the URL\'s own methods', async (t) => {
  const app = await appWith(async (app) => {
    await app.register(cors, { delegator: async (req) => ({ origin: true, methods: await req.allowedMethods() }) })
    routes(app)
  })
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'DELETE'), { status: 204, methods: 'DELETE, GET, HEAD, OPTIONS, PUT' })
  t.assert.deepStrictEqual(await preflight(app, '/users', 'POST'), { status: 204, methods: 'GET, HEAD, OPTIONS, POST' })
  // The actual request gets cors' headers too, and routes as before.
  const actual = await app.inject({ method: 'DELETE', url: '/users/7', headers: { origin: 'https://app.example' } })
  t.assert.deepStrictEqual([actual.statusCode, actual.headers['access-control-allow-origin']], [200, 'https://app.example'])
})

test('@fastify/cors with the delegator recipe and filterAllowed: a preflight lists what this caller may do', async (t) => {
  const app = await appWith(async (app) => {
    await app.register(cors, { delegator: async (req) => ({ origin: true, methods: await req.allowedMethods() }) })
    routes(app)
  }, { pluginOptions: { filterAllowed: readOnly } })
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'DELETE'), { status: 204, methods: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'DELETE', { 'x-role': 'admin' }), { status: 204, methods: 'DELETE, GET, HEAD, OPTIONS, PUT' })
})

/** README's cheaper recipe: a fixed list for cors, rewritten on the responses of cors' preflight route only. */
function listUrlMethodsOnPreflights (app) {
  app.addHook('onRoute', (route) => {
    if (route.method !== 'OPTIONS' || route.url !== '*') return // @fastify/cors's preflight route
    route.onSend = [route.onSend ?? []].flat().concat(async function listUrlMethods (req, reply, payload) {
      // cors sets Access-Control-Allow-Methods on preflight answers only.
      if (reply.hasHeader('access-control-allow-methods')) reply.header('access-control-allow-methods', (await req.allowedMethods()).join(', '))
      return payload
    })
  })
}

test('the cheaper recipe: a fixed list for cors, the URL\'s own methods on preflights, no lookup for any other request', async (t) => {
  let lookups = 0
  const counted = async (request, methods) => { lookups++; return readOnly(request, methods) }
  const app = await appWith(async (app) => {
    listUrlMethodsOnPreflights(app)
    await app.register(cors, { origin: true, methods: ['DELETE', 'GET', 'HEAD', 'POST', 'PUT'] })
    routes(app)
  }, { pluginOptions: { filterAllowed: counted } })
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'PUT', { 'x-role': 'admin' }), { status: 204, methods: 'DELETE, GET, HEAD, OPTIONS, PUT' })
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'PUT'), { status: 204, methods: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await preflight(app, '/users', 'POST', { 'x-role': 'admin' }), { status: 204, methods: 'GET, HEAD, OPTIONS, POST' })
  t.assert.strictEqual(lookups, 3)
  // Matched requests, cross-origin or not, and OPTIONS that are no preflights, never look anything up.
  for (const headers of [{ origin: 'https://app.example' }, {}]) {
    const actual = await app.inject({ method: 'PUT', url: '/users/7', headers })
    t.assert.strictEqual(actual.statusCode, 200)
    t.assert.strictEqual(actual.headers['access-control-allow-methods'], undefined)
  }
  t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/users/7' })).statusCode, 400) // cors' strictPreflight
  t.assert.strictEqual(lookups, 3)
})

test('with an asynchronous constraint strategy, request.allowedMethods() is a Promise, rejected when deriving fails', async (t) => {
  const calls = new WeakMap()
  const tenant = {
    name: 'tenant',
    storage () {
      const values = new Map()
      return { get: (value) => values.get(value) ?? null, set: (value, store) => { values.set(value, store) } }
    },
    // Fails the third time for a request: Fastify's routing and the handler's first call succeed.
    deriveConstraint: (req, _ctx, done) => {
      const call = (calls.get(req) ?? 0) + 1
      calls.set(req, call)
      setImmediate(() => call < 3 ? done(null, req.headers['x-tenant']) : done(new Error('tenant lookup failed')))
    },
    validate () {}
  }
  const app = await appWith(async (app) => {
    app.get('/t', { constraints: { tenant: 'acme' } }, ok)
    app.patch('/t', async (request) => {
      const answer = request.allowedMethods()
      const first = { promise: answer instanceof Promise, methods: await answer }
      return { first, again: await request.allowedMethods().catch(error => error.message) }
    })
  }, { fastifyOptions: { routerOptions: { constraints: { tenant } } } })
  const response = await app.inject({ method: 'PATCH', url: '/t', headers: { 'x-tenant': 'acme' } })
  t.assert.deepStrictEqual(response.json(), {
    first: { promise: true, methods: ['GET', 'HEAD', 'OPTIONS', 'PATCH'] },
    again: 'tenant lookup failed'
  })
})

test('the README\'s unnarrowed variant: a preflight without credentials lists every method of the URL', async (t) => {
  const app = await appWith(async (app) => {
    await app.register(cors, { delegator: async (req) => ({ origin: true, methods: req.server.allowedMethods(req.url, { host: req.headers.host }) }) })
    routes(app)
  }, { pluginOptions: { filterAllowed: readOnly } })
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'DELETE'), { status: 204, methods: 'DELETE, GET, HEAD, OPTIONS, PUT' })
  t.assert.deepStrictEqual(await preflight(app, '/hosted', 'PUT', { host: 'a.example' }), { status: 204, methods: 'GET, HEAD, OPTIONS, PUT' })
})
