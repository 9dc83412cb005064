import { test } from 'node:test'
import { appWith, answer } from '../support/with-plugin.js'

// GET /p is served by `/p*` (a wildcard in a prefix, not a root catch-all), so /p is known. The startup
// plan for the pattern `/p` (an OPTIONS route only) counted the root catch-all's GET as certain and took
// the URL for unknown; `/p*` only overlaps `/p`, so its GET was merely uncertain, and as the catch-all
// had already made GET certain, nothing was left to ask: a fixed "unknown", 404 for POST /p. Now a method
// certain through a root catch-all only is still asked where another route of it may make the URL known
// (build/plan.ts).
test('a root catch-all does not hide a prefixed wildcard that makes the URL known', async (t) => {
  const ran = (request) => `${request.method} ${request.routeOptions.url}`
  const app = await appWith(async (app) => {
    await app.register(async (child) => {
      child.options('/', ran)
      child.get('*', ran) // /p*
    }, { prefix: '/p' })
    app.get('*', ran)
  })
  t.after(() => app.close())
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/p' })).body, 'GET /p*')
  t.assert.deepStrictEqual(await answer(app, 'POST', '/p'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(app.allowedMethods('/p'), ['GET', 'HEAD', 'OPTIONS'])
})
