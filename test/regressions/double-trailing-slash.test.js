import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

// Under ignoreTrailingSlash, find-my-way trims one trailing slash when a route is inserted and one when a
// path is looked up: `/a//` is stored as `/a/` and matches the request `/a//`. The registry trimmed the
// pattern itself and gave the trimmed `/a/` to find-my-way's `on()`, which trimmed it again to `/a`:
// lookups of `/a//` missed it, and POST got 404 instead of 405. The registry now gives `on()` the
// pattern as written and keeps its own normalised form only for comparing patterns.
test('a route ending in two slashes under ignoreTrailingSlash', async (t) => {
  const app = await appWith((app) => {
    app.get('/a//', ok)
    // The same once the optional parameter is left out: /b//
    app.get('/b//:opt?/', ok)
  }, { fastifyOptions: { routerOptions: { ignoreTrailingSlash: true } } })
  t.after(() => app.close())
  for (const url of ['/a//', '/b//']) {
    t.assert.deepStrictEqual(await answer(app, 'GET', url), { status: 200, allow: undefined }, url)
    t.assert.deepStrictEqual(await answer(app, 'POST', url), { status: 405, allow: 'GET, HEAD, OPTIONS' }, url)
    t.assert.deepStrictEqual(app.allowedMethods(url), ['GET', 'HEAD', 'OPTIONS'], url)
  }
})
