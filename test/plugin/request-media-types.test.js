// `requestMediaTypes` (on by default): the automatic OPTIONS answer names the media types PATCH and QUERY
// requests may use (Accept-Patch, RFC 5789 3.1; Accept-Query, RFC 10008 3), from the content-type parsers
// Fastify runs for the route that would serve them, and describeOptions lists them per method.
import { test } from 'node:test'
import cors from '@fastify/cors'
import { appWith, ok } from '../support/with-plugin.js'

const DEFAULTS = 'application/json, text/plain'
const asString = { parseAs: 'string' }
const keep = (request, body, done) => { done(null, body) }
const query = (app, url, opts = {}) => app.route({ method: 'QUERY', url, handler: ok, ...opts })

async function options (app, url, headers = {}) {
  const response = await app.inject({ method: 'OPTIONS', url, headers })
  const { statusCode: status, headers: { allow, 'accept-patch': patch, 'accept-query': query } } = response
  return { status, allow, patch, query }
}

test("Fastify's default parsers: Accept-Patch where PATCH is allowed, Accept-Query where QUERY is, " +
  'nothing elsewhere', async (t) => {
  const app = await appWith((app) => {
    app.get('/items/:id', ok)
    app.patch('/items/:id', ok)
    query(app, '/items')
    app.post('/items', ok)
    app.get('/plain', ok)
  })
  t.assert.deepStrictEqual(await options(app, '/items/7'),
    { status: 200, allow: 'GET, HEAD, OPTIONS, PATCH', patch: DEFAULTS, query: undefined })
  t.assert.deepStrictEqual(await options(app, '/items'),
    { status: 200, allow: 'OPTIONS, POST, QUERY', patch: undefined, query: DEFAULTS })
  t.assert.deepStrictEqual(await options(app, '/plain'),
    { status: 200, allow: 'GET, HEAD, OPTIONS', patch: undefined, query: undefined })
  // Only the OPTIONS answer: a 405 and a 404 carry neither.
  const wrong = await app.inject({ method: 'DELETE', url: '/items/7' })
  t.assert.strictEqual(wrong.statusCode, 405)
  t.assert.strictEqual(wrong.headers['accept-patch'], undefined)
  t.assert.strictEqual((await options(app, '/nowhere')).status, 404)
})

test("each route's own plugin context: its parsers, those it inherits, and none of its siblings'", async (t) => {
  const app = await appWith(async (app) => {
    app.patch('/root', ok)
    await app.register(async (child) => {
      child.addContentTypeParser('application/merge-patch+json', asString, keep)
      child.patch('/child', ok)
      query(child, '/child')
      // Added after the route, in the same context: Fastify runs it for the route all the same.
      child.addContentTypeParser('application/json-patch+json', asString, keep)
      await child.register(async (grandchild) => {
        grandchild.addContentTypeParser('application/sql', asString, keep)
        grandchild.patch('/grandchild', ok)
      })
    })
    await app.register(async (sibling) => {
      sibling.removeAllContentTypeParsers()
      sibling.addContentTypeParser('application/merge-patch+json', asString, keep)
      sibling.patch('/sibling', ok)
    })
  })
  t.assert.strictEqual((await options(app, '/root')).patch, DEFAULTS)
  const child = 'application/json, application/json-patch+json, application/merge-patch+json, text/plain'
  t.assert.deepStrictEqual(await options(app, '/child'),
    { status: 200, allow: 'OPTIONS, PATCH, QUERY', patch: child, query: child })
  t.assert.strictEqual((await options(app, '/grandchild')).patch,
    'application/json, application/json-patch+json, application/merge-patch+json, application/sql, text/plain')
  t.assert.strictEqual((await options(app, '/sibling')).patch, 'application/merge-patch+json')
})

test('a catch-all parser accepts any media type; RegExp parsers cannot be named; ' +
  'no nameable type, no field', async (t) => {
  const app = await appWith(async (app) => {
    await app.register(async (any) => {
      any.addContentTypeParser('*', keep)
      any.patch('/any', ok)
      query(any, '/any')
    })
    await app.register(async (patterns) => {
      patterns.removeAllContentTypeParsers()
      patterns.addContentTypeParser(/^application\/.+\+xml$/, asString, keep)
      patterns.patch('/patterns', ok)
      query(patterns, '/patterns')
    })
    await app.register(async (none) => {
      none.removeAllContentTypeParsers()
      none.patch('/none', ok)
    })
  })
  t.assert.deepStrictEqual(await options(app, '/any'),
    { status: 200, allow: 'OPTIONS, PATCH, QUERY', patch: `${DEFAULTS}, */*`, query: `${DEFAULTS}, */*` })
  t.assert.deepStrictEqual(await options(app, '/patterns'),
    { status: 200, allow: 'OPTIONS, PATCH, QUERY', patch: undefined, query: undefined })
  t.assert.deepStrictEqual(await options(app, '/none'),
    { status: 200, allow: 'OPTIONS, PATCH', patch: undefined, query: undefined })
})

test('parameters: a media-type list for Accept-Patch, a Structured Field list for Accept-Query', async (t) => {
  const app = await appWith(async (app) => {
    app.removeAllContentTypeParsers()
    // Fastify lowercases the whole media type it registers, parameter values included.
    app.addContentTypeParser('application/sql; charset=UTF-8', asString, keep)
    app.addContentTypeParser('text/x-query; profile="a b"; v=2', asString, keep)
    // A parameter name Structured Fields cannot carry (RFC 9651 keys: lowercase letters, digits, _-.*).
    app.addContentTypeParser('application/x-odd; a+b=1', asString, keep)
    // A type that is no sf-token (it starts with a digit): written as an sf-string.
    app.addContentTypeParser('3d/model', asString, keep)
    // Fastify writes parameter values unescaped: a quote inside cannot be read back, the type is not named.
    app.addContentTypeParser('text/x-quoted; q="a\\"b"', asString, keep)
    // Neither field may carry what is not printable ASCII (Fastify takes Latin-1 in quoted values).
    app.addContentTypeParser('text/x-latin; q="\u00e9"', asString, keep)
    app.patch('/q', ok)
    query(app, '/q')
  })
  const { patch, query: accepted } = await options(app, '/q')
  t.assert.strictEqual(patch,
    '3d/model, application/sql; charset=utf-8, application/x-odd; a+b=1, text/x-query; profile="a b"; v=2')
  // RFC 10008 3: parameter values are sf-tokens or sf-strings; an sf-token starts with a letter or `*`.
  t.assert.strictEqual(accepted, '"3d/model", application/sql;charset=utf-8, text/x-query;profile="a b";v="2"')
})

test('every media type named is one Fastify parses for that route, and no other among many tried ' +
  '(Fastify is the oracle)', async (t) => {
  const candidates = ['application/json', 'text/plain', 'application/merge-patch+json', 'application/json-patch+json',
    'application/sql', 'application/xml', 'text/csv', 'application/x-www-form-urlencoded']
  const app = await appWith(async (app) => {
    app.patch('/root', ok)
    await app.register(async (child) => {
      child.addContentTypeParser('application/merge-patch+json', asString, keep)
      child.patch('/child', ok)
      await child.register(async (grandchild) => {
        grandchild.removeContentTypeParser('text/plain')
        grandchild.addContentTypeParser('application/sql', asString, keep)
        grandchild.patch('/grandchild', ok)
      })
    })
  })
  for (const url of ['/root', '/child', '/grandchild']) {
    const named = (await options(app, url)).patch.split(', ')
    for (const type of candidates) {
      const payload = type.includes('json') ? '{}' : 'x'
      const response = await app.inject({ method: 'PATCH', url, headers: { 'content-type': type }, payload })
      t.assert.strictEqual(response.statusCode !== 415,
        named.includes(type), `${url} ${type}: ${response.statusCode}, named ${named}`)
    }
  }
})

test('filterAllowed: no field for a method the caller cannot use', async (t) => {
  const app = await appWith((app) => {
    app.get('/doc', ok)
    app.patch('/doc', ok)
    query(app, '/doc')
  }, {
    pluginOptions: {
      filterAllowed: (request, methods) => methods.filter(method => ({
        editor: true, reader: method !== 'PATCH', viewer: method !== 'PATCH' && method !== 'QUERY'
      })[request.headers['x-role']])
    }
  })
  t.assert.deepStrictEqual(await options(app, '/doc', { 'x-role': 'editor' }),
    { status: 200, allow: 'GET, HEAD, OPTIONS, PATCH, QUERY', patch: DEFAULTS, query: DEFAULTS })
  t.assert.deepStrictEqual(await options(app, '/doc', { 'x-role': 'reader' }),
    { status: 200, allow: 'GET, HEAD, OPTIONS, QUERY', patch: undefined, query: DEFAULTS })
  t.assert.deepStrictEqual(await options(app, '/doc', { 'x-role': 'viewer' }),
    { status: 200, allow: 'GET, HEAD, OPTIONS', patch: undefined, query: undefined })
})

test("the route Fastify runs for the request's constraints names its media types", async (t) => {
  const app = await appWith(async (app) => {
    await app.register(async (a) => {
      a.addContentTypeParser('application/a', asString, keep)
      a.patch('/doc', { constraints: { host: 'a.example' } }, ok)
    })
    await app.register(async (b) => {
      b.removeAllContentTypeParsers()
      b.addContentTypeParser('application/b', asString, keep)
      b.patch('/doc', { constraints: { host: 'b.example' } }, ok)
    })
  })
  t.assert.strictEqual((await options(app, '/doc', { host: 'a.example' })).patch,
    'application/a, application/json, text/plain')
  t.assert.strictEqual((await options(app, '/doc', { host: 'b.example' })).patch, 'application/b')
})

test('describeOptions lists `accepts` for POST, PUT, PATCH and QUERY, each from its own route', async (t) => {
  const app = await appWith(async (app) => {
    app.get('/r', ok)
    app.delete('/r', ok)
    app.post('/r', ok)
    app.put('/r', ok)
    query(app, '/r')
    await app.register(async (child) => {
      child.addContentTypeParser('application/merge-patch+json', asString, keep)
      child.patch('/r', ok)
    })
  }, { pluginOptions: { describeOptions: true } })
  const response = await app.inject({ method: 'OPTIONS', url: '/r', headers: { accept: 'application/json' } })
  t.assert.strictEqual(response.headers['accept-patch'], 'application/json, application/merge-patch+json, text/plain')
  t.assert.strictEqual(response.headers['accept-query'], DEFAULTS)
  const defaults = ['application/json', 'text/plain']
  t.assert.deepStrictEqual(response.json().methods, {
    DELETE: {},
    GET: {},
    HEAD: {},
    PATCH: { accepts: ['application/json', 'application/merge-patch+json', 'text/plain'] },
    POST: { accepts: defaults },
    PUT: { accepts: defaults },
    QUERY: { accepts: defaults }
  })
})

test('requestMediaTypes: false names none, in the fields or the description', async (t) => {
  const app = await appWith((app) => {
    app.patch('/r', ok)
    query(app, '/r')
  }, { pluginOptions: { requestMediaTypes: false, describeOptions: true } })
  t.assert.deepStrictEqual(await options(app, '/r'),
    { status: 200, allow: 'OPTIONS, PATCH, QUERY', patch: undefined, query: undefined })
  const response = await app.inject({ method: 'OPTIONS', url: '/r', headers: { accept: 'application/json' } })
  t.assert.deepStrictEqual(response.json().methods, { PATCH: {}, QUERY: {} })
})

test('@fastify/cors with preflight: false hands OPTIONS to the not-found handler: ' +
  'the answer names them too', async (t) => {
  const app = await appWith(async (app) => {
    await app.register(cors, { preflight: false })
    app.patch('/r', ok)
  })
  t.assert.deepStrictEqual(await options(app, '/r'),
    { status: 200, allow: 'OPTIONS, PATCH', patch: DEFAULTS, query: undefined })
})
