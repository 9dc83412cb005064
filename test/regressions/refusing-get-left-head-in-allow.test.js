import { test } from 'node:test'
import { appWith, ok } from '../support/with-plugin.js'

// reply.methodNotAllowed() from a GET handler answered `Allow: HEAD, OPTIONS, ...`: Fastify's automatic
// HEAD route runs the same handler, so HEAD is refused too. Refusing GET or HEAD leaves both out.

test('refusing GET or HEAD from a handler lists neither in Allow', async (t) => {
  const app = await appWith(app => {
    app.get('/doc', async (request, reply) => reply.methodNotAllowed())
    app.put('/doc', ok)
  })
  for (const method of ['GET', 'HEAD']) {
    const response = await app.inject({ method, url: '/doc' })
    t.assert.deepStrictEqual([response.statusCode, response.headers.allow], [405, 'OPTIONS, PUT'], method)
  }
})

test('refusing another method still lists GET and HEAD', async (t) => {
  const app = await appWith(app => {
    app.get('/doc', ok)
    app.put('/doc', async (request, reply) => reply.methodNotAllowed())
  })
  t.assert.strictEqual((await app.inject({ method: 'PUT', url: '/doc' })).headers.allow, 'GET, HEAD, OPTIONS')
})
