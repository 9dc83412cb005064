import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { appWith, answer, ok } from '../support/with-plugin.js'

test('option notFound answers real 404s', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) }, {
    pluginOptions: { notFound: (request, reply) => reply.code(404).send({ custom: request.url }) }
  })
  const response = await app.inject({ method: 'GET', url: '/b' })
  t.assert.strictEqual(response.statusCode, 404)
  t.assert.deepStrictEqual(response.json(), { custom: '/b' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/a'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('with notFound given, a later root setNotFoundHandler fails as Fastify\'s own second call does', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods, { notFound: (request, reply) => reply.code(404).send('mine') })
  t.assert.throws(() => app.setNotFoundHandler(() => {}), /Not found handler already set/)
})

test('the app may set its root not-found handler after the plugin, and keeps 405s', async (t) => {
  const app = await appWith(app => {
    app.setNotFoundHandler((request, reply) => reply.code(404).send('root custom'))
    app.get('/a', ok)
  })
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/zz' })).body, 'root custom')
  t.assert.deepStrictEqual(await answer(app, 'POST', '/a'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('setNotFoundHandler with options and its own hooks keeps them, and they guard the 405 too', async (t) => {
  const calls = []
  const app = await appWith(app => {
    app.setNotFoundHandler({
      onRequest: (request, reply, done) => { calls.push('theirs'); done() },
      preHandler: (request, reply, done) => { calls.push('preHandler'); done() }
    }, (request, reply) => reply.code(404).send('custom'))
    app.get('/a', ok)
  })
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/zz' })).body, 'custom')
  t.assert.deepStrictEqual(calls, ['theirs', 'preHandler'])
  calls.length = 0
  t.assert.strictEqual((await app.inject({ method: 'POST', url: '/a' })).statusCode, 405)
  t.assert.deepStrictEqual(calls, ['theirs', 'preHandler'], 'their hooks run before the 405, as before the 404')
})

test('a prefixed plugin keeps its own not-found handler, and its URLs still get 405/OPTIONS', async (t) => {
  const app = await appWith(app => {
    app.register(async (shop) => {
      shop.setNotFoundHandler((request, reply) => reply.code(404).send('shop: no such page'))
      shop.get('/cart', ok)
      shop.register(async (deep) => {
        deep.setNotFoundHandler((request, reply) => reply.code(404).send('deep: no such page'))
        deep.put('/item/:id', ok)
      }, { prefix: '/deep' })
    }, { prefix: '/shop' })
    app.get('/home', ok)
  })
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/shop/nothing' })).body, 'shop: no such page')
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/shop/deep/nothing' })).body, 'deep: no such page')
  t.assert.deepStrictEqual(await answer(app, 'POST', '/shop/cart'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'GET', '/shop/deep/item/1'), { status: 405, allow: 'OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'OPTIONS', '/shop/deep/item/1'), { status: 200, allow: 'OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/home'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('@fastify/cors-style root onRequest hooks run before the decision', async (t) => {
  const app = await appWith(app => {
    app.addHook('onRequest', (request, reply, done) => {
      if (request.method === 'OPTIONS' && request.headers.origin) {
        return reply.code(204).header('x-preflight', 'yes').send()
      }
      done()
    })
    app.get('/a', ok)
  })
  const preflight = await app.inject({ method: 'OPTIONS', url: '/a', headers: { origin: 'https://x.example' } })
  t.assert.strictEqual(preflight.statusCode, 204)
  t.assert.strictEqual(preflight.headers['x-preflight'], 'yes')
})

test('a root not-found handler set before the plugin fails its registration, ' +
  'with a message saying what to do', async (t) => {
  const app = Fastify()
  app.setNotFoundHandler((request, reply) => reply.code(404).send('early'))
  app.register(fastifyAllowedMethods)
  await t.assert.rejects(app.ready(), {
    message: /^fastify-allowed-methods: a not-found handler was set before the plugin.*Register the plugin first/
  })
})
