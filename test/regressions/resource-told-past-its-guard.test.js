import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'

// An auth hook in an encapsulated plugin guarded GET, but an anonymous DELETE got `405 Allow: GET, HEAD,
// OPTIONS, POST` and OPTIONS the same Allow (Fastify alone: 404 for both): the plugin ran the not-found
// context's guards, not those of the routes that make the URL known.

test('an anonymous caller gets the 401 of a GET for every method, never the methods behind the guard', async (t) => {
  const app = Fastify()
  await app.register(fastifyAllowedMethods, { describeOptions: true })
  app.register(async (admin) => {
    admin.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization !== 'Bearer ok') return reply.code(401).send({ error: 'sign in' })
    })
    admin.get('/admin/users', async () => [])
    const withPassword = { body: { type: 'object', properties: { password: { type: 'string' } } } }
    admin.post('/admin/users', { schema: withPassword }, async () => ({}))
  })
  await app.ready()
  const requests = [['GET', {}], ['DELETE', {}], ['OPTIONS', {}], ['OPTIONS', { accept: 'application/json' }]]
  for (const [method, headers] of requests) {
    const response = await app.inject({ method, url: '/admin/users', headers })
    t.assert.deepStrictEqual([response.statusCode, response.headers.allow, response.json()],
      [401, undefined, { error: 'sign in' }], method)
  }
})
