import { test } from 'node:test'
import Fastify from 'fastify'
import fastifySensible from '@fastify/sensible'
import fastifyAllowedMethods from '../../dist/index.js'

// @fastify/sensible decorates reply.methodNotAllowed() too (a 405 without Allow): the default names clash.
const clash = (order) => (error) => error instanceof TypeError &&
  error.message.startsWith(`fastify-allowed-methods: option "replyDecorator": reply.methodNotAllowed() ${order}`) &&
  error.message.endsWith("Choose another name, e.g. `replyDecorator: 'sendMethodNotAllowed'`, or false.")

test('@fastify/sensible, then the plugin with the default reply decorator: our TypeError', async (t) => {
  const app = Fastify()
  app.register(fastifySensible)
  app.register(fastifyAllowedMethods)
  await t.assert.rejects(app.ready(), clash('already exists'))
})

test('the plugin with the default reply decorator, then @fastify/sensible: the same advice, ' +
  'not FST_ERR_DEC_ALREADY_PRESENT', async (t) => {
  const app = Fastify()
  app.register(fastifyAllowedMethods)
  app.register(fastifySensible)
  await t.assert.rejects(app.ready(),
    clash('is ours, and a plugin registered after fastify-allowed-methods decorates it too'))
})

test('an encapsulated plugin may still decorate the name in its own scope, as Fastify allows', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.register(async (child) => {
    child.decorateReply('methodNotAllowed', function () { return this.code(418).send('theirs') })
    child.get('/theirs', async (request, reply) => reply.methodNotAllowed())
  })
  app.get('/ours', async (request, reply) => reply.methodNotAllowed())
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/theirs' })).statusCode, 418)
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/ours' })).statusCode, 405)
})

test('other refusals of decorateReply are Fastify\'s own', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.decorateReply('other', null)
  t.assert.throws(() => app.decorateReply('other', null), { code: 'FST_ERR_DEC_ALREADY_PRESENT' })
  await app.ready()
  t.assert.throws(() => app.decorateReply('methodNotAllowed', null), { code: 'FST_ERR_DEC_AFTER_START' })
})

for (const order of ['sensible first', 'sensible last']) {
  test(`with replyDecorator renamed, both decorators work side by side (${order})`, async (t) => {
    const app = Fastify()
    if (order === 'sensible first') app.register(fastifySensible)
    app.register(fastifyAllowedMethods, { replyDecorator: 'sendMethodNotAllowed' })
    if (order === 'sensible last') app.register(fastifySensible)
    await app.after()
    // Other names still reach Fastify's decorateReply, which still returns the instance for chaining.
    t.assert.strictEqual(app.decorateReply('other', null), app)
    app.get('/doc', async () => 'doc')
    app.delete('/doc', async (request, reply) => reply.sendMethodNotAllowed())
    app.put('/doc', async (request, reply) => reply.methodNotAllowed('read-only'))
    const ours = await app.inject({ method: 'DELETE', url: '/doc' })
    t.assert.strictEqual(ours.statusCode, 405)
    t.assert.strictEqual(ours.headers.allow, 'GET, HEAD, OPTIONS, PUT')
    const sensibles = await app.inject({ method: 'PUT', url: '/doc' })
    t.assert.strictEqual(sensibles.statusCode, 405)
    t.assert.strictEqual(sensibles.json().message, 'read-only')
    t.assert.strictEqual(sensibles.headers.allow, undefined)
  })
}

test('with replyDecorator: false, @fastify/sensible registered later keeps its reply.methodNotAllowed()', async (t) => {
  const app = Fastify()
  app.register(fastifyAllowedMethods, { replyDecorator: false })
  app.register(fastifySensible)
  await app.after()
  app.get('/doc', async (request, reply) => reply.methodNotAllowed())
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/doc' })).statusCode, 405)
})
