import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'

// Matched routes pay nothing. The plugin may add application hooks (onRoute, onReady)
// but no request-lifecycle hook to any route: its decision runs in the not-found context only.
const lifecycle = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend',
  'onResponse', 'onError', 'onTimeout', 'onRequestAbort']

test('the plugin adds only application hooks', async (t) => {
  const app = Fastify()
  const added = []
  const addHook = app.addHook
  app.addHook = function (name, fn) {
    added.push(name)
    return addHook.call(this, name, fn)
  }
  await app.register(fastifyAllowedMethods)
  app.addHook = addHook
  t.assert.deepStrictEqual(added.sort(), ['onReady', 'onRoute'])
})

test('matched routes carry the same hooks with and without the plugin', async (t) => {
  const routes = (app) => {
    app.get('/a', ok)
    app.register(async (child) => { child.post('/b', ok) }, { prefix: '/p' })
  }
  const plain = Fastify()
  routes(plain)
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  routes(app)
  await Promise.all([plain.ready(), app.ready()])
  const printed = app.printRoutes({ includeHooks: true, commonPrefix: false })
  t.assert.strictEqual(printed, plain.printRoutes({ includeHooks: true, commonPrefix: false }))
  for (const hook of lifecycle.filter(hook => hook !== 'onSend')) t.assert.ok(!printed.includes(hook), printed)
})

test('the decision does not run for matched routes', async (t) => {
  const app = Fastify()
  let resolved = 0
  await app.register(fastifyAllowedMethods, { filterAllowed: (request, methods) => { resolved++; return methods } })
  app.get('/a', ok)
  await app.ready()
  await app.inject({ method: 'GET', url: '/a' })
  t.assert.strictEqual(resolved, 0)
  await app.inject({ method: 'POST', url: '/a' })
  t.assert.strictEqual(resolved, 1)
})
