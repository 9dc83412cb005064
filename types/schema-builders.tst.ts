// lib/schemas/builders.ts stands in for TypeBox's `Type` when the exported schemas are built, and the plugin
// installs no TypeBox: each of its builders must give, under the `Static` of either TypeBox an app may have
// (@sinclair/typebox 0.34, typebox 1), the type that TypeBox's own builder gives for the same call, so that
// `Static<typeof X>` of every exported schema, and @fastify/type-provider-typebox's inference from it (5 and 6),
// stay TypeBox's. (test/plugin/typebox-schemas.test.js compares the values.)
import { expect, test } from 'tstyche'
import { Type as TypeBox034, type Static as Static034, type TSchema as TSchema034 } from '@sinclair/typebox'
import { Type as TypeBox1, type Static as Static1 } from 'typebox'
import { Type } from '../lib/schemas/builders.js'

const ours = {
  boolean: Type.Boolean(),
  string: Type.String({ pattern: '^a$' }),
  integer: Type.Integer({ minimum: 0 }),
  number: Type.Literal(405),
  false: Type.Literal(false),
  text: Type.Literal('x'),
  unknown: Type.Unknown({ description: 'any' }),
  callback: Type.Function([], Type.Unknown()),
  list: Type.Array(Type.String(), { minItems: 1 }),
  union: Type.Union([Type.String(), Type.Literal(false)]),
  record: Type.Record(Type.String(), Type.Unknown()),
  object: Type.Object({ a: Type.Optional(Type.String()), b: Type.Literal(1), c: Type.Array(Type.Boolean()) },
    { additionalProperties: false })
}

test('under @sinclair/typebox 0.34, each builder gives the static type of TypeBox\'s', () => {
  const theirs = {
    boolean: TypeBox034.Boolean(),
    string: TypeBox034.String({ pattern: '^a$' }),
    integer: TypeBox034.Integer({ minimum: 0 }),
    number: TypeBox034.Literal(405),
    false: TypeBox034.Literal(false),
    text: TypeBox034.Literal('x'),
    unknown: TypeBox034.Unknown({ description: 'any' }),
    callback: TypeBox034.Function([], TypeBox034.Unknown()),
    list: TypeBox034.Array(TypeBox034.String(), { minItems: 1 }),
    union: TypeBox034.Union([TypeBox034.String(), TypeBox034.Literal(false)]),
    record: TypeBox034.Record(TypeBox034.String(), TypeBox034.Unknown()),
    object: TypeBox034.Object({
      a: TypeBox034.Optional(TypeBox034.String()), b: TypeBox034.Literal(1), c: TypeBox034.Array(TypeBox034.Boolean())
    }, { additionalProperties: false })
  }
  expect<Static034<typeof ours.boolean>>().type.toBe<Static034<typeof theirs.boolean>>()
  expect<Static034<typeof ours.string>>().type.toBe<Static034<typeof theirs.string>>()
  expect<Static034<typeof ours.integer>>().type.toBe<Static034<typeof theirs.integer>>()
  expect<Static034<typeof ours.number>>().type.toBe<Static034<typeof theirs.number>>()
  expect<Static034<typeof ours.false>>().type.toBe<Static034<typeof theirs.false>>()
  expect<Static034<typeof ours.text>>().type.toBe<Static034<typeof theirs.text>>()
  expect<Static034<typeof ours.unknown>>().type.toBe<Static034<typeof theirs.unknown>>()
  expect<Static034<typeof ours.callback>>().type.toBe<Static034<typeof theirs.callback>>()
  expect<Static034<typeof ours.list>>().type.toBe<Static034<typeof theirs.list>>()
  expect<Static034<typeof ours.union>>().type.toBe<Static034<typeof theirs.union>>()
  expect<Static034<typeof ours.record>>().type.toBe<Static034<typeof theirs.record>>()
  expect<Static034<typeof ours.object>>().type.toBe<Static034<typeof theirs.object>>()
})

test('under @sinclair/typebox 0.34, each is a TSchema, and composes in TypeBox\'s own builders', () => {
  for (const schema of Object.values(ours)) expect(schema).type.toBeAssignableTo<TSchema034>()
  const composed = TypeBox034.Object({ inner: ours.object, optional: TypeBox034.Optional(ours.union) })
  expect<Static034<typeof composed>>().type.toBe<{
    inner: { a?: string, b: 1, c: boolean[] }, optional?: string | false
  }>()
})

test('under typebox 1, each builder gives the static type of TypeBox\'s', () => {
  const theirs = {
    boolean: TypeBox1.Boolean(),
    string: TypeBox1.String({ pattern: '^a$' }),
    integer: TypeBox1.Integer({ minimum: 0 }),
    number: TypeBox1.Literal(405),
    false: TypeBox1.Literal(false),
    text: TypeBox1.Literal('x'),
    unknown: TypeBox1.Unknown({ description: 'any' }),
    callback: TypeBox1.Function([], TypeBox1.Unknown()),
    list: TypeBox1.Array(TypeBox1.String(), { minItems: 1 }),
    union: TypeBox1.Union([TypeBox1.String(), TypeBox1.Literal(false)]),
    record: TypeBox1.Record(TypeBox1.String(), TypeBox1.Unknown()),
    object: TypeBox1.Object({
      a: TypeBox1.Optional(TypeBox1.String()), b: TypeBox1.Literal(1), c: TypeBox1.Array(TypeBox1.Boolean())
    }, { additionalProperties: false })
  }
  expect<Static1<typeof ours.boolean>>().type.toBe<Static1<typeof theirs.boolean>>()
  expect<Static1<typeof ours.string>>().type.toBe<Static1<typeof theirs.string>>()
  expect<Static1<typeof ours.integer>>().type.toBe<Static1<typeof theirs.integer>>()
  expect<Static1<typeof ours.number>>().type.toBe<Static1<typeof theirs.number>>()
  expect<Static1<typeof ours.false>>().type.toBe<Static1<typeof theirs.false>>()
  expect<Static1<typeof ours.text>>().type.toBe<Static1<typeof theirs.text>>()
  expect<Static1<typeof ours.unknown>>().type.toBe<Static1<typeof theirs.unknown>>()
  expect<Static1<typeof ours.callback>>().type.toBe<Static1<typeof theirs.callback>>()
  expect<Static1<typeof ours.list>>().type.toBe<Static1<typeof theirs.list>>()
  expect<Static1<typeof ours.union>>().type.toBe<Static1<typeof theirs.union>>()
  expect<Static1<typeof ours.record>>().type.toBe<Static1<typeof theirs.record>>()
  expect<Static1<typeof ours.object>>().type.toBe<Static1<typeof theirs.object>>()
})

test('under typebox 1, each composes in TypeBox\'s own builders', () => {
  const composed = TypeBox1.Object({ inner: ours.object, optional: TypeBox1.Optional(ours.union) })
  expect<Static1<typeof composed>>().type.toBe<{
    inner: { a?: string, b: 1, c: boolean[] }, optional?: string | false
  }>()
})
