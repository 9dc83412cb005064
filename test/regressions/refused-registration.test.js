import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { appWith, answer, ok } from '../support/with-plugin.js'

// onRoute announces a route before Fastify's router takes it, so it also announces routes the router then
// refuses (the app may catch the error and go on). The registry used to take every announced route as
// routed: inserting a refused pattern into its own router threw at startup ("cannot match ... as Fastify
// does"), a refused duplicate of a catch-all (`/*/`, stored as `/*` under ignoreTrailingSlash) made every
// URL known, and a refused versioned route made the plugin's router demand Accept-Version where Fastify's
// has no versioned route. The registry now keeps a route only when Fastify's router holds it (build/route-table.ts),
// and asks that router itself.

test('a route Fastify refuses does not stop the app from starting', async (t) => {
  const app = Fastify()
  t.after(() => app.close())
  await app.register(fastifyAllowedMethods)
  app.get('/a', ok)
  // find-my-way refuses a wildcard that is not last; the user catches the error and goes on.
  t.assert.throws(() => app.put('/a/*/', ok), /Wildcard must be the last character/)
  await app.ready()
  t.assert.deepStrictEqual(await answer(app, 'POST', '/a'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('a refused duplicate of a catch-all does not make URLs known', async (t) => {
  const app = await appWith((app) => {
    app.post('*', ok)
    // Stored as /* by find-my-way: a duplicate of *, which Fastify refuses.
    t.assert.throws(() => app.post('/*/', ok), /already declared/)
    app.get('/', ok)
  }, { fastifyOptions: { routerOptions: { ignoreTrailingSlash: true } } })
  t.after(() => app.close())
  // Only the root catch-all serves /zzz: unknown, 404 (the catch-all rule).
  t.assert.deepStrictEqual(await answer(app, 'GET', '/zzz'), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(app.allowedMethods('/zzz'), [])
})

test('a versioned route Fastify refuses before its router sees it does not change the Allow value', async (t) => {
  const app = await appWith((app) => {
    app.get('/a/*/', ok)
    // Fastify looks the HEAD route up before `router.on()`, and once a HEAD route exists, find-my-way refuses
    // the pattern there: the router never sees this route, and version matching stays off. (Not `/a/*/`,
    // refused there until find-my-way 9.10.2, whose `findRoute()` trims the trailing slash as `on()` does.)
    t.assert.throws(() => app.route({ method: 'GET', url: '/a/*/b/', constraints: { version: '1.0.0' }, handler: ok }),
      /Wildcard/)
  }, { fastifyOptions: { routerOptions: { ignoreTrailingSlash: true } } })
  t.after(() => app.close())
  const headers = { 'accept-version': '1.0.0' }
  // Fastify has no versioned route, so it ignores Accept-Version: GET and HEAD are served.
  t.assert.deepStrictEqual(await answer(app, 'HEAD', '/a/x', headers), { status: 200, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/a/x', headers), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})
