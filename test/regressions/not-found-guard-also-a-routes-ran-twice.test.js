import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'

// A guard given to `setNotFoundHandler` and to a route ran twice for a 405 of that route's URL: the plugin
// took each copy Fastify makes of a not-found context's hooks for a hook of its own, unrelated to the
// function the app gave, so the route's copy of the same function ran again as the route's guard. A guard
// that counts (a rate limit, an audit log) counted the request twice, where any request Fastify routes runs
// it once. The not-found context's copies now pair with the functions given, as a route's do, in each
// shape Fastify documents for a hook option: a function, or an array.

const SHAPES = {
  'a function': (hook) => hook,
  'an array': (hook) => [hook],
  'an array after another hook': (hook) => [async () => {}, hook]
}

for (const [shape, given] of Object.entries(SHAPES)) {
  for (const phase of ['onRequest', 'preValidation', 'preHandler']) {
    test(`a ${phase} guard given as ${shape} to the not-found handler and to a route runs once`, async (t) => {
      const seen = []
      const audit = async (request) => { seen.push(request.method) }
      const app = Fastify()
      await app.register(fastifyAllowedMethods)
      app.setNotFoundHandler({ [phase]: given(audit) }, (request, reply) => reply.code(404).send('none'))
      app.get('/a', { [phase]: audit }, ok)
      await app.ready()
      t.after(() => app.close())

      const refused = await app.inject({ method: 'DELETE', url: '/a' })
      t.assert.strictEqual(refused.statusCode, 405)
      t.assert.strictEqual(refused.headers.allow, 'GET, HEAD, OPTIONS')
      t.assert.deepStrictEqual(seen, ['DELETE'])
      // The oracle: the route's own request and a 404 run it once each.
      await app.inject('/a')
      await app.inject('/missing')
      t.assert.deepStrictEqual(seen, ['DELETE', 'GET', 'GET'])
    })
  }
}
