import { test } from 'node:test'
import cors from '@fastify/cors'
import { Value } from '@sinclair/typebox/value'
import { OptionsDescriptionSchema } from '../../dist/index.js'
import { appWith, ok } from '../support/with-plugin.js'

const json = { accept: 'application/json' }
const describeOnly = { pluginOptions: { describeOptions: true } }

const userRoutes = (app) => {
  app.addSchema({ $id: 'User', type: 'object', properties: { id: { type: 'integer' }, best: { $ref: 'Friend#' } } })
  app.addSchema({ $id: 'Friend', type: 'object', properties: { name: { type: 'string' } } })
  app.addSchema({ $id: 'Unused', type: 'string' })
  app.get('/users/:id', {
    schema: {
      summary: 'Read a user',
      description: 'By id',
      tags: ['users'],
      params: { type: 'object', properties: { id: { type: 'integer' } } },
      querystring: { type: 'object', properties: { fields: { type: 'string' } } },
      headers: { type: 'object', properties: { 'x-trace': { type: 'string' } } },
      response: { 200: { $ref: 'User#' } }
    }
  }, ok)
  app.put('/users/:id', { schema: { body: { $ref: 'User#/properties/best' } } }, ok)
  app.delete('/users/:id', { schema: { hide: true, summary: 'secret' } }, ok)
  app.patch('/users/:id', ok)
  app.post('/users/me', { schema: { summary: 'Only for me' } }, ok)
}

test('a JSON-accepting OPTIONS gets the resource described from its routes\' schemas', async (t) => {
  const app = await appWith(userRoutes, describeOnly)
  const response = await app.inject({ method: 'OPTIONS', url: '/users/7', headers: json })
  t.assert.strictEqual(response.statusCode, 200)
  t.assert.strictEqual(response.headers['content-type'], 'application/json; charset=utf-8')
  t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT')
  const get = {
    summary: 'Read a user',
    description: 'By id',
    tags: ['users'],
    params: { type: 'object', properties: { id: { type: 'integer' } } },
    querystring: { type: 'object', properties: { fields: { type: 'string' } } },
    headers: { type: 'object', properties: { 'x-trace': { type: 'string' } } },
    response: { 200: { $ref: 'User#' } }
  }
  t.assert.deepStrictEqual(response.json(), {
    allow: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT'],
    methods: {
      GET: get,
      HEAD: get, // Fastify's automatic HEAD route carries the GET route's schema
      // The media types of the content-type parsers Fastify runs for the route (Fastify's defaults here).
      PUT: { body: { $ref: 'User#/properties/best' }, accepts: ['application/json', 'text/plain'] },
      PATCH: { accepts: ['application/json', 'text/plain'] }
    },
    // $refs are kept, and every shared schema they reach (transitively) travels with them.
    schemas: {
      User: { $id: 'User', type: 'object', properties: { id: { type: 'integer' }, best: { $ref: 'Friend#' } } },
      Friend: { $id: 'Friend', type: 'object', properties: { name: { type: 'string' } } }
    }
  })
  t.assert.ok(Value.Check(OptionsDescriptionSchema, response.json()))
})

test('the description is the union over matching patterns, like Allow', async (t) => {
  const app = await appWith(userRoutes, describeOnly)
  const response = await app.inject({ method: 'OPTIONS', url: '/users/me', headers: json })
  t.assert.deepStrictEqual(Object.keys(response.json().methods).sort(), ['GET', 'HEAD', 'PATCH', 'POST', 'PUT'])
  t.assert.deepStrictEqual(response.json().methods.POST,
    { summary: 'Only for me', accepts: ['application/json', 'text/plain'] })
})

for (const [accept, described] of [
  ['application/json', true],
  ['text/html, application/json;q=0.5', true],
  ['application/*', true],
  ['*/*', true],
  ['application/json;q=0', false],
  ['text/html', false],
  [undefined, false]
]) {
  const shown = accept === undefined ? 'absent' : `"${accept}"`
  test(`Accept ${shown}: ${described ? 'described' : 'the plain empty 200'}`, async (t) => {
    const app = await appWith(userRoutes, describeOnly)
    const headers = accept === undefined ? {} : { accept }
    const response = await app.inject({ method: 'OPTIONS', url: '/users/7', headers })
    t.assert.strictEqual(response.statusCode, 200)
    t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT')
    if (described) {
      t.assert.deepStrictEqual(Object.keys(response.json().methods), ['GET', 'HEAD', 'PATCH', 'PUT'])
    } else {
      t.assert.strictEqual(response.body, '')
      t.assert.strictEqual(response.headers['content-length'], '0')
    }
  })
}

test('describeOptions is off by default', async (t) => {
  const app = await appWith(userRoutes)
  const response = await app.inject({ method: 'OPTIONS', url: '/users/7', headers: json })
  t.assert.strictEqual(response.body, '')
})

test('routes opted out, and methods narrowed away by filterAllowed, are never described', async (t) => {
  const app = await appWith((app) => {
    app.get('/doc', { schema: { summary: 'read' } }, ok)
    app.put('/doc', { schema: { summary: 'write' } }, ok)
    app.post('/doc', { schema: { summary: 'internal' }, config: { allowedMethods: false } }, ok)
  }, {
    pluginOptions: {
      describeOptions: true,
      filterAllowed: (request, methods) =>
        request.headers['x-role'] === 'admin' ? methods : methods.filter(m => m !== 'PUT')
    }
  })
  const reader = await app.inject({ method: 'OPTIONS', url: '/doc', headers: json })
  t.assert.deepStrictEqual(reader.json().allow, ['GET', 'HEAD', 'OPTIONS'])
  t.assert.deepStrictEqual(Object.keys(reader.json().methods), ['GET', 'HEAD'])
  const admin = await app.inject({ method: 'OPTIONS', url: '/doc', headers: { ...json, 'x-role': 'admin' } })
  t.assert.deepStrictEqual(Object.keys(admin.json().methods), ['GET', 'HEAD', 'PUT'])
})

test('routes are described for the request\'s constraints', async (t) => {
  const app = await appWith((app) => {
    app.get('/home', { constraints: { host: 'a.example' }, schema: { summary: 'a' } }, ok)
    app.get('/home', { constraints: { host: 'b.example' }, schema: { summary: 'b' } }, ok)
  }, describeOnly)
  const response = await app.inject({ method: 'OPTIONS', url: '/home', headers: { ...json, host: 'b.example' } })
  t.assert.deepStrictEqual(response.json().methods.GET, { summary: 'b' })
})

test('shared schemas of an encapsulated plugin resolve within it', async (t) => {
  const app = await appWith((app) => {
    app.register(async (child) => {
      child.addSchema({ $id: 'Item', type: 'object' })
      child.get('/items/:id', { schema: { response: { 200: { $ref: 'Item#' } } } }, ok)
    }, { prefix: '/v1' })
  }, describeOnly)
  const response = await app.inject({ method: 'OPTIONS', url: '/v1/items/1', headers: json })
  t.assert.deepStrictEqual(response.json().schemas, { Item: { $id: 'Item', type: 'object' } })
})

test('the app\'s own OPTIONS route and @fastify/cors preflights still win', async (t) => {
  const app = await appWith(async (app) => {
    await app.register(cors, { origin: '*' })
    app.get('/a', ok)
  }, describeOnly)
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/a',
    headers: { ...json, origin: 'https://x.example', 'access-control-request-method': 'GET' }
  })
  t.assert.strictEqual(preflight.statusCode, 204)
  t.assert.strictEqual(preflight.headers['access-control-allow-origin'], '*')
  t.assert.strictEqual(preflight.body, '')

  const own = await appWith((app) => {
    app.get('/a', ok)
    app.options('/a', async () => ({ mine: true }))
  }, describeOnly)
  t.assert.deepStrictEqual((await own.inject({ method: 'OPTIONS', url: '/a', headers: json })).json(), { mine: true })
})
