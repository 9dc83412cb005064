import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

// find-my-way's `on()` notes a route's constraint strategies as in use (constrainer.noteUsage) before it
// parses the pattern, so a versioned route it then refuses (here a wildcard that is not last) still turns
// version matching on in Fastify's router: from then on a request carrying `Accept-Version` matches no
// unversioned route (the version strategy must match whenever it is derived). The plugin leaves refused
// routes out of its own routers, where version is never in use: it took GET / to be served under
// `Accept-Version: 1.0.0` and answered every method, GET included, with 405 and `Allow: GET, HEAD, OPTIONS`,
// where Fastify routes nothing and answers 404. The registry now asks Fastify's own router, traces and all.
test('a refused versioned route still makes Accept-Version reject unversioned routes', async (t) => {
  const app = await appWith(app => {
    t.assert.throws(() => app.route({ method: 'GET', url: '/a/*/', constraints: { version: '1.0.0' }, handler: ok }),
      /Wildcard must be the last character/)
    app.get('/', ok)
  })
  t.after(() => app.close())
  const headers = { 'accept-version': '1.0.0' }
  // Without the header GET / is served; with it Fastify routes no method to /.
  t.assert.deepStrictEqual(await answer(app, 'GET', '/'), { status: 200, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'GET', '/', headers), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/', headers), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'OPTIONS', '/', headers), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(app.allowedMethods('/', { version: '1.0.0' }), [])
  t.assert.deepStrictEqual(app.allowedMethods('/'), ['GET', 'HEAD', 'OPTIONS'])
})

// Fuzzer seed 773718252: Fastify looks up the URL's HEAD route before router.on(); once a HEAD route exists,
// that look-up throws first on an unparsable pattern and version matching is never turned on. The plugin,
// turning it on for every refused versioned route, answered 404 where Fastify routes `GET /p/`.
test('a versioned route refused before Fastify\'s router saw it leaves version matching off', async (t) => {
  const app = await appWith(app => {
    app.register(async (child) => {
      child.get('/', ok)
      t.assert.throws(() => child.route({ method: 'GET', url: '/*/', constraints: { version: '1.0.0' }, handler: ok }),
        /Wildcard must be the last character/)
    }, { prefix: '/p' })
  })
  t.after(() => app.close())
  const headers = { 'accept-version': '1.0.0' }
  t.assert.deepStrictEqual(await answer(app, 'GET', '/p/', headers), { status: 200, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/p/', headers), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

// Fuzzer seed 1771978187: a refused route leaves its method's tree in Fastify's router too (find-my-way
// `_on` creates it before parsing). Here the refused HEAD /p/*/ creates the HEAD tree, so Fastify's HEAD
// look-up for the versioned GET /*/ throws before router.on(), and version matching stays off: DELETE /p is
// served with `Accept-Version`, and GET /p gets 405. The plugin left refused routes out of its router
// entirely, had no HEAD tree, took version matching to be on, and answered 404.
test('a refused route creates its method\'s tree, as in Fastify\'s router', async (t) => {
  const app = await appWith(app => {
    t.assert.throws(() => app.route({ method: 'GET', url: '/*/', handler: ok }), /Wildcard must be the last character/)
    app.register(async (child) => {
      t.assert.throws(() => child.route({ method: 'HEAD', url: '/*/', handler: ok }),
        /Wildcard must be the last character/)
      child.delete('/', ok)
    }, { prefix: '/p' })
    app.register(async (other) => {
      t.assert.throws(() => other.route({ method: 'GET', url: '/*/', constraints: { version: '1.0.0' }, handler: ok }),
        /Wildcard must be the last character/)
    })
  })
  t.after(() => app.close())
  const headers = { 'accept-version': '1.0.0' }
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/p', headers), { status: 200, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'GET', '/p', headers), { status: 405, allow: 'DELETE, OPTIONS' })
  t.assert.deepStrictEqual(app.allowedMethods('/p', { version: '1.0.0' }), ['DELETE', 'OPTIONS'])
})
