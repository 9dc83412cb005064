import { test } from 'node:test'
import { appWith, ok } from '../support/with-plugin.js'

// reply.methodNotAllowed() derived the request's constraints synchronously, so with an asynchronous custom
// strategy it matched no constrained route and answered `Allow: OPTIONS`, where the 405 path said
// `GET, HEAD, OPTIONS, PUT`.

const tenant = {
  name: 'tenant',
  storage () { const map = new Map(); return { get: (k) => map.get(k) ?? null, set: (k, v) => map.set(k, v) } },
  deriveConstraint: (request, ctx, done) => { setImmediate(() => done(null, request.headers['x-tenant'])) },
  validate () {}
}

test('the refusal derives constraints as the 405 path does, asynchronously where the strategy is', async (t) => {
  const app = await appWith(app => {
    app.get('/t', { constraints: { tenant: 'a' } }, ok)
    app.put('/t', { constraints: { tenant: 'a' } }, ok)
    app.delete('/t', { constraints: { tenant: 'a' } }, async (request, reply) => reply.methodNotAllowed())
  }, { fastifyOptions: { constraints: { tenant } } })
  const headers = { 'x-tenant': 'a' }
  const wrongMethod = await app.inject({ method: 'POST', url: '/t', headers })
  t.assert.deepStrictEqual([wrongMethod.statusCode, wrongMethod.headers.allow],
    [405, 'DELETE, GET, HEAD, OPTIONS, PUT'])
  const refused = await app.inject({ method: 'DELETE', url: '/t', headers })
  t.assert.deepStrictEqual([refused.statusCode, refused.headers.allow], [405, 'GET, HEAD, OPTIONS, PUT'])
})
