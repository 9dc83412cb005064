// README.md's CORS recipe with the real @fastify/cors: cors answers every preflight on its own `OPTIONS *`
// route, with its global options, and hands OPTIONS requests it does not answer to the not-found handler.
// The recipe answers each preflight as the route the call will run (request.routeConfigFor) and lets every
// other OPTIONS request reach the plugin's automatic answer.
import { test } from 'node:test'
import Fastify from 'fastify'
import cors from '@fastify/cors'
import fastifyAllowedMethods from '../../dist/index.js'
import { appWith, ok } from '../support/with-plugin.js'
import { methodNotAllowedBody, notFoundBody } from '../support/expected.js'
import { rawRequest, rawRequestText } from '../support/raw-http.js'
import { corsRecipe } from '../support/cors-recipe.js'

/** README.md's recipe, with the README's `corsOptions`. */
async function registerRecipe (app) {
  await app.register(cors, corsRecipe({ origin: 'https://app.example' }))
}

const routes = (app) => {
  app.get('/users/:id', ok)
  app.put('/users/:id', ok)
  app.put('/public/:id', { config: { cors: { origin: '*' } } }, ok)
  app.put('/private/:id', { config: { cors: false } }, ok)
}

const recipeApp = (moreRoutes = () => {}, options = {}) => appWith(async (app) => {
  await registerRecipe(app)
  routes(app)
  moreRoutes(app)
}, options)

/** A preflight, as a browser sends it before a cross-origin `method` call to `url`. */
async function preflight (app, url, method, { origin = 'https://app.example', ...headers } = {}) {
  const response = await app.inject({
    method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': method, ...headers }
  })
  return {
    status: response.statusCode,
    origin: response.headers['access-control-allow-origin'],
    methods: response.headers['access-control-allow-methods'],
    allow: response.headers.allow
  }
}

test('a preflight gets the CORS settings of the route it asks about: its method, and its config.cors', async (t) => {
  const app = await recipeApp()
  t.after(() => app.close())
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'PUT'),
    { status: 204, origin: 'https://app.example', methods: 'PUT', allow: undefined })
  t.assert.deepStrictEqual(await preflight(app, '/public/7', 'PUT', { origin: 'https://other.example' }),
    { status: 204, origin: '*', methods: 'PUT', allow: undefined })
  // The call itself runs the route, where cors merges config.cors itself: the preflight agreed with it.
  const call = await app.inject({ method: 'PUT', url: '/public/7', headers: { origin: 'https://other.example' } })
  t.assert.deepStrictEqual([call.statusCode, call.headers['access-control-allow-origin']], [200, '*'])
})

test('without the recipe, cors answers that preflight with its global options: browsers block the call', async (t) => {
  const app = await appWith(async (app) => {
    await app.register(cors, { origin: 'https://app.example' })
    routes(app)
  })
  t.after(() => app.close())
  t.assert.deepStrictEqual(await preflight(app, '/public/7', 'PUT', { origin: 'https://other.example' }),
    { status: 204, origin: 'https://app.example', methods: 'GET,HEAD,POST', allow: undefined })
})

test('a preflight for a call no route would serve gets no CORS approval', async (t) => {
  const app = await recipeApp()
  t.after(() => app.close())
  const none = { origin: undefined, methods: undefined }
  const automatic = { status: 200, ...none, allow: 'GET, HEAD, OPTIONS, PUT' }
  // A known URL gets the automatic OPTIONS answer, an unknown one its 404.
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'DELETE'), automatic)
  t.assert.deepStrictEqual(await preflight(app, '/private/7', 'PUT'), { status: 200, ...none, allow: 'OPTIONS, PUT' })
  t.assert.deepStrictEqual(await preflight(app, '/nope', 'GET'), { status: 404, ...none, allow: undefined })
  // Access-Control-Request-Method is the client's: no method name crashes anything.
  for (const method of ['put', '__proto__', 'constructor', 'GET, PUT', '', '*']) {
    t.assert.deepStrictEqual(await preflight(app, '/users/7', method), automatic, method)
  }
})

test('an OPTIONS request that is not a preflight gets the automatic answer its 405s advertise', async (t) => {
  const app = await recipeApp()
  t.after(() => app.close())
  const refused = await app.inject({ method: 'DELETE', url: '/users/7' })
  t.assert.strictEqual(refused.statusCode, 405)
  t.assert.deepStrictEqual(refused.json(), methodNotAllowedBody('DELETE', '/users/7'))
  const notPreflights = [{}, { origin: 'https://app.example' }, { 'access-control-request-method': 'PUT' }]
  for (const headers of notPreflights) {
    const response = await app.inject({ method: 'OPTIONS', url: '/users/7', headers })
    t.assert.strictEqual(response.statusCode, 200, JSON.stringify(headers))
    t.assert.strictEqual(response.headers.allow, refused.headers.allow)
    t.assert.strictEqual(response.headers['content-length'], '0')
    t.assert.strictEqual(response.body, '')
    t.assert.strictEqual(response.headers['access-control-allow-origin'], 'https://app.example')
    t.assert.strictEqual(response.headers['access-control-allow-methods'], undefined)
  }
  const unknown = await app.inject({ method: 'OPTIONS', url: '/nope' })
  t.assert.strictEqual(unknown.statusCode, 404)
  t.assert.deepStrictEqual(unknown.json(), notFoundBody('OPTIONS', '/nope'))
})

// A raw socket: app.inject() turns the target `*` into `/*`.
test('`OPTIONS *` gets the automatic answer for the whole server', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  await registerRecipe(app)
  routes(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const response = await rawRequest(app.server.address().port, rawRequestText('OPTIONS', '*'))
  t.assert.strictEqual(response.status, 200)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, PUT')
  t.assert.strictEqual(response.body, '')
})

test('preflights are not narrowed by a filterAllowed that reads credentials (preflights carry none)', async (t) => {
  const safe = ['GET', 'HEAD', 'OPTIONS']
  const readOnlyUnlessAuthorized = (request, methods) =>
    request.headers.authorization === undefined ? methods.filter(method => safe.includes(method)) : methods
  const app = await recipeApp(() => {}, { pluginOptions: { filterAllowed: readOnlyUnlessAuthorized } })
  t.after(() => app.close())
  t.assert.deepStrictEqual(await preflight(app, '/users/7', 'PUT'),
    { status: 204, origin: 'https://app.example', methods: 'PUT', allow: undefined })
  // The call itself meets filterAllowed where the plugin answers: its 405 for an anonymous caller.
  t.assert.strictEqual((await app.inject({ method: 'DELETE', url: '/users/7' })).headers.allow, 'GET, HEAD, OPTIONS')
})

test('the target route is found with the preflight\'s constraint values', async (t) => {
  const app = await recipeApp((app) => {
    app.put('/hosted', { constraints: { host: 'a.example' }, config: { cors: { origin: '*' } } }, ok)
    app.put('/hosted', ok)
  })
  t.after(() => app.close())
  const other = { origin: 'https://other.example' }
  const originFor = async (host) => (await preflight(app, '/hosted', 'PUT', { ...other, host })).origin
  t.assert.strictEqual(await originFor('a.example'), '*')
  t.assert.strictEqual(await originFor('b.example'), 'https://app.example')
})

test('with an asynchronous constraint strategy, the recipe awaits the target route', async (t) => {
  const tenant = {
    name: 'tenant',
    storage () {
      const values = new Map()
      return { get: (value) => values.get(value) ?? null, set: (value, store) => { values.set(value, store) } }
    },
    deriveConstraint: (req, _ctx, done) => { setImmediate(() => done(null, req.headers['x-tenant'])) },
    validate () {}
  }
  const app = await recipeApp((app) => {
    app.get('/t', ok)
    app.put('/t', { constraints: { tenant: 'acme' }, config: { cors: { origin: '*' } } }, ok)
  }, { fastifyOptions: { routerOptions: { constraints: { tenant } } } })
  t.after(() => app.close())
  const other = { origin: 'https://other.example' }
  t.assert.deepStrictEqual(await preflight(app, '/t', 'PUT', { ...other, 'x-tenant': 'acme' }),
    { status: 204, origin: '*', methods: 'PUT', allow: undefined })
  t.assert.deepStrictEqual(await preflight(app, '/t', 'PUT', { ...other, 'x-tenant': 'globex' }),
    { status: 200, origin: undefined, methods: undefined, allow: 'GET, HEAD, OPTIONS' })
})
