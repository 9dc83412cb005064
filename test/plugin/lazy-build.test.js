// `lazy: true` builds the registry at its first use instead of at ready(). The eager app is the oracle: a lazy
// app answers every request and call as it does, whichever comes first.
import { test } from 'node:test'
import Fastify from 'fastify'
import { registryOf } from '../../dist/lookup/registry.js'
import { createContext } from '../../dist/context.js'
import { normaliseOptions } from '../../dist/options.js'
import { appWith, ok } from '../support/with-plugin.js'

const routes = (app) => {
  app.get('/users', ok)
  app.post('/users', ok)
  app.get('/users/:id', ok)
  app.put('/users/:id', ok)
  app.delete('/users/:id', ok)
  app.get('/files/*', ok)
  app.patch('/users/:id', { constraints: { version: '1.0.0' } }, ok)
}

const REQUESTS = [
  ['DELETE', '/users'], ['GET', '/users/1'], ['POST', '/users/1'], ['OPTIONS', '/users/1'], ['PATCH', '/users/1'],
  ['PUT', '/files/a/b'], ['GET', '/missing'], ['PROPFIND', '/users'], ['OPTIONS', '*']
]

const seen = async (app, [method, url]) => {
  const response = await app.inject({ method, url })
  return { method, url, status: response.statusCode, allow: response.headers.allow, body: response.body }
}

const pair = async (pluginOptions = {}) => Promise.all([
  appWith(routes, { pluginOptions }),
  appWith(routes, { pluginOptions: { ...pluginOptions, lazy: true } })
])

test('ready() builds nothing; the first request the router does not match builds the registry', async (t) => {
  const [eager, lazy] = await pair()
  t.after(() => Promise.all([eager.close(), lazy.close()]))
  t.assert.notStrictEqual(registryOf(eager), undefined)
  t.assert.strictEqual(registryOf(lazy), undefined)
  // A matched request does not need it.
  t.assert.strictEqual((await lazy.inject('/users')).statusCode, 200)
  t.assert.strictEqual(registryOf(lazy), undefined)
  const refused = await lazy.inject({ method: 'DELETE', url: '/users' })
  t.assert.strictEqual(refused.statusCode, 405)
  t.assert.strictEqual(refused.headers.allow, 'GET, HEAD, OPTIONS, POST')
  t.assert.notStrictEqual(registryOf(lazy), undefined)
})

test('a lazy app answers every request as an eager one, the first included', async (t) => {
  for (const [first] of REQUESTS.entries()) {
    const [eager, lazy] = await pair({ notImplemented: true })
    const order = [REQUESTS[first], ...REQUESTS.filter((_, i) => i !== first)]
    for (const request of order) t.assert.deepStrictEqual(await seen(lazy, request), await seen(eager, request))
    await Promise.all([eager.close(), lazy.close()])
  }
})

test('allowedMethods() builds the registry when it is the first use', async (t) => {
  const [eager, lazy] = await pair()
  t.after(() => Promise.all([eager.close(), lazy.close()]))
  t.assert.deepStrictEqual(lazy.allowedMethods('/users/1'), eager.allowedMethods('/users/1'))
  t.assert.notStrictEqual(registryOf(lazy), undefined)
})

test('under allowOnSuccess, the first request, a matched one, builds it and carries Allow', async (t) => {
  const [eager, lazy] = await pair({ allowOnSuccess: true })
  t.after(() => Promise.all([eager.close(), lazy.close()]))
  const [expected, actual] = await Promise.all([eager, lazy].map(app => app.inject('/users/1')))
  t.assert.strictEqual(actual.statusCode, 200)
  t.assert.strictEqual(actual.headers.allow, expected.headers.allow)
})

test('before ready(), a lazy app still refuses allowedMethods() with the same message', async (t) => {
  const app = Fastify()
  await app.register((await import('../../dist/index.js')).default, { lazy: true })
  app.get('/a', ok)
  t.assert.throws(() => app.allowedMethods('/a'), /available once the app is ready/)
  await app.close()
})

test('a build that fails is tried once: every later use gets its error', (t) => {
  const context = createContext(Fastify(), normaliseOptions({ lazy: true }))
  const failure = new Error('cannot build')
  let builds = 0
  context.ready.build = () => {
    builds++
    throw failure
  }
  for (let i = 0; i < 3; i++) t.assert.throws(() => context.registry(), (error) => error === failure)
  t.assert.strictEqual(builds, 1)
})
