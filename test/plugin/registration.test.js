import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'

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

test('registering the plugin twice fails with a message saying so and what to do', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.register(fastifyAllowedMethods)
  await t.assert.rejects(app.ready(), (error) => {
    t.assert.match(error.message, /^fastify-allowed-methods: registered twice in this app/)
    t.assert.match(error.message, /Register it once, at the root, before any route/)
    t.assert.match(error.message, /dependencies: \['fastify-allowed-methods'\]/)
    return true
  })
})

test('registering it again in a plugin is the same mistake, not a clash of reply decorators', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.register(async (child) => { await child.register(fastifyAllowedMethods) })
  await t.assert.rejects(app.ready(), /^Error: fastify-allowed-methods: registered twice in this app/)
})

test('registering it inside an encapsulated plugin fails: it would cover that plugin alone', async (t) => {
  for (const prefix of [undefined, '/api']) {
    const app = Fastify()
    app.get('/root', ok)
    app.register(async (child) => {
      await child.register(fastifyAllowedMethods)
      child.get('/x', ok)
    }, { prefix })
    await t.assert.rejects(app.ready(), (error) => {
      t.assert.match(error.message, /^fastify-allowed-methods: registered inside an encapsulated plugin/)
      t.assert.match(error.message, /Register it once, at the root/)
      t.assert.match(error.message, /fastify-plugin/)
      return true
    }, `prefix ${prefix}`)
  }
})

test('telling the root from a plugin needs Fastify\'s kState: a clear error on a Fastify without it', async (t) => {
  const { isRootInstance } = await import('../../dist/internals/fastify.js')
  const app = Fastify()
  let child
  app.register(async (instance) => { child = instance })
  await app.ready()
  t.assert.strictEqual(isRootInstance(app), true)
  t.assert.strictEqual(isRootInstance(child), false)
  t.assert.throws(() => isRootInstance({}),
    /^Error: fastify-allowed-methods: this Fastify has no lib\/symbols.js `Symbol\('fastify.state'\)`.*not supported/)
})

test('registered by a plugin wrapped with fastify-plugin, it is at the root and serves every route', async (t) => {
  const fp = (await import('fastify-plugin')).default
  const app = Fastify()
  await app.register(fp(async (instance) => { await instance.register(fastifyAllowedMethods) }))
  app.get('/x', ok)
  app.register(async (child) => { child.put('/y', ok) }, { prefix: '/api' })
  await app.ready()
  t.assert.strictEqual((await app.inject({ method: 'DELETE', url: '/x' })).headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.strictEqual((await app.inject({ method: 'DELETE', url: '/api/y' })).headers.allow, 'OPTIONS, PUT')
})

test('registered after @fastify/cors: the message names cors and says to register this plugin first', async (t) => {
  const cors = (await import('@fastify/cors')).default
  const app = Fastify()
  await app.register(cors)
  app.register(fastifyAllowedMethods)
  await t.assert.rejects(app.ready(), (error) => {
    t.assert.match(error.message, /routes were registered before the plugin/)
    t.assert.match(error.message,
      /@fastify\/cors was registered before it: `\* \(OPTIONS\)` below is its preflight route/)
    t.assert.match(error.message, /Register fastify-allowed-methods first, then @fastify\/cors/)
    t.assert.match(error.message, /\* \(OPTIONS\)/)
    return true
  })
})

test('without @fastify/cors, the message does not mention it', async (t) => {
  const app = Fastify()
  app.options('*', ok)
  app.register(fastifyAllowedMethods)
  await t.assert.rejects(app.ready(), (error) => {
    t.assert.match(error.message, /routes were registered before the plugin/)
    t.assert.doesNotMatch(error.message, /cors/)
    return true
  })
})

test('plugin metadata: Fastify 5 and 6, named for dependency checks', async (t) => {
  t.assert.strictEqual(fastifyAllowedMethods[Symbol.for('fastify.display-name')], 'fastify-allowed-methods')
  t.assert.strictEqual(fastifyAllowedMethods[Symbol.for('plugin-meta')].fastify, '^5.12.1 || 6.x')
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.register(async () => {}, { name: 'dependent' })
  const fp = (await import('fastify-plugin')).default
  await app.register(fp(async () => {}, { dependencies: ['fastify-allowed-methods'] }))
  await app.ready()
})

const invalid = [
  [{ autoOptions: 'yes' }, 'option "autoOptions" must be a boolean, got "yes"'],
  [{ optionsStatus: 201 }, 'option "optionsStatus" must be 200 or 204, got 201'],
  [{ optionsStatus: '204' }, 'option "optionsStatus" must be 200 or 204, got "204"'],
  [{ lingerTime: -1 }, 'option "lingerTime" must be a whole number, 0 or more, got -1'],
  [{ lingerBytes: 1.5 }, 'option "lingerBytes" must be a whole number, 0 or more, got 1.5'],
  [{ lingerTime: '2s' }, 'option "lingerTime" must be a whole number, 0 or more, got "2s"'],
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
  [{ vary: [] }, 'option "vary" must be a non-empty list of distinct request header names, got []'],
  [{ lazy: 'yes' }, 'option "lazy" must be a boolean, got "yes"']
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
  const allow = async (tenant) =>
    (await app.inject({ method: 'POST', url: '/t', headers: { 'x-tenant': tenant } })).headers.allow
  t.assert.strictEqual(await allow('a'), 'GET, HEAD, OPTIONS, PUT')
  t.assert.strictEqual(await allow('b'), 'OPTIONS, PUT')
})

test('options that are not an object are a TypeError', async (t) => {
  // Fastify passes what register() is given, a function's result included.
  const app = Fastify()
  app.register(fastifyAllowedMethods, () => 'yes')
  await t.assert.rejects(app.ready(),
    { name: 'TypeError', message: 'fastify-allowed-methods: options must be an object' })
})
