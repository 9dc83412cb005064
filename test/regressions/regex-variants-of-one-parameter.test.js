import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

// find-my-way stores `/:id(^\d+$)` and `/:id(^[a-z]+$)` under the same pattern `/:()`, and its
// `findRoute()` takes one for the other. The registry looked patterns up that way to share one index
// entry per pattern, so PUT's `/:id(^[a-z]+$)` (an expansion of `/:id(^[a-z]+$)/:opt?`) joined GET's
// `/:id(^\d+$)`, and POST /42 got `Allow: GET, HEAD, OPTIONS, PUT` though PUT never serves /42. Patterns
// are now told apart by a key of their own (internals/find-my-way.ts `patternVariants`), regexes included.
test('two regex variants of one parameter under different methods keep their own methods', async (t) => {
  const app = await appWith((app) => {
    app.get('/:id(^\\d+$)', ok)
    app.put('/:id(^[a-z]+$)/:opt?', ok)
  })
  t.after(() => app.close())
  // Fastify: PUT serves /abc and /abc/x, never /42; GET serves /42 only.
  t.assert.deepStrictEqual(await answer(app, 'GET', '/42'), { status: 200, allow: undefined })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/abc'), { status: 200, allow: undefined })
  for (const method of ['PUT', 'POST']) {
    t.assert.deepStrictEqual(await answer(app, method, '/42'), { status: 405, allow: 'GET, HEAD, OPTIONS' }, method)
  }
  t.assert.deepStrictEqual(await answer(app, 'POST', '/abc'), { status: 405, allow: 'OPTIONS, PUT' })
  t.assert.deepStrictEqual(app.allowedMethods('/abc'), ['OPTIONS', 'PUT'])
})
