import { test } from 'node:test'
import { appWith, ok } from '../support/with-plugin.js'

const routes = (app) => {
  app.get('/users', ok)
  app.post('/users', ok)
  app.get('/users/:id', ok)
  app.put('/users/:id', ok)
  app.delete('/users/:id', ok)
  app.get('/hosted', { constraints: { host: 'a.example' } }, ok)
  app.put('/hosted', ok)
}
const readOnly = (request, methods) => request.headers['x-role'] === 'admin'
  ? methods
  : methods.filter(method => ['GET', 'HEAD', 'OPTIONS'].includes(method))

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

test('request.allowedMethods() is the shared answer, frozen: a caller cannot change what later calls return',
  async (t) => {
    // ES modules run in strict mode, where changing a frozen array throws.
    const tryToChange = (request) => {
      const refused = ['push', 'unshift'].filter(change => {
        try { request.allowedMethods()[change]('TRACE') } catch { return true }
        return false
      })
      return { frozen: Object.isFrozen(request.allowedMethods()), refused, after: request.allowedMethods() }
    }
    const app = await appWith(async (app) => {
      routes(app)
      app.options('/options-only', async (request) => tryToChange(request))
      app.patch('/users/:id', async (request) => tryToChange(request))
    })
    const answer = async (method, url) => (await app.inject({ method, url })).json()
    t.assert.deepStrictEqual(await answer('PATCH', '/users/7'),
      { frozen: true, refused: ['push', 'unshift'], after: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT'] })
    t.assert.deepStrictEqual(await answer('OPTIONS', '/options-only'),
      { frozen: true, refused: ['push', 'unshift'], after: [] })
  })

test('request.allowedMethods() is narrowed by filterAllowed, ' +
  'and a Promise when filterAllowed is asynchronous', async (t) => {
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
    t.assert.deepStrictEqual(await asked({ 'x-role': 'admin' }),
      { promise, methods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT'] })
  }
})

/**
 * A custom strategy whose value is derived asynchronously from `x-tenant`, failing from the `failFrom`th call
 * for a request (Fastify's routing makes the first).
 */
function tenantStrategy (failFrom) {
  const calls = new WeakMap()
  return {
    name: 'tenant',
    storage () {
      const values = new Map()
      return { get: (value) => values.get(value) ?? null, set: (value, store) => { values.set(value, store) } }
    },
    deriveConstraint: (req, _ctx, done) => {
      const call = (calls.get(req) ?? 0) + 1
      calls.set(req, call)
      const fail = call >= failFrom
      setImmediate(() => fail ? done(new Error('tenant lookup failed')) : done(null, req.headers['x-tenant']))
    },
    validate () {}
  }
}

test('with an asynchronous strategy, request.allowedMethods() is a Promise, rejected if deriving fails', async (t) => {
  const app = await appWith(async (app) => {
    app.get('/t', { constraints: { tenant: 'acme' } }, ok)
    app.patch('/t', async (request) => {
      const answer = request.allowedMethods()
      const first = { promise: answer instanceof Promise, methods: await answer }
      return { first, again: await request.allowedMethods().catch(error => error.message) }
    })
  }, { fastifyOptions: { routerOptions: { constraints: { tenant: tenantStrategy(3) } } } })
  const response = await app.inject({ method: 'PATCH', url: '/t', headers: { 'x-tenant': 'acme' } })
  t.assert.deepStrictEqual(response.json(), {
    first: { promise: true, methods: ['GET', 'HEAD', 'OPTIONS', 'PATCH'] },
    again: 'tenant lookup failed'
  })
})

/**
 * An app whose routes keep the `request.routeOptions.config` their requests see (by `tag`), with a PROPFIND
 * route at every URL that calls `request.routeConfigFor(method)` for each of `methods` (as many as asked).
 */
async function configApp (methods, { fastifyOptions, routes = () => {} } = {}) {
  const seen = new Map()
  const asked = []
  const keep = async (request) => {
    seen.set(request.routeOptions.config.tag, request.routeOptions.config)
    return 'ok'
  }
  const app = await appWith(async (app) => {
    app.get('/users/:id', { config: { tag: 'get user' } }, keep)
    app.put('/users/:id', { config: { tag: 'put user' } }, keep)
    app.delete('/users/:id', keep)
    app.patch('/users/:id', { config: { tag: 'kept out', allowedMethods: false } }, keep)
    routes(app, keep)
    app.addHttpMethod('PROPFIND')
    app.route({
      method: 'PROPFIND',
      url: '/*',
      handler: async (request) => {
        const answers = methods.map(method => request.routeConfigFor(method))
        asked.push({ answers, settled: await Promise.all(answers) })
        return 'asked'
      }
    })
  }, { fastifyOptions })
  return { app, seen, asked }
}

test('request.routeConfigFor(method): the very config of the route Fastify would run for the method', async (t) => {
  const { app, seen, asked } = await configApp(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'POST'])
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) await app.inject({ method, url: '/users/7' })
  await app.inject({ method: 'PROPFIND', url: '/users/7?q=1' })
  const [get, head, put, del, patch, post] = asked[0].answers
  t.assert.strictEqual(get, seen.get('get user'))
  t.assert.strictEqual(put, seen.get('put user'))
  t.assert.strictEqual(del, seen.get(undefined))
  t.assert.deepStrictEqual({ ...del }, { url: '/users/:id', method: 'DELETE' })
  // Fastify's automatic HEAD route has a config of its own, copied from the GET route's.
  t.assert.deepStrictEqual({ ...head }, { tag: 'get user', url: '/users/:id', method: 'HEAD' })
  t.assert.strictEqual(patch, undefined, 'a route kept out of the registry is never advertised')
  t.assert.strictEqual(post, undefined, 'no POST route matches')
})

test('request.routeConfigFor() sees what onRoute hooks after the plugin did to a route\'s config', async (t) => {
  const { app, asked } = await configApp(['GET'], {
    routes: (app, keep) => {
      app.addHook('onRoute', (route) => { if (route.url === '/late') route.config = { ...route.config, late: true } })
      app.get('/late', { config: { tag: 'late' } }, keep)
    }
  })
  await app.inject({ method: 'PROPFIND', url: '/late' })
  t.assert.deepStrictEqual({ ...asked[0].answers[0] }, { tag: 'late', late: true, url: '/late', method: 'GET' })
})

test('request.routeConfigFor() finds the route for the request\'s constraint values', async (t) => {
  const { app, asked } = await configApp(['GET'], {
    routes: (app, keep) => {
      app.get('/hosted', { constraints: { host: 'a.example' }, config: { tag: 'a' } }, keep)
      app.get('/hosted', { config: { tag: 'any host' } }, keep)
    }
  })
  await app.inject({ method: 'PROPFIND', url: '/hosted', headers: { host: 'a.example' } })
  await app.inject({ method: 'PROPFIND', url: '/hosted', headers: { host: 'b.example' } })
  t.assert.deepStrictEqual(asked.map(({ answers }) => answers[0].tag), ['a', 'any host'])
})

test('with an asynchronous strategy, request.routeConfigFor() is a Promise, rejected if deriving fails', async (t) => {
  const tenantRoute = (app, keep) => {
    app.get('/t', { constraints: { tenant: 'acme' }, config: { tag: 'acme' } }, keep)
  }
  const { app, asked } = await configApp(['GET'], {
    fastifyOptions: { routerOptions: { constraints: { tenant: tenantStrategy(3) } } }, routes: tenantRoute
  })
  await app.inject({ method: 'PROPFIND', url: '/t', headers: { 'x-tenant': 'acme' } })
  t.assert.ok(asked[0].answers[0] instanceof Promise)
  t.assert.strictEqual(asked[0].settled[0].tag, 'acme')
  const failing = await configApp(['GET'], {
    fastifyOptions: { routerOptions: { constraints: { tenant: tenantStrategy(2) } } }, routes: tenantRoute
  })
  const response = await failing.app.inject({ method: 'PROPFIND', url: '/t', headers: { 'x-tenant': 'acme' } })
  t.assert.strictEqual(response.statusCode, 500)
  t.assert.strictEqual(response.json().message, 'tenant lookup failed')
})

test('request.routeConfigFor(): a method name no route has is undefined, a non-string a TypeError', async (t) => {
  const names = ['', 'get', 'GET, PUT', '__proto__', 'constructor', 'toString', 'G\u00c9T', '*']
  const { app, asked } = await configApp(names)
  const response = await app.inject({ method: 'PROPFIND', url: '/users/7' })
  t.assert.strictEqual(response.statusCode, 200)
  t.assert.deepStrictEqual(asked[0].answers, names.map(() => undefined))
  const probe = await appWith(async (app) => {
    app.post('/p', async (request) => { try { request.routeConfigFor(1) } catch (error) { return error.message } })
  })
  t.assert.strictEqual((await probe.inject({ method: 'POST', url: '/p' })).body,
    'fastify-allowed-methods: request.routeConfigFor(method) needs a method name (a string)')
})
