import { test } from 'node:test'
import { appWith, ok } from '../support/with-plugin.js'

// A HEAD 405 carried `Content-Length: 137` where the GET 405 for the same URL had 136: the message names the
// method. RFC 9110 8.6: a HEAD response must not send a Content-Length other than the one GET would get.

test("a HEAD 405 announces the length of the GET 405's content", async (t) => {
  const app = await appWith(app => { app.post('/only-post', ok) })
  const get = await app.inject({ method: 'GET', url: '/only-post' })
  const head = await app.inject({ method: 'HEAD', url: '/only-post' })
  t.assert.deepStrictEqual([get.statusCode, head.statusCode], [405, 405])
  t.assert.strictEqual(head.headers['content-length'], String(Buffer.byteLength(get.body)))
  t.assert.strictEqual(head.body, '')
  t.assert.strictEqual(head.headers.allow, get.headers.allow)
})

test('where GET would be served, a HEAD 405 sends no Content-Length: its length is unknown', async (t) => {
  const app = await appWith(app => { app.get('/doc', { exposeHeadRoute: false }, ok) })
  const head = await app.inject({ method: 'HEAD', url: '/doc' })
  t.assert.deepStrictEqual([head.statusCode, head.headers.allow, head.headers['content-length']],
    [405, 'GET, OPTIONS', undefined])
})
