import { test } from 'node:test'
import { appWith, ok } from '../support/with-plugin.js'

// A shared cache keys a stored response on the URL and the request headers its Vary names (RFC 9111 4.1).
// An answer computed for one caller (filterAllowed, a refusal from a handler) must not be reused for
// another: by default it carries `Vary: *`, which never matches; with the `vary` option, the headers that
// tell callers apart. Unit tests of the headers; test/integration/shared-cache.test.js puts nginx in front.

const byRole = (request, methods) =>
  request.headers['x-role'] === 'admin' ? methods : methods.filter(method => method !== 'POST')
const headersOf = async (app, method, url, headers = {}) => {
  const response = await app.inject({ method, url, headers })
  const { statusCode: status, headers: { allow, vary, 'cache-control': cacheControl } } = response
  return { status, allow, vary, cacheControl }
}

test('without filterAllowed, 405 and OPTIONS answers are the same for every caller: no Vary', async (t) => {
  const app = await appWith(app => { app.post('/a', ok) }, { pluginOptions: { cacheControl: 'max-age=60' } })
  t.assert.deepStrictEqual(await headersOf(app, 'GET', '/a'),
    { status: 405, allow: 'OPTIONS, POST', vary: undefined, cacheControl: 'max-age=60' })
  t.assert.deepStrictEqual(await headersOf(app, 'OPTIONS', '/a'),
    { status: 200, allow: 'OPTIONS, POST', vary: undefined, cacheControl: undefined })
})

test('filterAllowed: 405, OPTIONS and OPTIONS * vary on everything, ' +
  'and cacheControl does not make them shareable', async (t) => {
  const pluginOptions = { filterAllowed: byRole, cacheControl: 'max-age=60' }
  const app = await appWith(app => { app.post('/a', ok) }, { pluginOptions })
  t.assert.deepStrictEqual(await headersOf(app, 'GET', '/a', { 'x-role': 'admin' }),
    { status: 405, allow: 'OPTIONS, POST', vary: '*', cacheControl: 'max-age=60' })
  t.assert.deepStrictEqual(await headersOf(app, 'GET', '/a'),
    { status: 405, allow: 'OPTIONS', vary: '*', cacheControl: 'max-age=60' })
  t.assert.deepStrictEqual(await headersOf(app, 'OPTIONS', '/a'),
    { status: 200, allow: 'OPTIONS', vary: '*', cacheControl: undefined })
})

test('vary: the caller-dependent answers vary on the given headers, merged with a Vary already set', async (t) => {
  const app = await appWith(app => {
    app.addHook('onRequest', async (request, reply) => { reply.header('vary', 'Origin') })
    app.post('/a', ok)
  }, { pluginOptions: { filterAllowed: byRole, vary: ['X-Role'], cacheControl: 'max-age=60' } })
  t.assert.deepStrictEqual(await headersOf(app, 'GET', '/a'),
    { status: 405, allow: 'OPTIONS', vary: 'Origin, X-Role', cacheControl: 'max-age=60' })
  t.assert.deepStrictEqual(await headersOf(app, 'OPTIONS', '/a'),
    { status: 200, allow: 'OPTIONS', vary: 'Origin, X-Role', cacheControl: undefined })
})

test('reply.methodNotAllowed() depends on the caller even without filterAllowed: ' +
  'Vary *, or the vary headers', async (t) => {
  const routes = app => {
    app.get('/doc', async (request, reply) => request.headers['x-role'] === 'admin' ? 'doc' : reply.methodNotAllowed())
    app.put('/doc', ok)
  }
  const plain = await appWith(routes, { pluginOptions: { cacheControl: 'max-age=60' } })
  t.assert.deepStrictEqual(await headersOf(plain, 'GET', '/doc'),
    { status: 405, allow: 'OPTIONS, PUT', vary: '*', cacheControl: 'max-age=60' })
  const keyed = await appWith(routes, { pluginOptions: { vary: ['x-role'] } })
  t.assert.strictEqual((await headersOf(keyed, 'GET', '/doc')).vary, 'x-role')
})

test('allowOnSuccess with filterAllowed: the Vary survives a Vary the handler sets itself', async (t) => {
  const routes = app => {
    app.get('/doc', async (request, reply) =>
      reply.header('cache-control', 'max-age=60').header('vary', 'Accept-Encoding').send('doc'))
    app.post('/doc', ok)
  }
  const everything = await appWith(routes, { pluginOptions: { allowOnSuccess: true, filterAllowed: byRole } })
  t.assert.deepStrictEqual(await headersOf(everything, 'GET', '/doc'),
    { status: 200, allow: 'GET, HEAD, OPTIONS', vary: '*', cacheControl: 'max-age=60' })
  const keyedOptions = { allowOnSuccess: true, filterAllowed: byRole, vary: ['x-role'] }
  const keyed = await appWith(routes, { pluginOptions: keyedOptions })
  t.assert.deepStrictEqual(await headersOf(keyed, 'GET', '/doc', { 'x-role': 'admin' }),
    { status: 200, allow: 'GET, HEAD, OPTIONS, POST', vary: 'Accept-Encoding, x-role', cacheControl: 'max-age=60' })
  const unfiltered = await appWith(routes, { pluginOptions: { allowOnSuccess: true } })
  t.assert.strictEqual((await headersOf(unfiltered, 'GET', '/doc')).vary,
    'Accept-Encoding', 'nothing added when the answer is the same for everyone')
})

test('notFoundWhenEmpty: every 404 varies as a hidden one does; without the option a 404 has no Vary', async (t) => {
  const adminsOnly = (request, methods) => request.headers['x-role'] === 'admin' ? methods : []
  const routes = app => {
    app.addHook('onRequest', async (request, reply) => { reply.header('vary', 'Origin') })
    app.post('/a', ok)
  }
  const hiding = { filterAllowed: adminsOnly, notFoundWhenEmpty: true }
  const hidden = await appWith(routes, { pluginOptions: hiding })
  const keyed = await appWith(routes, { pluginOptions: { ...hiding, vary: ['x-role'] } })
  for (const url of ['/a', '/nowhere']) {
    const expected = { status: 404, allow: undefined, vary: '*', cacheControl: undefined }
    t.assert.deepStrictEqual(await headersOf(hidden, 'GET', url), expected, url)
    t.assert.strictEqual((await headersOf(keyed, 'GET', url)).vary, 'Origin, x-role', url)
  }
  const plain = await appWith(routes, { pluginOptions: { filterAllowed: adminsOnly } })
  const genuine = await headersOf(plain, 'GET', '/nowhere')
  t.assert.strictEqual(genuine.vary, 'Origin', 'without notFoundWhenEmpty nothing added: a 404 is a 404 for everyone')
})

test('versioned routes: every answer depends on Accept-Version, and says so', async (t) => {
  const app = await appWith(app => {
    app.get('/v', { constraints: { version: '1.0.0' } }, ok)
    app.post('/plain', ok)
  })
  t.assert.deepStrictEqual(await headersOf(app, 'PUT', '/v', { 'accept-version': '1.x' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS', vary: 'Accept-Version', cacheControl: undefined })
  // find-my-way: a request carrying a version matches no unversioned route, so even this URL's answer depends on it.
  t.assert.strictEqual((await headersOf(app, 'GET', '/plain')).vary, 'Accept-Version')
  t.assert.strictEqual((await headersOf(app, 'GET', '/plain', { 'accept-version': '1.0.0' })).status, 404)
})

test('a custom constraint strategy, whose headers only the app knows, keeps answers per caller', async (t) => {
  const tenant = {
    name: 'tenant',
    storage () { const map = new Map(); return { get: (k) => map.get(k) ?? null, set: (k, v) => map.set(k, v) } },
    deriveConstraint: (request) => request.headers['x-tenant'],
    validate () {}
  }
  const routes = app => { app.get('/t', { constraints: { tenant: 'a' } }, ok) }
  const app = await appWith(routes, { fastifyOptions: { constraints: { tenant } } })
  t.assert.deepStrictEqual(await headersOf(app, 'POST', '/t', { 'x-tenant': 'a' }),
    { status: 405, allow: 'GET, HEAD, OPTIONS', vary: '*', cacheControl: undefined })
  const keyed = await appWith(routes,
    { fastifyOptions: { constraints: { tenant } }, pluginOptions: { vary: ['x-tenant'] } })
  t.assert.strictEqual((await headersOf(keyed, 'POST', '/t', { 'x-tenant': 'a' })).vary, 'x-tenant')
})

test('501 depends on the method alone: no Vary', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) },
    { pluginOptions: { notImplemented: true, filterAllowed: byRole } })
  t.assert.deepStrictEqual(await headersOf(app, 'PATCH', '/a'),
    { status: 501, allow: undefined, vary: undefined, cacheControl: undefined })
})
