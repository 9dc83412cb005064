// Typed routes (@fastify/type-provider-typebox) and documentation (@fastify/swagger) next to the plugin.
// In JavaScript the type provider is types only; what runs is TypeBox schemas and, here, the provider's
// TypeBoxValidatorCompiler.
import { test, describe, before, after } from 'node:test'
import Fastify from 'fastify'
import swagger from '@fastify/swagger'
import { Type, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import { Value } from '@sinclair/typebox/value'
import fastifyAllowedMethods, { MethodNotAllowedSchema, NotImplementedSchema } from '../../dist/index.js'
import { methodNotAllowedBody, notImplementedBody } from '../support/expected.js'

const Item = Type.Object({ id: Type.Integer(), name: Type.String() })
const ItemParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
const ItemBody = Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false })

/** Typed item routes; DELETE refuses through `reply.methodNotAllowed()` (e.g. a read-only item). */
function itemRoutes (app) {
  app.get('/items/:id', { schema: { params: ItemParams, response: { 200: Item, 405: MethodNotAllowedSchema } } },
    async (request) => ({ id: request.params.id, name: 'lamp' }))
  app.put('/items/:id', { schema: { params: ItemParams, body: ItemBody, response: { 200: Item } } },
    async (request) => ({ id: request.params.id, name: request.body.name }))
  app.delete('/items/:id', { schema: { params: ItemParams, response: { 405: MethodNotAllowedSchema } } },
    async (request, reply) => reply.methodNotAllowed())
  app.post('/items', { schema: { body: ItemBody, response: { 201: Item } } },
    async (request, reply) => reply.code(201).send({ id: 1, name: request.body.name }))
}

describe('@fastify/type-provider-typebox typed routes', () => {
  let app
  before(async () => {
    app = Fastify()
    app.setValidatorCompiler(TypeBoxValidatorCompiler)
    await app.register(fastifyAllowedMethods)
    itemRoutes(app)
    await app.ready()
  })
  after(() => app.close())

  test('valid and invalid requests to existing routes are the routes\' answers', async (t) => {
    const ok = await app.inject({ method: 'GET', url: '/items/4' })
    t.assert.strictEqual(ok.statusCode, 200)
    t.assert.deepStrictEqual(ok.json(), { id: 4, name: 'lamp' })
    const badParam = await app.inject({ method: 'GET', url: '/items/abc' })
    t.assert.strictEqual(badParam.statusCode, 400)
    t.assert.strictEqual(badParam.json().code, 'FST_ERR_VALIDATION')
    t.assert.strictEqual(badParam.headers.allow, undefined)
    const badBody = await app.inject({ method: 'PUT', url: '/items/4', payload: { name: '' } })
    t.assert.strictEqual(badBody.statusCode, 400)
    t.assert.strictEqual(badBody.json().code, 'FST_ERR_VALIDATION')
  })

  test('a wrong method gets 405 with the typed routes\' methods', async (t) => {
    const rows = [
      ['PATCH', '/items/4', 'DELETE, GET, HEAD, OPTIONS, PUT'],
      ['POST', '/items/4', 'DELETE, GET, HEAD, OPTIONS, PUT'],
      ['GET', '/items', 'OPTIONS, POST'],
      ['DELETE', '/items', 'OPTIONS, POST']
    ]
    t.plan(rows.length * 4)
    for (const [method, url, allow] of rows) {
      const response = await app.inject({ method, url })
      t.assert.strictEqual(response.statusCode, 405, `${method} ${url}`)
      t.assert.strictEqual(response.headers.allow, allow)
      t.assert.deepStrictEqual(response.json(), methodNotAllowedBody(method, url))
      t.assert.ok(Value.Check(MethodNotAllowedSchema, response.json()))
    }
  })

  test('a wrong method gets 405 before the body is parsed or validated', async (t) => {
    const malformed = await app.inject({
      method: 'POST', url: '/items/4', headers: { 'content-type': 'application/json' }, payload: '{"name":'
    })
    t.assert.strictEqual(malformed.statusCode, 405)
    t.assert.strictEqual(malformed.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PUT')
    const invalid = await app.inject({ method: 'PATCH', url: '/items/4', payload: { name: 42, extra: true } })
    t.assert.strictEqual(invalid.statusCode, 405)
    t.assert.strictEqual(invalid.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PUT')
  })

  test('OPTIONS on a typed route\'s URL gets the automatic answer', async (t) => {
    const response = await app.inject({ method: 'OPTIONS', url: '/items/4' })
    t.assert.strictEqual(response.statusCode, 200)
    t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PUT')
    t.assert.strictEqual(response.headers['content-length'], '0')
    t.assert.strictEqual(response.body, '')
  })

  test('reply.methodNotAllowed() in a typed route with `response: { 405: MethodNotAllowedSchema }`', async (t) => {
    const response = await app.inject({ method: 'DELETE', url: '/items/4' })
    t.assert.strictEqual(response.statusCode, 405)
    // The route's own method is not allowed for this request, so it leaves the Allow header.
    t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS, PUT')
    t.assert.deepStrictEqual(response.json(), methodNotAllowedBody('DELETE', '/items/4'))
    t.assert.ok(Value.Check(MethodNotAllowedSchema, response.json()))
  })

  test('NotImplementedSchema describes the 501 body', async (t) => {
    const strict = Fastify()
    await strict.register(fastifyAllowedMethods, { notImplemented: true })
    strict.get('/items/:id', { schema: { response: { 501: NotImplementedSchema } } }, async () => 'item')
    t.after(() => strict.close())
    const response = await strict.inject({ method: 'PROPFIND', url: '/items/4' })
    t.assert.strictEqual(response.statusCode, 501)
    t.assert.deepStrictEqual(response.json(), notImplementedBody('PROPFIND'))
    t.assert.ok(Value.Check(NotImplementedSchema, response.json()))
  })
})

describe('@fastify/swagger', () => {
  const info = { title: 'items', version: '1.0.0' }

  /** The same documented app, with or without the plugin, the plugin before or after swagger. */
  async function documented ({ plugin, order = 'plugin first', swaggerOptions = { openapi: { info } } }) {
    const app = Fastify()
    app.setValidatorCompiler(TypeBoxValidatorCompiler)
    if (plugin && order === 'plugin first') await app.register(fastifyAllowedMethods)
    await app.register(swagger, swaggerOptions)
    if (plugin && order === 'swagger first') await app.register(fastifyAllowedMethods)
    app.addSchema(MethodNotAllowedSchema)
    itemRoutes(app)
    app.patch('/items/:id/name', { schema: { response: { 405: { $ref: 'MethodNotAllowed#' } } } },
      async () => 'renamed')
    await app.ready()
    return app
  }

  const documented405 = {
    description: MethodNotAllowedSchema.description,
    content: {
      'application/json': {
        schema: {
          description: MethodNotAllowedSchema.description,
          type: 'object',
          required: ['statusCode', 'code', 'error', 'message'],
          properties: {
            statusCode: { type: 'number', enum: [405] },
            code: { type: 'string', enum: ['FST_ERR_METHOD_NOT_ALLOWED'] },
            error: { type: 'string', enum: ['Method Not Allowed'] },
            message: { type: 'string' }
          }
        }
      }
    }
  }

  for (const order of ['plugin first', 'swagger first']) {
    test(`the document is the one generated without the plugin (${order})`, async (t) => {
      const plain = await documented({ plugin: false })
      const app = await documented({ plugin: true, order })
      t.after(() => Promise.all([plain.close(), app.close()]))
      const doc = app.swagger()
      t.assert.deepStrictEqual(doc, plain.swagger())
      // No path of the plugin's own: only the app's routes are documented.
      t.assert.deepStrictEqual(Object.keys(doc.paths).sort(), ['/items', '/items/{id}', '/items/{id}/name'])
      t.assert.deepStrictEqual(Object.keys(doc.paths['/items/{id}']).sort(), ['delete', 'get', 'put'])
      // The app still answers as documented.
      const response = await app.inject({ method: 'PATCH', url: '/items/4' })
      t.assert.strictEqual(response.statusCode, 405)
      t.assert.strictEqual(response.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PUT')
    })
  }

  test('MethodNotAllowedSchema in `response: { 405 }` appears in the OpenAPI document', async (t) => {
    const app = await documented({ plugin: true })
    t.after(() => app.close())
    const doc = app.swagger()
    t.assert.deepStrictEqual(doc.paths['/items/{id}'].get.responses['405'], documented405)
    t.assert.deepStrictEqual(doc.paths['/items/{id}'].delete.responses['405'], documented405)
    t.assert.deepStrictEqual(Object.keys(doc.paths['/items/{id}'].get.responses).sort(), ['200', '405'])
    // Through app.addSchema() and a $ref, it becomes a shared component titled by its $id.
    const { $ref } = doc.paths['/items/{id}/name'].patch.responses['405'].content['application/json'].schema
    const component = doc.components.schemas[$ref.replace('#/components/schemas/', '')]
    t.assert.deepStrictEqual(component,
      { ...documented405.content['application/json'].schema, title: 'MethodNotAllowed' })
  })

  test('Swagger 2.0 documents carry the schema as well', async (t) => {
    const plain = await documented({ plugin: false, swaggerOptions: { swagger: { info } } })
    const app = await documented({ plugin: true, swaggerOptions: { swagger: { info } } })
    t.after(() => Promise.all([plain.close(), app.close()]))
    const doc = app.swagger()
    t.assert.deepStrictEqual(doc, plain.swagger())
    const response405 = doc.paths['/items/{id}'].delete.responses['405']
    t.assert.strictEqual(response405.description, MethodNotAllowedSchema.description)
    t.assert.deepStrictEqual(response405.schema.required, ['statusCode', 'code', 'error', 'message'])
    t.assert.deepStrictEqual(response405.schema.properties.code,
      { type: 'string', enum: ['FST_ERR_METHOD_NOT_ALLOWED'] })
  })

  test('generating the document does not change the exported schema', async (t) => {
    const before = JSON.stringify(MethodNotAllowedSchema)
    const app = await documented({ plugin: true })
    t.after(() => app.close())
    app.swagger()
    t.assert.strictEqual(JSON.stringify(MethodNotAllowedSchema), before)
    t.assert.strictEqual(MethodNotAllowedSchema.$id, 'MethodNotAllowed')
  })
})
