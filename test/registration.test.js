import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../dist/index.js'
import { ok } from './support/with-plugin.js'

test('routes registered before the plugin make registration fail, with a message saying what to do', async (t) => {
  const app = Fastify()
  app.get('/early', ok)
  app.register(fastifyAllowedMethods)
  await t.assert.rejects(app.ready(), (error) => {
    t.assert.match(error.message, /fastify-allowed-methods: routes were registered before the plugin/)
    t.assert.match(error.message, /early/)
    return true
  })
})

test('the classic mistake: register() without await, then routes', async (t) => {
  const app = Fastify()
  app.register(fastifyAllowedMethods)
  app.get('/x', ok) // runs before the plugin loads
  await t.assert.rejects(app.ready(), /register the plugin first/i)
})

test('routes of a plugin registered before it are caught too', async (t) => {
  const app = Fastify()
  app.register(async (child) => { child.get('/child', ok) })
  app.register(fastifyAllowedMethods)
  await t.assert.rejects(app.ready(), /routes were registered before the plugin/)
})

test('plugin metadata: Fastify 5 and 6, named for dependency checks', async (t) => {
  t.assert.strictEqual(fastifyAllowedMethods[Symbol.for('fastify.display-name')], 'fastify-allowed-methods')
  t.assert.strictEqual(fastifyAllowedMethods[Symbol.for('plugin-meta')].fastify, '^5.12.1 || 6.x')
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.register(async () => {}, { name: 'dependent' })
  await app.register((await import('fastify-plugin')).default(async () => {}, { dependencies: ['fastify-allowed-methods'] }))
  await app.ready()
})

const invalid = [
  [{ autoOptions: 'yes' }, 'option "autoOptions" must be a boolean, got "yes"'],
  [{ notImplemented: 1 }, 'option "notImplemented" must be a boolean, got 1'],
  [{ cacheControl: '' }, 'option "cacheControl" must be a non-empty header value (printable ASCII), got ""'],
  [{ cacheControl: 'max-age=1\r\nx: y' }, 'option "cacheControl" must be a non-empty header value'],
  [{ notFound: 'handler' }, 'option "notFound" must be a function, got "handler"'],
  [{ filterAllowed: {} }, 'option "filterAllowed" must be a function, got {}'],
  [{ includeRoute: true }, 'option "includeRoute" must be a function, got true'],
  [{ describeOptions: 'yes' }, 'option "describeOptions" must be a boolean'],
  [{ allowOnSuccess: null }, 'option "allowOnSuccess" must be a boolean'],
  [{ replyDecorator: true }, 'option "replyDecorator" must be a method name or false, got true'],
  [{ replyDecorator: 'not a name' }, 'option "replyDecorator" must be a method name or false'],
  [{ autoOption: true }, 'unknown option "autoOption"'],
  [{ autoOptions: () => true }, 'option "autoOptions" must be a boolean, got function'],
  [{ problemDetails: 'yes' }, 'option "problemDetails" must be a boolean, got "yes"'],
  [{ requestMediaTypes: 'yes' }, 'option "requestMediaTypes" must be a boolean, got "yes"'],
  [{ vary: [] }, 'option "vary" must be a non-empty list of distinct request header names, got []']
]

for (const [options, message] of invalid) {
  test(`invalid options are a TypeError naming the package and the option: ${JSON.stringify(options)}`, async (t) => {
    const app = Fastify()
    app.register(fastifyAllowedMethods, options)
    await t.assert.rejects(app.ready(), (error) => {
      t.assert.ok(error instanceof TypeError)
      t.assert.ok(error.message.startsWith('fastify-allowed-methods: '), error.message)
      t.assert.ok(error.message.includes(message), error.message)
      return true
    })
  })
}

test('the caller\'s options object is not modified', async (t) => {
  const options = Object.freeze({ autoOptions: false })
  const app = Fastify()
  await app.register(fastifyAllowedMethods, options)
  await app.ready()
  t.assert.deepStrictEqual(options, { autoOptions: false })
})

test('Fastify\'s own register options (prefix, logLevel) are accepted', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods, { logLevel: 'warn' })
  await app.ready()
})

test('a constraint strategy added before the plugin counts: the registry asks Fastify\'s own router', async (t) => {
  const app = Fastify()
  app.addConstraintStrategy({
    name: 'tenant',
    storage () { const m = new Map(); return { get: (k) => m.get(k) ?? null, set: (k, v) => { m.set(k, v) } } },
    deriveConstraint: (req) => req.headers['x-tenant'],
    // Fastify 6 is to require `validate` on custom strategies (6.0.0-alpha.4 does not check yet); 5 accepts it.
    validate () {}
  })
  await app.register(fastifyAllowedMethods)
  app.get('/t', { constraints: { tenant: 'a' } }, ok)
  app.put('/t', ok)
  await app.ready()
  const allow = async (tenant) => (await app.inject({ method: 'POST', url: '/t', headers: { 'x-tenant': tenant } })).headers.allow
  t.assert.strictEqual(await allow('a'), 'GET, HEAD, OPTIONS, PUT')
  t.assert.strictEqual(await allow('b'), 'OPTIONS, PUT')
})

test('options that are not an object are a TypeError', async (t) => {
  // Fastify passes what register() is given, a function's result included.
  const app = Fastify()
  app.register(fastifyAllowedMethods, () => 'yes')
  await t.assert.rejects(app.ready(), { name: 'TypeError', message: 'fastify-allowed-methods: options must be an object' })
})
