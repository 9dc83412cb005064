import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

// To tell "a GET route matches this path but rejected the host" (404, as Fastify answers) from a wrong
// method (405), the registry keeps every constrained route once more without its constraints. There,
// `/:id/:opt?` expands into `/:id/:opt`, a duplicate of `/:a/:b` once the hosts are gone, and `/:id`:
// find-my-way threw "already declared" on the first expansion, the registry ignored the duplicate, and
// the second expansion was never inserted. GET /x, whose route rejected the host, then got 405. Each
// expansion is now inserted on its own (internals/find-my-way.ts `patternVariants`).
test('both expansions of an optional parameter count when the request is refused for its host', async (t) => {
  const app = await appWith((app) => {
    app.get('/:a/:b', { constraints: { host: 'a.example' } }, ok)
    app.get('/:id/:opt?', { constraints: { host: 'b.example' } }, ok)
    app.post('/:id', ok)
  }, { fastifyOptions: { exposeHeadRoutes: false } })
  t.after(() => app.close())
  t.assert.deepStrictEqual(await answer(app, 'GET', '/x', { host: 'b.example' }), { status: 200, allow: undefined })
  // A GET route matches /x but rejects the host: Fastify's 404, not a 405.
  t.assert.deepStrictEqual(await answer(app, 'GET', '/x'), { status: 404, allow: undefined })
})
