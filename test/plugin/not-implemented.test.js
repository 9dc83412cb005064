import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

const routes = app => {
  app.get('/a', ok)
  app.post('/b', ok)
}

test('notImplemented: a method no route serves gets 501 whatever the URL', async (t) => {
  const app = await appWith(routes, { pluginOptions: { notImplemented: true } })
  for (const url of ['/a', '/b', '/nowhere']) {
    const response = await app.inject({ method: 'PUT', url })
    t.assert.strictEqual(response.statusCode, 501)
    t.assert.deepStrictEqual(response.json(), {
      statusCode: 501,
      code: 'FST_ERR_NOT_IMPLEMENTED',
      error: 'Not Implemented',
      message: 'Method PUT is not implemented by this server'
    })
  }
})

test('notImplemented: methods some route serves still get 405/404', async (t) => {
  const app = await appWith(routes, { pluginOptions: { notImplemented: true } })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/a'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'GET', '/nowhere'), { status: 404, allow: undefined })
  // HEAD is served (the automatic HEAD route of GET /a), and OPTIONS by the automatic answer.
  t.assert.deepStrictEqual(await answer(app, 'HEAD', '/b'), { status: 405, allow: 'OPTIONS, POST' })
  t.assert.deepStrictEqual(await answer(app, 'OPTIONS', '/b'), { status: 200, allow: 'OPTIONS, POST' })
})

test('notImplemented with autoOptions: false: OPTIONS is unimplemented too', async (t) => {
  const app = await appWith(routes, { pluginOptions: { notImplemented: true, autoOptions: false } })
  t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/a' })).statusCode, 501)
})

test('notImplemented counts routes kept out of the registry: they serve their method', async (t) => {
  const app = await appWith(app => {
    app.get('/a', ok)
    app.patch('/private', { config: { allowedMethods: false } }, ok)
  }, { pluginOptions: { notImplemented: true } })
  t.assert.deepStrictEqual(await answer(app, 'PATCH', '/a'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('by default, an unserved method gets 405 on a known URL', async (t) => {
  const app = await appWith(routes)
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/a'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'MKCOL', '/a'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})
