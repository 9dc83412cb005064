import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

// find-my-way stores `/:id(^\d+$)` and `/:id(^[a-z]+$)` as one pattern (`/:()`): a second registration of
// one under a method that has the other is refused. The registry checks each route onRoute announces
// against Fastify's router, and the refused POST `/:id(^\d+$)` found the POST `/:id(^[a-z]+$)` route there:
// it was taken for a route of its own, and `POST /12` got `405 Allow: GET, HEAD, OPTIONS, POST`, listing the
// refused method. Found by the property test of plans (test/property/plans-equal-exact.test.js).
test('a refused registration of a regex variant is not listed', async (t) => {
  const app = await appWith(app => {
    app.get('/:id(^\\d+$)', ok)
    app.post('/:id(^[a-z]+$)', ok)
    t.assert.throws(() => app.post('/:id(^\\d+$)', ok), /already declared/)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/12'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/ab'), { status: 405, allow: 'OPTIONS, POST' })
  t.assert.deepStrictEqual(app.allowedMethods('/12'), ['GET', 'HEAD', 'OPTIONS'])
})
