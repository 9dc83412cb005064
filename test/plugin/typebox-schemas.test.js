// The exported schemas are built without loading TypeBox (lib/schemas/builders.ts), yet must be the very
// values TypeBox builds: the same JSON Schema, TypeBox's `Kind` and `Optional` symbols, the same key order
// (what `JSON.stringify` and @fastify/swagger print). Each is compared here with its definition written with
// TypeBox's own `Type`, so a TypeBox upgrade that changes what its builders return fails here. typebox 1 (the
// package `typebox`, which @fastify/type-provider-typebox 6 uses) reads them as plain JSON Schema: its
// verdicts are compared with 0.34's at the end.
import { test } from 'node:test'
import { createRequire } from 'node:module'
import { Type, TypeGuard } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { Value as Value1 } from 'typebox/value'
import { TypeBoxValidatorCompiler as compilerOf6 } from 'type-provider-typebox-6'
import * as esm from '../../dist/index.js'

const callback = () => Type.Function([], Type.Unknown())
const JsonSchema = Type.Unknown({ description: 'A JSON Schema, as the route declares it' })
const MethodDescriptionSchema = Type.Object({
  summary: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
  params: Type.Optional(JsonSchema),
  querystring: Type.Optional(JsonSchema),
  headers: Type.Optional(JsonSchema),
  body: Type.Optional(JsonSchema),
  response: Type.Optional(Type.Record(Type.String(), JsonSchema)),
  accepts: Type.Optional(Type.Array(Type.String(), {
    description: 'The media types the request content may use (RFC 9110 8.3.1), from the content-type parsers ' +
      "Fastify runs for the route; '*/*' for a catch-all parser. For POST, PUT, PATCH and QUERY."
  }))
}, { additionalProperties: false })

const expected = {
  OptionsSchema: Type.Object({
    autoOptions: Type.Optional(Type.Boolean()),
    optionsStatus: Type.Optional(Type.Union([Type.Literal(200), Type.Literal(204)])),
    notImplemented: Type.Optional(Type.Boolean()),
    cacheControl: Type.Optional(Type.String({ pattern: '^[\\x20-\\x7e]+$' })),
    notFound: Type.Optional(callback()),
    filterAllowed: Type.Optional(callback()),
    vary: Type.Optional(Type.Array(Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" }),
      { minItems: 1, uniqueItems: true })),
    notFoundWhenEmpty: Type.Optional(Type.Boolean()),
    includeRoute: Type.Optional(callback()),
    describeOptions: Type.Optional(Type.Boolean()),
    allowOnSuccess: Type.Optional(Type.Boolean()),
    replyDecorator: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z_$][\\w$]*$' }), Type.Literal(false)])),
    problemDetails: Type.Optional(Type.Boolean()),
    requestMediaTypes: Type.Optional(Type.Boolean()),
    guards: Type.Optional(Type.Union([Type.Literal('resource'), Type.Literal('not-found'), Type.Literal('none')])),
    lingerTime: Type.Optional(Type.Integer({ minimum: 0 })),
    lingerBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    lazy: Type.Optional(Type.Boolean())
  }, { additionalProperties: false }),
  MethodNotAllowedSchema: Type.Object({
    statusCode: Type.Literal(405),
    code: Type.Literal('FST_ERR_METHOD_NOT_ALLOWED'),
    error: Type.Literal('Method Not Allowed'),
    message: Type.String()
  }, {
    $id: 'MethodNotAllowed',
    description: 'RFC 9110 15.5.6: the method is not supported by the target resource; see the Allow header.'
  }),
  NotImplementedSchema: Type.Object({
    statusCode: Type.Literal(501),
    code: Type.Literal('FST_ERR_NOT_IMPLEMENTED'),
    error: Type.Literal('Not Implemented'),
    message: Type.String()
  }, {
    $id: 'NotImplemented',
    description: 'RFC 9110 15.6.2: the server does not support the request method for any resource.'
  }),
  MethodNotAllowedProblemSchema: Type.Object({
    type: Type.Literal('https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6'),
    title: Type.Literal('Method Not Allowed'),
    status: Type.Literal(405),
    detail: Type.String(),
    instance: Type.String(),
    allowedMethods: Type.Array(Type.String())
  }, {
    $id: 'MethodNotAllowedProblem',
    description: 'RFC 9457 problem details of a 405 (RFC 9110 15.5.6); allowedMethods, an extension member ' +
      '(RFC 9457 3.2), lists the methods of the Allow header.'
  }),
  NotImplementedProblemSchema: Type.Object({
    type: Type.Literal('https://www.rfc-editor.org/rfc/rfc9110#section-15.6.2'),
    title: Type.Literal('Not Implemented'),
    status: Type.Literal(501),
    detail: Type.String(),
    instance: Type.String()
  }, {
    $id: 'NotImplementedProblem',
    description: 'RFC 9457 problem details of a 501 (RFC 9110 15.6.2): the server does not support the request ' +
      'method for any resource.'
  }),
  MethodDescriptionSchema,
  OptionsDescriptionSchema: Type.Object({
    allow: Type.Array(Type.String()),
    methods: Type.Record(Type.String(), MethodDescriptionSchema),
    schemas: Type.Record(Type.String(), JsonSchema)
  }, { $id: 'OptionsDescription', additionalProperties: false })
}

/** Every symbol key anywhere in `value`, as paths: deepStrictEqual compares them, this shows which exist. */
function symbolPaths (value, path = '') {
  if (typeof value !== 'object' || value === null) return []
  return [
    ...Object.getOwnPropertySymbols(value).map(symbol => `${path}[${symbol.description}]`),
    ...Object.entries(value).flatMap(([key, item]) => symbolPaths(item, `${path}/${key}`))
  ]
}

const cjs = createRequire(import.meta.url)('../../dist/index.cjs')
// The ES module entry as published (lib/ bundled into one file), which the CommonJS entry require()s.
const shipped = await import('fastify-allowed-methods')

for (const [name, schema] of Object.entries(expected)) {
  test(`${name} is the schema TypeBox builds, symbols and key order included`, (t) => {
    const ours = esm[name]
    t.assert.deepStrictEqual(ours, schema)
    t.assert.deepStrictEqual(symbolPaths(ours), symbolPaths(schema))
    t.assert.ok(symbolPaths(ours).includes('[TypeBox.Kind]'))
    t.assert.strictEqual(JSON.stringify(ours), JSON.stringify(schema))
    t.assert.ok(TypeGuard.IsSchema(ours), 'TypeBox recognises it as one of its schemas')
    t.assert.deepStrictEqual(shipped[name], ours)
    t.assert.strictEqual(cjs[name], shipped[name], 'the CommonJS entry exports the same object')
  })
}

/** Values each exported schema is checked against: [schema name, value, whether TypeBox accepts it]. */
const verdicts = [
  ['OptionsSchema', { vary: ['authorization'], replyDecorator: false, notFound: () => {} }, true],
  ['OptionsSchema', { vary: [] }, false],
  ['OptionsSchema', { replyDecorator: 'not a name' }, false],
  ['OptionsSchema', { lingerTime: -1 }, false],
  ['OptionsSchema', { unknownOption: true }, false],
  ['MethodNotAllowedSchema',
    { statusCode: 405, code: 'FST_ERR_METHOD_NOT_ALLOWED', error: 'Method Not Allowed', message: 'no' }, true],
  ['NotImplementedSchema',
    { statusCode: 405, code: 'FST_ERR_NOT_IMPLEMENTED', error: 'Not Implemented', message: 'no' }, false],
  ['MethodNotAllowedProblemSchema', {
    type: 'https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6',
    title: 'Method Not Allowed',
    status: 405,
    detail: 'no',
    instance: '/a',
    allowedMethods: ['GET']
  }, true],
  ['NotImplementedProblemSchema', { status: 501 }, false],
  ['OptionsDescriptionSchema',
    { allow: ['GET'], methods: { GET: { summary: 'a', response: { 200: {} } } }, schemas: {} }, true],
  ['OptionsDescriptionSchema', { allow: ['GET'], methods: { GET: { extra: 1 } }, schemas: {} }, false]
]

/** Whether @fastify/type-provider-typebox 6's validator compiler, on `schema`, lets `value` through. */
const passes6 = (schema, value) =>
  compilerOf6({ schema, method: 'POST', url: '/', httpPart: 'body' })(value).error === undefined

for (const [name, value, accepted] of verdicts) {
  test(`${name}: each TypeBox ${accepted ? 'accepts' : 'rejects'} ${JSON.stringify(value)}`, (t) => {
    t.assert.strictEqual(Value.Check(esm[name], value), accepted, '@sinclair/typebox 0.34')
    t.assert.strictEqual(Value1.Check(esm[name], value), accepted, 'typebox 1')
    t.assert.strictEqual(passes6(esm[name], value), accepted, '@fastify/type-provider-typebox 6')
  })
}

// 0.34's `Type.Function()` writes `type: 'Function'`, a type JSON Schema does not have: typebox 1 knows no
// such kind in plain JSON Schema and lets any value through it. Only the callbacks of OptionsSchema have it,
// and the plugin checks its options itself (lib/schemas/check.ts).
test('typebox 1 lets any value through a callback option, where 0.34 wants a function', (t) => {
  t.assert.strictEqual(Value.Check(esm.OptionsSchema, { notFound: 1 }), false)
  t.assert.strictEqual(Value1.Check(esm.OptionsSchema, { notFound: 1 }), true)
  t.assert.strictEqual(passes6(esm.OptionsSchema, { notFound: 1 }), true)
})
