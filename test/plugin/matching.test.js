import { test } from 'node:test'
import { appWith, answer, ok } from '../support/with-plugin.js'

// Each case: routes, Fastify options, then [method, url, expected status, expected Allow] rows.
// Expected values were checked against Fastify itself (see test/property/differential.test.js for the general proof).

test('query strings and fragments are not part of the path', async (t) => {
  const app = await appWith(app => { app.get('/search', ok) })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/search?q=a/b&x=1'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/search?'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/searc?h'), { status: 404, allow: undefined })
})

test('percent-encoded paths match as Fastify decodes them', async (t) => {
  const app = await appWith(app => {
    app.get('/caf\u00e9', ok)
    app.get('/files/:name', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/caf%C3%A9'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/files/a%2Fb'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/%66iles/x'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('regex params: only values the regex accepts make the URL known', async (t) => {
  const app = await appWith(app => {
    app.get('/orders/:id(^\\d+$)', ok)
    app.delete('/orders/:slug(^[a-z]+$)', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/orders/42'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/orders/abc'), { status: 405, allow: 'DELETE, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/orders/4b'), { status: 404, allow: undefined })
})

test('several params in one segment', async (t) => {
  const app = await appWith(app => {
    app.get('/range/:from-:to', ok)
    app.get('/file/:name.:ext', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/range/1-9'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/file/report.pdf'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/file/report'), { status: 404, allow: undefined })
})

test('optional params match with and without the last segment', async (t) => {
  const app = await appWith(app => {
    app.get('/posts/:id?', ok)
    app.post('/posts', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/posts'), { status: 405, allow: 'GET, HEAD, OPTIONS, POST' })
  t.assert.deepStrictEqual(await answer(app, 'DELETE', '/posts/9'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('wildcards match the rest of the path', async (t) => {
  const app = await appWith(app => {
    app.get('/assets/*', ok)
    app.put('/assets/logo.png', ok)
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/assets/css/site.css'),
    { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/assets/logo.png'),
    { status: 405, allow: 'GET, HEAD, OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/asset'), { status: 404, allow: undefined })
})

for (const [name, fastifyOptions] of [
  ['at the top level', { ignoreTrailingSlash: true }],
  ['in routerOptions', { routerOptions: { ignoreTrailingSlash: true } }]
]) {
  test(`ignoreTrailingSlash ${name}`, async (t) => {
    const app = await appWith(app => {
      app.get('/a', ok)
      app.get('/b/', ok)
    }, { fastifyOptions })
    t.assert.deepStrictEqual(await answer(app, 'POST', '/a/'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
    t.assert.deepStrictEqual(await answer(app, 'POST', '/b'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  })
}

test('without ignoreTrailingSlash, /a/ is another URL', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/a/'), { status: 404, allow: undefined })
})

for (const [name, fastifyOptions] of [
  ['at the top level', { ignoreDuplicateSlashes: true }],
  ['in routerOptions', { routerOptions: { ignoreDuplicateSlashes: true } }]
]) {
  test(`ignoreDuplicateSlashes ${name}`, async (t) => {
    const app = await appWith(app => { app.get('/a/b', ok) }, { fastifyOptions })
    t.assert.deepStrictEqual(await answer(app, 'POST', '//a///b'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  })
}

for (const [name, fastifyOptions] of [
  ['at the top level', { caseSensitive: false }],
  ['in routerOptions', { routerOptions: { caseSensitive: false } }]
]) {
  test(`caseSensitive: false ${name}`, async (t) => {
    const app = await appWith(app => {
      app.get('/Users/:id', ok)
      app.post('/users/ME', ok)
    }, { fastifyOptions })
    t.assert.deepStrictEqual(await answer(app, 'DELETE', '/USERS/me'),
      { status: 405, allow: 'GET, HEAD, OPTIONS, POST' })
  })
}

test('case-sensitive by default', async (t) => {
  const app = await appWith(app => { app.get('/Users', ok) })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/users'), { status: 404, allow: undefined })
})

for (const [name, fastifyOptions] of [
  ['at the top level', { useSemicolonDelimiter: true }],
  ['in routerOptions', { routerOptions: { useSemicolonDelimiter: true } }]
]) {
  test(`useSemicolonDelimiter ${name}`, async (t) => {
    const app = await appWith(app => { app.get('/a', ok) }, { fastifyOptions })
    t.assert.deepStrictEqual(await answer(app, 'POST', '/a;jsessionid=1'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  })
}

test('without useSemicolonDelimiter, ; is part of the path', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/a;x=1'), { status: 404, allow: undefined })
})

for (const [name, fastifyOptions] of [
  ['at the top level', { maxParamLength: 5 }],
  ['in routerOptions', { routerOptions: { maxParamLength: 5 } }]
]) {
  test(`maxParamLength ${name}`, async (t) => {
    const app = await appWith(app => { app.get('/p/:id', ok) }, { fastifyOptions })
    t.assert.deepStrictEqual(await answer(app, 'POST', '/p/12345'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
    t.assert.deepStrictEqual(await answer(app, 'POST', '/p/123456'), { status: 404, allow: undefined })
  })
}

test('routerOptions wins over the top level, key by key', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) }, {
    fastifyOptions: { ignoreTrailingSlash: false, routerOptions: { ignoreTrailingSlash: true } }
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/a/'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('a top-level option applies when routerOptions holds other keys', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) }, {
    fastifyOptions: { ignoreTrailingSlash: true, routerOptions: { caseSensitive: false } }
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/A/'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
})

test('plugin prefixes, nested', async (t) => {
  const app = await appWith(app => {
    app.register(async (v1) => {
      v1.get('/items', ok)
      v1.register(async (admin) => { admin.delete('/items/:id', ok) }, { prefix: '/admin' })
    }, { prefix: '/v1' })
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/v1/items'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'GET', '/v1/admin/items/3'), { status: 405, allow: 'DELETE, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/items'), { status: 404, allow: undefined })
})

for (const [prefixTrailingSlash, expected] of [
  ['both', { '/api': 405, '/api/': 405 }],
  ['slash', { '/api': 404, '/api/': 405 }],
  ['no-slash', { '/api': 405, '/api/': 404 }]
]) {
  test(`a '/' route in a prefix with prefixTrailingSlash: '${prefixTrailingSlash}'`, async (t) => {
    const app = await appWith(app => {
      app.register(async (api) => { api.get('/', { prefixTrailingSlash }, ok) }, { prefix: '/api' })
    })
    for (const [url, status] of Object.entries(expected)) {
      const plain = await app.inject({ method: 'GET', url })
      t.assert.strictEqual(plain.statusCode, status === 405 ? 200 : 404, `GET ${url} is routed iff 405 is expected`)
      t.assert.deepStrictEqual(await answer(app, 'POST', url),
        { status, allow: status === 405 ? 'GET, HEAD, OPTIONS' : undefined })
    }
  })
}

test('a route written as \'\' in a prefix is only the prefix itself', async (t) => {
  const app = await appWith(app => {
    app.register(async (api) => { api.get('', ok) }, { prefix: '/api' })
  })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/api'), { status: 405, allow: 'GET, HEAD, OPTIONS' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/api/'), { status: 404, allow: undefined })
})

test('absolute-form request targets are matched on their path, as Fastify does', async (t) => {
  const app = await appWith(app => { app.get('/a', ok) })
  t.assert.deepStrictEqual(await answer(app, 'POST', 'http://example.com/a?x=1'),
    { status: 405, allow: 'GET, HEAD, OPTIONS' })
})
