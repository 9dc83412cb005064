import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

// Fastify's router derives only the constraints some route uses: with no versioned route, Accept-Version
// is ignored and unversioned routes are served. `allowedMethods(url, { version })` handed the version to
// the registry's router as given, and find-my-way, given a version, matches versioned routes only: it
// answered [] for a URL Fastify serves. It now keeps the given constraints of strategies in use only
// (`registry.constraints.inUse()`), as Fastify derives them.
test('allowedMethods() ignores a version when no route is versioned, as Fastify does', async (t) => {
  const app = await appWith((app) => {
    app.get('/p', { constraints: { host: 'b.example' } }, ok)
  })
  t.after(() => app.close())
  const headers = { host: 'b.example', 'accept-version': '1.0.0' }
  t.assert.deepStrictEqual(await answer(app, 'GET', '/p', headers), { status: 200, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/p', headers), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(app.allowedMethods('/p', { host: 'b.example', version: '1.0.0' }),
    ['GET', 'HEAD', 'OPTIONS'])
})
