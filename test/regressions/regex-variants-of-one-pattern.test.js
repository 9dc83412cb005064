import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

// find-my-way stores `/o/:id(^\d+$)` and `/o/:slug(^[a-z]+$)` as the same pattern `/o/:()`, and refuses
// both under one method. Fastify has them under different methods; our pattern index (one method) threw
// "Method 'GET' already declared" at startup until such patterns went into overflow trees.
test('several regex variants of one pattern, under different methods', async (t) => {
  const app = await appWith(app => {
    app.get('/o/:id(^\\d+$)', ok)
    app.delete('/o/:slug(^[a-z]+$)', ok)
    app.put('/o/:code(^[A-Z]+$)', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/o/12'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/o/abc'), { status: 405, allow: 'DELETE, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/o/ABC'), { status: 405, allow: 'OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/o/a1'), { status: 404, allow: undefined })
  t.assert.deepStrictEqual(app.allowedMethods('/o/ABC'), ['OPTIONS', 'PUT'])
})
