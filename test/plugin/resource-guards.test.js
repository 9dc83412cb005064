import { test } from 'node:test'
import Fastify from 'fastify'
import cors from '@fastify/cors'
import fastifyAllowedMethods from '../../dist/index.js'

// Before the plugin answers 405 or OPTIONS for a URL, the guards of the routes that make the URL known run
// (`guards: 'resource'`, the default): a caller learns no method its route's guards turn away. Fastify alone
// is the oracle for what a guard answers; the interop tests run the real auth plugins.

const unauthorized = () => Object.assign(new Error('who are you?'), { statusCode: 401 })
const requireKey = async (request) => { if (request.headers['x-key'] !== 'ok') throw unauthorized() }
const ok = async () => 'ok'
const withSecretField = { body: { type: 'object', properties: { secretField: { type: 'string' } } } }

/** The routes of the tests: a guarded tree, a URL with a public GET and a private DELETE, a hidden tree. */
function routes (app) {
  app.register(async (admin) => {
    admin.addHook('onRequest', requireKey)
    admin.addHook('preHandler', async () => {})
    admin.get('/admin/users', ok)
    admin.post('/admin/users', { schema: withSecretField }, ok)
  })
  app.get('/doc', ok)
  app.delete('/doc', { onRequest: requireKey, schema: withSecretField }, ok)
  app.register(async (hidden) => {
    hidden.addHook('preHandler', async (request, reply) => {
      if (request.headers['x-key'] !== 'ok') return reply.code(404).send({ hidden: true })
    })
    hidden.get('/hidden', ok)
  })
}

async function build (options, { plugin = true, setup = () => {} } = {}) {
  const app = Fastify()
  if (plugin) await app.register(fastifyAllowedMethods, options)
  setup(app)
  routes(app)
  await app.ready()
  return app
}

const answer = (response) => ({ status: response.statusCode, body: response.body, allow: response.headers.allow })
const key = { 'x-key': 'ok' }

test('a wrong method gets what the route gives the same caller: the 401 of a GET, ' +
  'the 404 of a hidden tree', async (t) => {
  const plain = await build({}, { plugin: false })
  const app = await build({})
  for (const [url, methods] of [['/admin/users', ['DELETE', 'PUT', 'OPTIONS']], ['/hidden', ['DELETE', 'OPTIONS']]]) {
    const expected = answer(await plain.inject({ method: 'GET', url }))
    t.assert.notStrictEqual(expected.status, 200)
    for (const method of methods) {
      t.assert.deepStrictEqual(answer(await app.inject({ method, url })), expected, `${method} ${url}`)
    }
  }
  // The caller the guards let through learns the methods.
  const admitted = await app.inject({ method: 'DELETE', url: '/admin/users', headers: key })
  t.assert.deepStrictEqual([admitted.statusCode, admitted.headers.allow], [405, 'GET, HEAD, OPTIONS, POST'])
  const options = await app.inject({ method: 'OPTIONS', url: '/hidden', headers: key })
  t.assert.deepStrictEqual([options.statusCode, options.headers.allow], [200, 'GET, HEAD, OPTIONS'])
})

test('public and private routes at one URL: Allow lists only the methods whose guards ' +
  'let the caller through', async (t) => {
  const app = await build({ describeOptions: true })
  const cases = [
    ['PUT', {}, 405, 'GET, HEAD, OPTIONS'],
    ['PUT', key, 405, 'DELETE, GET, HEAD, OPTIONS'],
    ['OPTIONS', {}, 200, 'GET, HEAD, OPTIONS'],
    ['OPTIONS', key, 200, 'DELETE, GET, HEAD, OPTIONS']
  ]
  for (const [method, headers, status, allow] of cases) {
    const response = await app.inject({ method, url: '/doc', headers })
    t.assert.deepStrictEqual([response.statusCode, response.headers.allow],
      [status, allow], `${method} ${JSON.stringify(headers)}`)
    // The answer depends on the caller: no shared cache may give it to another.
    t.assert.strictEqual(response.headers.vary, '*')
  }
  // The description never names what the caller may not learn.
  const described = await app.inject({ method: 'OPTIONS', url: '/doc', headers: { accept: 'application/json' } })
  t.assert.deepStrictEqual(Object.keys(described.json().methods), ['GET', 'HEAD'])
  t.assert.doesNotMatch(described.body, /secretField|DELETE/)
  const full = await app.inject({ method: 'OPTIONS', url: '/doc', headers: { accept: 'application/json', ...key } })
  t.assert.match(full.body, /secretField/)
})

test('an unguarded 405 carries no Vary; a route whose hooks are all the root\'s is unguarded', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.addHook('onRequest', async () => {})
  app.get('/open', ok)
  await app.ready()
  const response = await app.inject({ method: 'PUT', url: '/open' })
  t.assert.deepStrictEqual([response.statusCode, response.headers.vary], [405, undefined])
})

test('each hook runs once, in Fastify\'s order, before the body is read, preParsing never', async (t) => {
  const seen = []
  const note = (name) => async (request) => { seen.push(`${name}:${request.body === undefined ? 'no body' : 'body'}`) }
  const shared = note('route preHandler')
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.addHook('onRequest', note('root onRequest'))
  app.addHook('preValidation', note('root preValidation'))
  app.register(async (plugin) => {
    plugin.addHook('onRequest', note('plugin onRequest'))
    plugin.addHook('preParsing', async () => { seen.push('preParsing') })
    plugin.addHook('preHandler', note('plugin preHandler'))
    plugin.get('/r', { preHandler: shared }, ok)
    plugin.post('/r', { preHandler: shared, preValidation: note('post preValidation') }, ok)
  })
  await app.ready()
  await app.inject({ method: 'GET', url: '/r' })
  const forGet = seen.splice(0).filter(step => step !== 'preParsing').map(step => step.replace(':body', ':no body'))
  const response = await app.inject({ method: 'DELETE', url: '/r', payload: { a: 1 } })
  t.assert.strictEqual(response.statusCode, 405)
  // GET's own steps in its order, then POST's remaining one; each function once; nothing parsed.
  t.assert.deepStrictEqual(seen, [
    'root onRequest:no body', 'plugin onRequest:no body', 'root preValidation:no body', 'post preValidation:no body',
    'plugin preHandler:no body', 'route preHandler:no body'
  ])
  t.assert.deepStrictEqual(forGet, seen.filter(step => !step.startsWith('post')))
})

test('a refusal by the not-found context\'s guards is sent as for a 404; ' +
  'a route\'s refusal hides its method', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  const blockRequests = async (request) => {
    if (request.headers['x-blocked']) throw Object.assign(new Error('blocked'), { statusCode: 429 })
  }
  app.setNotFoundHandler({ preValidation: blockRequests }, (request, reply) => reply.code(404).send('nope'))
  routes(app)
  await app.ready()
  const blocked = await app.inject({ method: 'PUT', url: '/doc', headers: { 'x-blocked': '1' } })
  t.assert.strictEqual(blocked.statusCode, 429)
  const refused = await app.inject({ method: 'PUT', url: '/doc' })
  t.assert.deepStrictEqual([refused.statusCode, refused.headers.allow], [405, 'GET, HEAD, OPTIONS'])
})

test('guards: \'not-found\' runs the not-found context\'s guards alone; \'none\' runs none', async (t) => {
  const guard = async (request, reply) => reply.code(401).send('not-found guard')
  const setup = (app) => app.setNotFoundHandler({ preHandler: guard }, (request, reply) => reply.code(404).send('nope'))
  const notFound = await build({ guards: 'not-found' }, { setup })
  t.assert.strictEqual((await notFound.inject({ method: 'DELETE', url: '/admin/users' })).body, 'not-found guard')
  const legacy = await build({ guards: 'not-found' })
  t.assert.deepStrictEqual(answer(await legacy.inject({ method: 'DELETE', url: '/admin/users' })).allow,
    'GET, HEAD, OPTIONS, POST')
  const none = await build({ guards: 'none', notImplemented: true }, { setup })
  const expected = [['DELETE', '/admin/users', 405], ['OPTIONS', '/admin/users', 200], ['PATCH', '/doc', 501]]
  for (const [method, url, status] of expected) {
    t.assert.strictEqual((await none.inject({ method, url })).statusCode, status, `${method} ${url}`)
  }
  // The 404 is Fastify's and runs its guards, whatever the option.
  t.assert.strictEqual((await none.inject({ method: 'GET', url: '/missing' })).body, 'not-found guard')
})

test('an OPTIONS request handed to the not-found handler (@fastify/cors without preflight) ' +
  'runs the resource\'s guards', async (t) => {
  const allowByGuards = [['resource', 'GET, HEAD, OPTIONS'], ['not-found', 'DELETE, GET, HEAD, OPTIONS'],
    ['none', 'DELETE, GET, HEAD, OPTIONS']]
  for (const [guards, allow] of allowByGuards) {
    const app = await build({ guards }, { setup: (app) => app.register(cors, { preflight: false }) })
    const response = await app.inject({ method: 'OPTIONS', url: '/doc' })
    t.assert.deepStrictEqual([response.statusCode, response.headers.allow], [200, allow], guards)
    t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/admin/users' })).statusCode,
      guards === 'resource' ? 401 : 200)
  }
})

test('an invalid guards option fails registration with a message naming it', async (t) => {
  const app = Fastify()
  await t.assert.rejects(async () => app.register(fastifyAllowedMethods, { guards: 'route' }),
    { message: 'fastify-allowed-methods: option "guards" must be "resource", "not-found" or "none", got "route"' })
})

test('README: MCP recipe: a guard that returns early on request.is404 lets the plugin answer 405 first', async (t) => {
  process.env.MCP_TOKEN = 'secret'
  const handleMessage = async () => ({ jsonrpc: '2.0' })
  const endSession = async (request, reply) => reply.code(204).send()
  const app = Fastify()
  // README: MCP endpoints
  app.register(fastifyAllowedMethods)
  app.register(async (mcp) => {
    mcp.addHook('onRequest', async (request, reply) => {
      if (request.is404) return // a method no route serves: the plugin answers 405 with Allow
      if (request.headers.authorization !== `Bearer ${process.env.MCP_TOKEN}`) {
        return reply.code(401).header('www-authenticate', 'Bearer').send()
      }
    })
    mcp.post('/mcp', handleMessage)
    mcp.delete('/mcp', endSession)
  })
  // end README
  await app.ready()
  const get = await app.inject({ method: 'GET', url: '/mcp' })
  t.assert.deepStrictEqual([get.statusCode, get.headers.allow], [405, 'DELETE, OPTIONS, POST'])
  const post = await app.inject({ method: 'POST', url: '/mcp', payload: {} })
  t.assert.deepStrictEqual([post.statusCode, post.headers['www-authenticate']], [401, 'Bearer'])
  const authorised = await app.inject({
    method: 'POST', url: '/mcp', payload: {}, headers: { authorization: 'Bearer secret' }
  })
  t.assert.strictEqual(authorised.statusCode, 200)
  // The same guard without the early return: the 405 is the guard's 401, as the default promises.
  const strict = Fastify()
  await strict.register(fastifyAllowedMethods)
  strict.register(async (mcp) => {
    mcp.addHook('onRequest', async (request, reply) => reply.code(401).header('www-authenticate', 'Bearer').send())
    mcp.post('/mcp', handleMessage)
  })
  t.assert.strictEqual((await strict.inject({ method: 'GET', url: '/mcp' })).statusCode, 401)
})

test('the first refusal ends the routes\' guards: what had not passed before it is not listed', async (t) => {
  const role = (needed) => async (request) => {
    if (!String(request.headers['x-role']).split(',').includes(needed)) {
      throw Object.assign(new Error(`${needed} only`), { statusCode: 403 })
    }
  }
  const ran = []
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.delete('/page', { onRequest: [role('admin'), async () => { ran.push('admin route, second hook') }] }, ok)
  app.put('/page', { onRequest: [async () => { ran.push('editor route') }, role('editor')] }, ok)
  app.post('/page', { preHandler: role('editor') }, ok)
  await app.ready()
  // The editor meets the admin's guard first (DELETE before PUT in Allow order): no hook runs after it.
  const editor = await app.inject({ method: 'PATCH', url: '/page', headers: { 'x-role': 'editor' } })
  t.assert.deepStrictEqual([editor.statusCode, editor.json().message], [403, 'admin only'])
  t.assert.deepStrictEqual(ran, [])
  const both = await app.inject({ method: 'PATCH', url: '/page', headers: { 'x-role': 'admin,editor' } })
  t.assert.deepStrictEqual([both.statusCode, both.headers.allow], [405, 'DELETE, OPTIONS, POST, PUT'])
  // Refused by the editor's guard after the admin's passed: DELETE stays listed, PUT and POST do not.
  const admin = await app.inject({ method: 'PATCH', url: '/page', headers: { 'x-role': 'admin' } })
  t.assert.deepStrictEqual([admin.statusCode, admin.headers.allow], [405, 'DELETE, OPTIONS'])
})
