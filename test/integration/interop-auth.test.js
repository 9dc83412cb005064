import { test } from 'node:test'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import fastifyJwt from '@fastify/jwt'
import fastifyAuth from '@fastify/auth'
import fastifyBasicAuth from '@fastify/basic-auth'
import fastifyAutoload from '@fastify/autoload'
import rateLimit from '@fastify/rate-limit'
import fastifyAllowedMethods from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'

// The auth plugins of the ecosystem guard routes, not the not-found path: their hooks sit in an encapsulated
// plugin or in route options. With `guards: 'resource'` (the default) the plugin runs the hooks of the routes
// that make a URL known before it answers 405 or OPTIONS, so a wrong method reveals no more than a right one:
// a caller the routes refuse gets what Fastify alone gives that caller for the routes' own methods (the 401 of
// a GET), and only a caller they let through learns the URL's methods. Fastify alone is the oracle: every
// app is built twice, with the plugin and without it.

/** The app `routes` builds, with the plugin (registered first) and without it, both ready. */
async function withAndWithout (t, routes, pluginOptions = {}) {
  const alone = Fastify()
  await routes(alone)
  const app = Fastify()
  await app.register(fastifyAllowedMethods, pluginOptions)
  await routes(app)
  await Promise.all([alone.ready(), app.ready()])
  t.after(() => Promise.all([alone.close(), app.close()]))
  return { app, alone }
}

/** What a caller learns from an answer: a 401 and a 405 differ in each, and `Allow` names the methods. */
const seen = (response) => ({
  status: response.statusCode,
  allow: response.headers.allow,
  'content-type': response.headers['content-type'],
  'www-authenticate': response.headers['www-authenticate'],
  body: response.body
})
const label = (method, url, headers) => `${method} ${url} ${JSON.stringify(headers)}`
const ask = async (app, method, url, headers = {}) => seen(await app.inject({ method, url, headers }))

/** Each of `methods` at `url` gets from the plugin what Fastify alone answers `oracleMethod` (the same by default). */
async function answersAsAlone (t, { app, alone }, methods, url, headers, oracleMethod) {
  for (const method of methods) {
    const expected = await ask(alone, oracleMethod ?? method, url, headers)
    t.assert.deepStrictEqual(await ask(app, method, url, headers), expected, label(method, url, headers))
  }
}

/** Each of `methods` at `url` gets 405 (OPTIONS: the automatic 200) with exactly `allow`. */
async function answersAllow (t, app, methods, url, headers, allow) {
  for (const method of methods) {
    const { status, allow: sent } = await ask(app, method, url, headers)
    const expected = { status: method === 'OPTIONS' ? 200 : 405, allow }
    t.assert.deepStrictEqual({ status, allow: sent }, expected, label(method, url, headers))
  }
}

const unauthorized = (message = 'Unauthorized') => Object.assign(new Error(message), { statusCode: 401 })
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

test('@fastify/jwt in an encapsulated plugin: a caller without a valid token gets the 401 a GET gets', async (t) => {
  const secret = 'a secret that only this app knows'
  const adminUsers = async (app) => {
    await app.register(fastifyJwt, { secret })
    app.register(async (admin) => {
      admin.addHook('onRequest', (request) => request.jwtVerify())
      admin.get('/admin/users', ok)
      admin.post('/admin/users', ok)
    })
  }
  const { app, alone } = await withAndWithout(t, adminUsers)
  const anonymous = {}
  const malformed = { authorization: 'Bearer not-a-token' }
  const forged = { authorization: `Bearer ${app.jwt.sign({ sub: 'ada' }).slice(0, -2)}xx` }
  const valid = { authorization: `Bearer ${app.jwt.sign({ sub: 'ada' })}` }
  for (const caller of [anonymous, malformed, forged, valid]) {
    await answersAsAlone(t, { app, alone }, ['GET', 'HEAD', 'POST'], '/admin/users', caller)
  }
  for (const caller of [anonymous, malformed, forged]) {
    const refused = await ask(app, 'DELETE', '/admin/users', caller)
    t.assert.strictEqual(refused.status, 401, JSON.stringify(caller))
    await answersAsAlone(t, { app, alone }, ['DELETE', 'OPTIONS', 'PATCH'], '/admin/users', caller, 'GET')
  }
  await answersAllow(t, app, ['DELETE', 'OPTIONS', 'PATCH'], '/admin/users', valid, 'GET, HEAD, OPTIONS, POST')
  // A URL no route matches stays Fastify's 404, whoever asks.
  await answersAsAlone(t, { app, alone }, ['DELETE'], '/admin/nobody', anonymous)
  // With optionsStatus 204: the same Allow, without content, for the same callers only.
  const quiet = await withAndWithout(t, adminUsers, { optionsStatus: 204 })
  const options = await quiet.app.inject({ method: 'OPTIONS', url: '/admin/users', headers: valid })
  t.assert.deepStrictEqual([options.statusCode, options.headers.allow], [204, 'GET, HEAD, OPTIONS, POST'])
  await answersAsAlone(t, quiet, ['OPTIONS'], '/admin/users', anonymous, 'GET')
})

test("@fastify/auth per route (relation 'and'): refused routes' methods are left out of Allow", async (t) => {
  const verifyA = async (request) => { if (request.headers['x-key-a'] !== 'a') throw unauthorized('key A missing') }
  // Without a statusCode: @fastify/auth sets the 401 on the reply before it passes the error on.
  const verifyB = (request, reply, done) => {
    done(request.headers['x-key-b'] === 'b' ? undefined : new Error('key B missing'))
  }
  const { app, alone } = await withAndWithout(t, async (app) => {
    await app.register(fastifyAuth)
    const bothKeys = () => app.auth([verifyA, verifyB], { relation: 'and' })
    app.get('/reports', ok)
    app.post('/reports', { preHandler: bothKeys() }, ok)
    const reportGuard = bothKeys()
    app.get('/reports/:id', { preHandler: reportGuard }, ok)
    app.put('/reports/:id', { preHandler: reportGuard }, ok)
  })
  const anonymous = {}
  const onlyA = { 'x-key-a': 'a' }
  const onlyB = { 'x-key-b': 'b' }
  const keys = { 'x-key-a': 'a', 'x-key-b': 'b' }
  for (const caller of [anonymous, onlyA, onlyB, keys]) {
    await answersAsAlone(t, { app, alone }, ['GET', 'HEAD', 'POST'], '/reports', caller)
    await answersAsAlone(t, { app, alone }, ['GET', 'HEAD', 'PUT'], '/reports/7', caller)
  }
  for (const caller of [anonymous, onlyA, onlyB]) {
    await answersAsAlone(t, { app, alone }, ['DELETE', 'OPTIONS', 'POST'], '/reports/7', caller, 'GET')
    // A public GET beside a guarded POST: the caller learns of the GET only.
    await answersAllow(t, app, ['PATCH', 'OPTIONS'], '/reports', caller, 'GET, HEAD, OPTIONS')
  }
  await answersAllow(t, app, ['DELETE', 'OPTIONS', 'POST'], '/reports/7', keys, 'GET, HEAD, OPTIONS, PUT')
  await answersAllow(t, app, ['PATCH', 'OPTIONS'], '/reports', keys, 'GET, HEAD, OPTIONS, POST')
})

test('@fastify/basic-auth as route onRequest in a plugin: the refusal carries WWW-Authenticate', async (t) => {
  const { app, alone } = await withAndWithout(t, async (app) => {
    app.register(async (vault) => {
      await vault.register(fastifyBasicAuth, {
        validate: async (user, password) => {
          if (user !== 'ada' || password !== 'lovelace') throw new Error('Wrong credentials')
        },
        authenticate: { realm: 'vault' }
      })
      vault.get('/vault/:item', { onRequest: vault.basicAuth }, ok)
      vault.put('/vault/:item', { onRequest: vault.basicAuth }, ok)
    })
  })
  const anonymous = {}
  const wrong = { authorization: basic('ada', 'babbage') }
  const malformed = { authorization: 'Basic !!!' }
  const right = { authorization: basic('ada', 'lovelace') }
  for (const caller of [anonymous, wrong, malformed, right]) {
    await answersAsAlone(t, { app, alone }, ['GET', 'HEAD', 'PUT'], '/vault/key', caller)
  }
  for (const caller of [anonymous, wrong, malformed]) {
    const refused = await ask(app, 'DELETE', '/vault/key', caller)
    // charset: basic-auth's `utf8` option, on by default (RFC 7617 2.1).
    const challenge = 'Basic realm="vault", charset="UTF-8"'
    t.assert.deepStrictEqual([refused.status, refused['www-authenticate']], [401, challenge], JSON.stringify(caller))
    await answersAsAlone(t, { app, alone }, ['DELETE', 'OPTIONS', 'POST'], '/vault/key', caller, 'GET')
  }
  await answersAllow(t, app, ['DELETE', 'OPTIONS', 'POST'], '/vault/key', right, 'GET, HEAD, OPTIONS, PUT')
})

test('@fastify/autoload with autohooks and cascadeHooks: the hooks guard every route below them', async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'allowed-methods-autoload-'))
  t.after(() => rm(folder, { recursive: true, force: true }))
  const files = {
    'public/index.js': "module.exports = async (app) => { app.get('/hello', async () => 'hello') }",
    'private/autohooks.js': `module.exports = async (app) => {
      app.addHook('onRequest', async (request) => {
        if (request.headers.authorization !== 'Bearer ok') {
          throw Object.assign(new Error('Unauthorized'), { statusCode: 401 })
        }
      })
    }`,
    'private/index.js': `module.exports = async (app) => {
      app.get('/files', async () => 'files')
      app.put('/files', async () => 'put')
    }`,
    'private/deep/index.js': "module.exports = async (app) => { app.delete('/items/:id', async () => 'deleted') }"
  }
  for (const [file, code] of Object.entries(files)) {
    await mkdir(join(folder, 'routes', file, '..'), { recursive: true })
    await writeFile(join(folder, 'routes', file), code)
  }
  const { app, alone } = await withAndWithout(t, (app) => app.register(fastifyAutoload, {
    dir: join(folder, 'routes'), autoHooks: true, cascadeHooks: true
  }))
  const anonymous = {}
  const authorised = { authorization: 'Bearer ok' }
  for (const caller of [anonymous, authorised]) {
    await answersAsAlone(t, { app, alone }, ['GET', 'PUT'], '/private/files', caller)
    await answersAsAlone(t, { app, alone }, ['DELETE'], '/private/deep/items/1', caller)
    await answersAsAlone(t, { app, alone }, ['GET'], '/public/hello', caller)
    await answersAllow(t, app, ['POST', 'OPTIONS'], '/public/hello', caller, 'GET, HEAD, OPTIONS')
  }
  await answersAsAlone(t, { app, alone }, ['POST', 'OPTIONS'], '/private/files', anonymous, 'GET')
  await answersAsAlone(t, { app, alone }, ['GET', 'OPTIONS'], '/private/deep/items/1', anonymous, 'DELETE')
  await answersAllow(t, app, ['POST', 'OPTIONS'], '/private/files', authorised, 'GET, HEAD, OPTIONS, PUT')
  await answersAllow(t, app, ['GET', 'OPTIONS'], '/private/deep/items/1', authorised, 'DELETE, OPTIONS')
})

test('a public GET and a private DELETE at one URL: only a caller allowed to DELETE learns of it', async (t) => {
  const requireAuth = async (request) => { if (request.headers.authorization !== 'Bearer ok') throw unauthorized() }
  const routes = async (app) => {
    app.addSchema({ $id: 'HardDelete', type: 'boolean', description: 'skip the bin' })
    app.get('/docs/:id', { schema: { summary: 'Read a document' } }, ok)
    app.delete('/docs/:id', {
      onRequest: requireAuth,
      schema: {
        summary: 'Delete a document',
        querystring: { type: 'object', properties: { hard: { $ref: 'HardDelete#' } } }
      }
    }, ok)
  }
  const { app, alone } = await withAndWithout(t, routes)
  const anonymous = {}
  const authorised = { authorization: 'Bearer ok' }
  for (const caller of [anonymous, authorised]) {
    await answersAsAlone(t, { app, alone }, ['GET', 'HEAD', 'DELETE'], '/docs/1', caller)
  }
  await answersAllow(t, app, ['PUT', 'OPTIONS'], '/docs/1', anonymous, 'GET, HEAD, OPTIONS')
  await answersAllow(t, app, ['PUT', 'OPTIONS'], '/docs/1', authorised, 'DELETE, GET, HEAD, OPTIONS')

  const described = (await withAndWithout(t, routes, { describeOptions: true })).app
  const json = { accept: 'application/json' }
  const hidden = await described.inject({ method: 'OPTIONS', url: '/docs/1', headers: json })
  t.assert.deepStrictEqual([hidden.statusCode, hidden.headers.allow], [200, 'GET, HEAD, OPTIONS'])
  t.assert.deepStrictEqual(hidden.json().allow, ['GET', 'HEAD', 'OPTIONS'])
  t.assert.deepStrictEqual(Object.keys(hidden.json().methods).sort(), ['GET', 'HEAD'])
  for (const secret of ['DELETE', 'Delete a document', 'HardDelete', 'skip the bin']) {
    t.assert.ok(!hidden.body.includes(secret), `the anonymous description mentions ${secret}: ${hidden.body}`)
  }
  // The same description for a caller allowed to DELETE names all of it: the checks above can fail.
  const shown = await described.inject({ method: 'OPTIONS', url: '/docs/1', headers: { ...json, ...authorised } })
  t.assert.deepStrictEqual(shown.json().allow, ['DELETE', 'GET', 'HEAD', 'OPTIONS'])
  t.assert.strictEqual(shown.json().methods.DELETE.summary, 'Delete a document')
  t.assert.strictEqual(shown.json().schemas.HardDelete.description, 'skip the bin')
})

test('a tree hidden from strangers by a 404 stays hidden: DELETE and OPTIONS get the 404 a GET gets', async (t) => {
  const hiders = {
    'replies 404': async (request, reply) => {
      if (request.headers['x-insider'] !== 'yes') {
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'Not here' })
      }
    },
    'throws a 404': async (request) => {
      if (request.headers['x-insider'] !== 'yes') throw Object.assign(new Error('Not here'), { statusCode: 404 })
    }
  }
  for (const [name, hide] of Object.entries(hiders)) {
    const { app, alone } = await withAndWithout(t, async (app) => {
      app.register(async (secret) => {
        secret.addHook('onRequest', hide)
        secret.get('/secret/:id', ok)
        secret.patch('/secret/:id', ok)
      })
    })
    const stranger = {}
    const insider = { 'x-insider': 'yes' }
    const refused = await ask(app, 'DELETE', '/secret/1', stranger)
    t.assert.strictEqual(refused.status, 404, name)
    await answersAsAlone(t, { app, alone }, ['DELETE', 'OPTIONS', 'PUT'], '/secret/1', stranger, 'GET')
    for (const caller of [stranger, insider]) {
      await answersAsAlone(t, { app, alone }, ['GET', 'PATCH'], '/secret/1', caller)
    }
    await answersAllow(t, app, ['DELETE', 'OPTIONS', 'PUT'], '/secret/1', insider, 'GET, HEAD, OPTIONS, PATCH')
  }
})

/** The answers to `requests` ([method, url] pairs), in order, as a caller sees them, with rate-limit's headers. */
async function sequence (app, requests) {
  const answers = []
  for (const [method, url] of requests) {
    const response = await app.inject({ method, url })
    answers.push({
      ...seen(response),
      limit: response.headers['x-ratelimit-limit'],
      remaining: response.headers['x-ratelimit-remaining'],
      'retry-after': response.headers['retry-after']
    })
  }
  return answers
}

test('@fastify/rate-limit (global) in a plugin: wrong methods count, and the third gets the 429', async (t) => {
  const { app, alone } = await withAndWithout(t, async (app) => {
    app.register(async (api) => {
      await api.register(rateLimit, { global: true, max: 2, timeWindow: '1 minute' })
      api.get('/api/items', ok)
      api.post('/api/items', ok)
    })
  })
  const ours = await sequence(app, [['DELETE', '/api/items'], ['OPTIONS', '/api/items'], ['DELETE', '/api/items']])
  const fastifys = await sequence(alone, [['GET', '/api/items'], ['GET', '/api/items'], ['GET', '/api/items']])
  t.assert.deepStrictEqual(ours.map(({ status, allow }) => [status, allow]),
    [[405, 'GET, HEAD, OPTIONS, POST'], [200, 'GET, HEAD, OPTIONS, POST'], [429, undefined]])
  const counted = (answers) => answers.map(({ limit, remaining }) => [limit, remaining])
  t.assert.deepStrictEqual(counted(ours), counted(fastifys))
  t.assert.deepStrictEqual(ours[2], fastifys[2])
})

test('@fastify/rate-limit per route: a wrong method counts against the limit of the URL\'s route', async (t) => {
  const { app, alone } = await withAndWithout(t, async (app) => {
    await app.register(rateLimit, { global: false })
    app.get('/jobs', ok)
    app.post('/jobs', { config: { rateLimit: { max: 1, timeWindow: '1 minute' } } }, ok)
    app.post('/once', { config: { rateLimit: { max: 1, timeWindow: '1 minute' } } }, ok)
  })
  // The PUT used POST's one request: the POST after it gets the 429 a second POST gets.
  const ours = await sequence(app, [['PUT', '/jobs'], ['POST', '/jobs'], ['PUT', '/jobs']])
  const fastifys = await sequence(alone, [['POST', '/jobs'], ['POST', '/jobs']])
  t.assert.deepStrictEqual(ours.map(({ status, allow }) => [status, allow]),
    [[405, 'GET, HEAD, OPTIONS, POST'], [429, undefined], [405, 'GET, HEAD, OPTIONS']])
  t.assert.deepStrictEqual(ours[1], fastifys[1])
  // Where the limited route is the URL's only one, the refusal is the answer: the 429 a second POST gets.
  const once = await sequence(app, [['PUT', '/once'], ['PUT', '/once']])
  const onceAlone = await sequence(alone, [['POST', '/once'], ['POST', '/once']])
  t.assert.deepStrictEqual([once[0].status, once[0].allow], [405, 'OPTIONS, POST'])
  t.assert.deepStrictEqual(once[1], onceAlone[1])
})

/** An admin tree guarded by an onRequest hook, a public route, and optionally a not-found guard of its own. */
const guardedApp = ({ notFoundGuard = false } = {}) => async (app) => {
  app.addHook('onRequest', async (request) => {
    if (request.headers['x-banned'] !== undefined) throw Object.assign(new Error('Banned'), { statusCode: 403 })
  })
  if (notFoundGuard) {
    const guard = async (request, reply) => {
      if (request.headers.authorization !== 'Bearer ok') return reply.code(401).send({ error: 'who are you?' })
    }
    app.setNotFoundHandler({ preHandler: guard }, (request, reply) => reply.code(404).send({ error: 'nope' }))
  }
  app.register(async (admin) => {
    admin.addHook('onRequest', async (request) => {
      if (request.headers.authorization !== 'Bearer ok') throw unauthorized()
    })
    admin.get('/admin/users', ok)
    admin.post('/admin/users', ok)
  })
  app.get('/public', ok)
}
const callers = [{}, { authorization: 'Bearer ok' }, { 'x-banned': '1' }]
const everyRequest = ['DELETE', 'GET', 'OPTIONS', 'POST'].flatMap(method =>
  ['/admin/users', '/public', '/missing'].flatMap(url => callers.map(headers => [method, url, headers])))

test("guards: 'not-found' keeps the earlier answers: only the not-found path's own guards run", async (t) => {
  const { app } = await withAndWithout(t, guardedApp(), { guards: 'not-found' })
  await answersAllow(t, app, ['DELETE', 'OPTIONS'], '/admin/users', {}, 'GET, HEAD, OPTIONS, POST')
  const guarded = await withAndWithout(t, guardedApp({ notFoundGuard: true }), { guards: 'not-found' })
  const refused = await ask(guarded.app, 'DELETE', '/admin/users')
  t.assert.deepStrictEqual([refused.status, refused.body], [401, '{"error":"who are you?"}'])
  const authorised = { authorization: 'Bearer ok' }
  await answersAllow(t, guarded.app, ['DELETE', 'OPTIONS'], '/admin/users', authorised, 'GET, HEAD, OPTIONS, POST')
})

test("guards: 'none' answers 405 and OPTIONS before any guard of the routes or of the not-found handler", async (t) => {
  const { app, alone } = await withAndWithout(t, guardedApp({ notFoundGuard: true }), { guards: 'none' })
  await answersAllow(t, app, ['DELETE', 'OPTIONS'], '/admin/users', {}, 'GET, HEAD, OPTIONS, POST')
  await answersAllow(t, app, ['DELETE', 'OPTIONS'], '/public', {}, 'GET, HEAD, OPTIONS')
  // The routes and the 404 keep their guards: Fastify runs them, not the plugin.
  await answersAsAlone(t, { app, alone }, ['GET', 'POST'], '/admin/users', {})
  await answersAsAlone(t, { app, alone }, ['DELETE', 'GET'], '/missing', {})
  // The app's root onRequest hooks run before the plugin's, as Fastify runs them.
  await answersAsAlone(t, { app, alone }, ['DELETE', 'OPTIONS'], '/admin/users', { 'x-banned': '1' }, 'GET')
})

test("guards: 'resource' is the default", async (t) => {
  for (const notFoundGuard of [false, true]) {
    const byDefault = (await withAndWithout(t, guardedApp({ notFoundGuard }))).app
    const resource = (await withAndWithout(t, guardedApp({ notFoundGuard }), { guards: 'resource' })).app
    for (const [method, url, headers] of everyRequest) {
      const expected = await ask(byDefault, method, url, headers)
      t.assert.deepStrictEqual(await ask(resource, method, url, headers), expected, label(method, url, headers))
    }
    // And it is the guarded answer, not the earlier one.
    t.assert.strictEqual((await ask(resource, 'DELETE', '/admin/users')).status, 401)
  }
})

test('an invalid guards value fails the registration with a message naming the option', async (t) => {
  for (const [value, shown] of [['all', '"all"'], [true, 'true'], ['', '""'], [null, 'null']]) {
    const app = Fastify()
    await t.assert.rejects(app.register(fastifyAllowedMethods, { guards: value }).ready(), {
      name: 'TypeError',
      message: `fastify-allowed-methods: option "guards" must be "resource", "not-found" or "none", got ${shown}`
    })
  }
})

test('each hook function runs once per refused request, before the body is parsed, and preParsing never', async (t) => {
  let runs = {}
  const withBody = new Set()
  const count = (name, refuse = false) => async (request) => {
    runs[name] = (runs[name] ?? 0) + 1
    if (request.body !== undefined) withBody.add(name)
    if (refuse && request.headers.authorization !== 'Bearer ok') throw unauthorized()
  }
  const parsing = (name) => async (request, reply, payload) => {
    runs[name] = (runs[name] ?? 0) + 1
    return payload
  }
  const { app } = await withAndWithout(t, async (app) => {
    app.addHook('onRequest', count('root onRequest'))
    app.addHook('preValidation', count('root preValidation'))
    app.register(async (api) => {
      api.addHook('preValidation', count('plugin preValidation'))
      api.addHook('preParsing', parsing('plugin preParsing'))
      const shared = count('shared preHandler', true)
      api.get('/items', { preHandler: shared, preParsing: parsing('GET preParsing') }, ok)
      api.post('/items', { preHandler: shared, preParsing: parsing('POST preParsing') }, ok)
    })
  })
  const once = { 'root onRequest': 1, 'root preValidation': 1, 'plugin preValidation': 1, 'shared preHandler': 1 }
  const json = { 'content-type': 'application/json' }
  const authorised = { ...json, authorization: 'Bearer ok' }
  const requests = [
    ['DELETE', json, '{"a":1}', 401], ['PUT', json, '{"broken', 401], ['OPTIONS', json, '{"a":1}', 401],
    ['DELETE', authorised, '{"a":1}', 405], ['PUT', authorised, '{"broken', 405],
    ['OPTIONS', authorised, '{"a":1}', 200]
  ]
  for (const [method, headers, payload, status] of requests) {
    runs = {}
    const response = await app.inject({ method, url: '/items', headers, payload })
    t.assert.deepStrictEqual([response.statusCode, runs], [status, once], `${method} ${JSON.stringify(headers)}`)
  }
  t.assert.deepStrictEqual([...withBody], [])
  // A POST, which has a route, runs them all once and parses its body: the counters above could see both.
  runs = {}
  const posted = await app.inject({ method: 'POST', url: '/items', headers: authorised, payload: '{"a":1}' })
  t.assert.strictEqual(posted.statusCode, 200)
  t.assert.deepStrictEqual(runs, { ...once, 'plugin preParsing': 1, 'POST preParsing': 1 })
  t.assert.deepStrictEqual([...withBody], ['root preValidation', 'plugin preValidation', 'shared preHandler'])
})
