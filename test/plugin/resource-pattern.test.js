// `request.resourcePattern()`: for a request the plugin answered 405 or OPTIONS, the route pattern of its URL,
// as Fastify writes `routeOptions.url` (which is undefined for those requests); undefined for a 404 and for
// every request the plugin did not answer. The oracle: the `routeOptions.url` Fastify reports when a method
// the URL has is requested.
import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'
import { rawRequest, rawRequestText } from '../support/raw-http.js'

/**
 * A ready app whose hooks read `request.resourcePattern()` where metrics and tracers label a request: onSend
 * (sent back as the `x-pattern` header) and onResponse.
 */
async function labelled (routes, { fastifyOptions = {}, pluginOptions = {} } = {}) {
  const app = Fastify(fastifyOptions)
  await app.register(fastifyAllowedMethods, pluginOptions)
  let lastOnResponse
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-pattern', JSON.stringify(request.resourcePattern() ?? null))
  })
  app.addHook('onResponse', (request, reply, done) => {
    lastOnResponse = request.resourcePattern()
    done()
  })
  await routes(app)
  await app.ready()
  /** Status, Allow, and the pattern both hooks read (they must agree). */
  app.labelOf = async (method, url, headers = {}) => {
    const response = await app.inject({ method, url, headers })
    const onSend = JSON.parse(response.headers['x-pattern']) ?? undefined
    if (onSend !== lastOnResponse) throw new Error(`onSend read ${onSend}, onResponse ${lastOnResponse}`)
    return { status: response.statusCode, allow: response.headers.allow, pattern: onSend }
  }
  return app
}

/** What Fastify reports as `routeOptions.url` for `method url` (the `ok` handler answers it). */
async function routeUrl (app, method, url, headers = {}) {
  const response = await app.inject({ method, url, headers })
  if (response.statusCode !== 200) throw new Error(`${method} ${url}: ${response.statusCode}`)
  return response.body.slice(method.length + 1)
}

test('a 405 names the pattern Fastify reports for the methods the URL has', async (t) => {
  const app = await labelled((app) => {
    app.get('/users/:id', ok)
    app.put('/users/:id', ok)
    app.get('/orgs/:org/repos/:repo', ok)
    app.get('/files/:name(^\\d+)', ok)
    app.get('/static/*', ok)
    app.get('/', ok)
    app.get('/trail/', ok)
    // A root catch-all (as @fastify/static registers) lists GET everywhere but names no resource.
    app.get('/*', ok)
    app.post('/upload', ok)
  })
  const cases = [
    ['/users/1', '/users/:id'],
    ['/users/1?expand=all', '/users/:id'],
    ['/orgs/a/repos/b', '/orgs/:org/repos/:repo'],
    ['/files/42', '/files/:name(^\\d+)'],
    ['/static/a/b.css', '/static/*'],
    ['/static/', '/static/*'],
    ['/', '/'],
    ['/trail/', '/trail/']
  ]
  for (const [url, pattern] of cases) {
    const label = await app.labelOf('DELETE', url)
    t.assert.strictEqual(label.status, 405, url)
    t.assert.strictEqual(label.pattern, pattern, url)
    t.assert.strictEqual(label.pattern, await routeUrl(app, 'GET', url), url)
  }
  t.assert.deepStrictEqual(await app.labelOf('DELETE', '/upload'),
    { status: 405, allow: 'GET, HEAD, OPTIONS, POST', pattern: '/upload' })
})

test('the automatic and the described OPTIONS answers name it too', async (t) => {
  const app = await labelled((app) => { app.get('/users/:id', ok) }, { pluginOptions: { describeOptions: true } })
  t.assert.deepStrictEqual(await app.labelOf('OPTIONS', '/users/1'),
    { status: 200, allow: 'GET, HEAD, OPTIONS', pattern: '/users/:id' })
  const accept = { accept: 'application/json' }
  t.assert.strictEqual((await app.inject({ method: 'OPTIONS', url: '/users/1', headers: accept })).json().allow[0],
    'GET')
  t.assert.strictEqual((await app.labelOf('OPTIONS', '/users/1', accept)).pattern, '/users/:id')
})

test('prefixes are part of the pattern, as in routeOptions.url', async (t) => {
  const app = await labelled(async (app) => {
    await app.register(async (api) => {
      api.get('/', ok)
      api.get('/items/:id', ok)
      await api.register(async (v1) => { v1.get('/things', ok) }, { prefix: '/v1' })
    }, { prefix: '/api' })
  })
  // `/api/` is the second route Fastify adds for a prefixed `/` (prefixTrailingSlash 'both'); it reports `/api`.
  for (const url of ['/api', '/api/', '/api/items/7', '/api/v1/things']) {
    const label = await app.labelOf('POST', url)
    t.assert.strictEqual(label.status, 405, url)
    t.assert.strictEqual(label.pattern, await routeUrl(app, 'GET', url), url)
  }
  t.assert.strictEqual((await app.labelOf('POST', '/api/')).pattern, '/api')
  t.assert.strictEqual((await app.labelOf('POST', '/api/items/7')).pattern, '/api/items/:id')
})

test('where the methods route to different patterns, the most specific one', async (t) => {
  const app = await labelled((app) => {
    app.get('/users/:id', ok)
    app.post('/users/me', ok)
    app.get('/a/:x/c', ok)
    app.post('/a/b/:y', ok)
    app.get('/files/*', ok)
    app.post('/files/:id', ok)
    app.put('/files/:id(^\\d+$)', ok)
    app.get('/docs/:name', ok)
    app.post('/docs/:name.pdf', ok)
    app.get('/t/:a(^\\d+$)', ok)
    app.post('/t/:b(^[0-9]+$)', ok)
  })
  const cases = [
    // A static segment before a parameter, whichever method has it.
    ['/users/me', '/users/me', 'GET, HEAD, OPTIONS, POST'],
    ['/users/1', '/users/:id', 'GET, HEAD, OPTIONS'],
    // Compared from the left: the first segment where one is more specific decides.
    ['/a/b/c', '/a/b/:y', 'GET, HEAD, OPTIONS, POST'],
    // A parameter with a regex before a plain one, before a wildcard.
    ['/files/1', '/files/:id(^\\d+$)', 'GET, HEAD, OPTIONS, POST, PUT'],
    ['/files/x', '/files/:id', 'GET, HEAD, OPTIONS, POST'],
    ['/files/x/y', '/files/*', 'GET, HEAD, OPTIONS'],
    // A parameter with static text beside it before a plain one.
    ['/docs/a.pdf', '/docs/:name.pdf', 'GET, HEAD, OPTIONS, POST'],
    // Equally specific: the route of the method first in Allow's order.
    ['/t/1', '/t/:a(^\\d+$)', 'GET, HEAD, OPTIONS, POST']
  ]
  for (const [url, pattern, allow] of cases) {
    t.assert.deepStrictEqual(await app.labelOf('DELETE', url), { status: 405, allow, pattern }, url)
  }
})

test('the most specific is the route find-my-way runs where both patterns are under one method', async (t) => {
  const pairs = [
    ['/users/:id', '/users/me', ['/users/me', '/users/1']],
    ['/a/:x/c', '/a/b/:y', ['/a/b/c', '/a/z/c', '/a/b/z']],
    ['/a/:x/:y', '/a/:x/c', ['/a/b/c']],
    ['/files/*', '/files/:id', ['/files/1', '/files/1/2', '/files/']],
    ['/files/:id', '/files/:id(^\\d+$)', ['/files/1', '/files/x']],
    ['/docs/:name', '/docs/:name.pdf', ['/docs/a.pdf', '/docs/a']],
    ['/x/*', '/x/y/*', ['/x/y/z', '/x/z']],
    ['/*', '/:a/:b', ['/p/q']],
    ['/v/:a-:b', '/v/:c', ['/v/1-2', '/v/1']]
  ]
  for (const [first, second, urls] of pairs) {
    for (const [get, post] of [[first, second], [second, first]]) {
      const app = await labelled((app) => {
        app.get(get, ok)
        app.post(post, ok)
      })
      const oracle = Fastify()
      oracle.get(first, ok)
      oracle.get(second, ok)
      for (const url of urls) {
        const expected = await routeUrl(oracle, 'GET', url)
        t.assert.strictEqual((await app.labelOf('DELETE', url)).pattern, expected, `GET ${get}, POST ${post}: ${url}`)
      }
    }
  }
})

test('host-constrained routes count where the request\'s host satisfies them', async (t) => {
  const app = await labelled((app) => {
    app.get('/users/me', { constraints: { host: 'admin.example' } }, ok)
    app.post('/users/:id', ok)
    app.get('/admin', { constraints: { host: 'admin.example' } }, ok)
  })
  const admin = { host: 'admin.example' }
  const other = { host: 'www.example' }
  t.assert.strictEqual((await app.labelOf('DELETE', '/users/me', admin)).pattern, '/users/me')
  t.assert.strictEqual((await app.labelOf('DELETE', '/users/me', other)).pattern, '/users/:id')
  t.assert.strictEqual((await app.labelOf('DELETE', '/users/me', other)).allow, 'OPTIONS, POST')
  t.assert.strictEqual((await app.labelOf('DELETE', '/admin', admin)).pattern, '/admin')
  t.assert.strictEqual(await routeUrl(app, 'GET', '/admin', admin), '/admin')
  // Fastify answers 404 where a route rejects the request's host, and so does the plugin: no pattern.
  t.assert.deepStrictEqual(await app.labelOf('DELETE', '/admin', other),
    { status: 404, allow: undefined, pattern: undefined })
})

test('reply.methodNotAllowed() names the URL\'s pattern', async (t) => {
  const app = await labelled((app) => {
    app.get('/reports/:id', async (request, reply) => reply.methodNotAllowed())
    app.post('/reports/:id', ok)
  })
  t.assert.deepStrictEqual(await app.labelOf('GET', '/reports/1'),
    { status: 405, allow: 'OPTIONS, POST', pattern: '/reports/:id' })
})

test('undefined for a 404, and for every request the plugin did not answer', async (t) => {
  const app = await labelled(async (app) => {
    app.get('/users/:id', ok)
    app.get('/hidden', ok)
    app.post('/submit', ok)
    app.get('/users/:id/gone', async (request, reply) => reply.callNotFound())
    await app.register(async (guarded) => {
      guarded.setNotFoundHandler({
        preHandler: async (request, reply) => {
          if (request.headers.authorization === undefined) return reply.code(401).send('who?')
        }
      }, (request, reply) => reply.code(404).send('none'))
      guarded.get('/thing', ok)
    }, { prefix: '/guarded' })
  }, {
    pluginOptions: {
      notImplemented: true,
      notFoundWhenEmpty: true,
      filterAllowed: (request, methods) => request.url === '/hidden' ? [] : methods
    }
  })
  const cases = [
    ['GET', '/nope', 404],
    ['GET', '/users/1/extra', 404],
    ['GET', '/users/1/gone', 404],
    // filterAllowed hides the resource from this caller: a 404.
    ['POST', '/hidden', 404],
    ['GET', '/users/1', 200],
    ['PROPFIND', '/users/1', 501],
    // An app's guard of the not-found context answered before the plugin could.
    ['POST', '/guarded/thing', 401]
  ]
  for (const [method, url, status] of cases) {
    const label = await app.labelOf(method, url)
    t.assert.deepStrictEqual([label.status, label.pattern], [status, undefined], `${method} ${url}`)
  }
  t.assert.strictEqual((await app.labelOf('POST', '/guarded/thing', { authorization: 'yes' })).pattern,
    '/guarded/thing')
})

test('undefined for OPTIONS *, which asks about the server, not a resource', async (t) => {
  const app = await labelled((app) => { app.get('/users/:id', ok) })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const response = await rawRequest(app.server.address().port, rawRequestText('OPTIONS', '*'))
  t.assert.deepStrictEqual([response.status, response.headers['x-pattern']], [200, 'null'])
})

test('an OPTIONS request a catch-all OPTIONS route hands to the not-found handler is named too', async (t) => {
  // @fastify/cors with `preflight: false` does this for every OPTIONS request (see interop-cors.test.js).
  const app = await labelled((app) => {
    app.options('*', async (request, reply) => reply.callNotFound())
    app.get('/users/:id', ok)
  })
  t.assert.deepStrictEqual(await app.labelOf('OPTIONS', '/users/1'),
    { status: 200, allow: 'GET, HEAD, OPTIONS', pattern: '/users/:id' })
  t.assert.strictEqual((await app.labelOf('OPTIONS', '/nope')).pattern, undefined)
})

test('the same pattern when asked again, and for every URL of the pattern', async (t) => {
  const app = await labelled((app) => {
    app.get('/users/:id', ok)
    app.addHook('onResponse', (request, reply, done) => {
      const first = request.resourcePattern()
      done(first === request.resourcePattern() ? undefined : new Error('not the same'))
    })
  })
  const patterns = new Set()
  for (let i = 0; i < 50; i++) patterns.add((await app.labelOf('DELETE', `/users/${i}-${Math.random()}`)).pattern)
  t.assert.deepStrictEqual([...patterns], ['/users/:id'])
})
