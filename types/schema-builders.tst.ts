// lib/schemas/builders.ts stands in for TypeBox's `Type` when the exported schemas are built, and the plugin
// installs no TypeBox: each of its builders must give, under the `Static` of either TypeBox an app may have
// (@sinclair/typebox 0.34, typebox 1), the type that TypeBox's own builder gives for the same call, so that
// `Static<typeof X>` of every exported schema, and @fastify/type-provider-typebox's inference from it (5 and 6),
// stay TypeBox's. (test/plugin/typebox-schemas.test.js compares the values.)
import { expect, test } from 'tstyche'
import { Type as TypeBox034, type Static as Static034, type TSchema as TSchema034 } from '@sinclair/typebox'
import { Type as TypeBox1, type Static as Static1, type TSchema as TSchema1 } from 'typebox'
import { Type } from '../lib/schemas/builders.js'

/** The type each TypeBox infers from `schema`. */
declare function static034<T extends TSchema034> (schema: T): Static034<T>
declare function static1<T extends TSchema1> (schema: T): Static1<T>

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
  expect(static034(ours.boolean)).type.toBe(static034(theirs.boolean))
  expect(static034(ours.string)).type.toBe(static034(theirs.string))
  expect(static034(ours.integer)).type.toBe(static034(theirs.integer))
  expect(static034(ours.number)).type.toBe(static034(theirs.number))
  expect(static034(ours.false)).type.toBe(static034(theirs.false))
  expect(static034(ours.text)).type.toBe(static034(theirs.text))
  expect(static034(ours.unknown)).type.toBe(static034(theirs.unknown))
  expect(static034(ours.callback)).type.toBe(static034(theirs.callback))
  expect(static034(ours.list)).type.toBe(static034(theirs.list))
  expect(static034(ours.union)).type.toBe(static034(theirs.union))
  expect(static034(ours.record)).type.toBe(static034(theirs.record))
  expect(static034(ours.object)).type.toBe(static034(theirs.object))
})

test('under @sinclair/typebox 0.34, each is a TSchema, and composes in TypeBox\'s own builders', () => {
  for (const schema of Object.values(ours)) expect(schema).type.toBeAssignableTo<TSchema034>()
  const composed = TypeBox034.Object({ inner: ours.object, optional: TypeBox034.Optional(ours.union) })
  expect(static034(composed)).type.toBe<{
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
  expect(static1(ours.boolean)).type.toBe(static1(theirs.boolean))
  expect(static1(ours.string)).type.toBe(static1(theirs.string))
  expect(static1(ours.integer)).type.toBe(static1(theirs.integer))
  expect(static1(ours.number)).type.toBe(static1(theirs.number))
  expect(static1(ours.false)).type.toBe(static1(theirs.false))
  expect(static1(ours.text)).type.toBe(static1(theirs.text))
  expect(static1(ours.unknown)).type.toBe(static1(theirs.unknown))
  expect(static1(ours.callback)).type.toBe(static1(theirs.callback))
  expect(static1(ours.list)).type.toBe(static1(theirs.list))
  expect(static1(ours.union)).type.toBe(static1(theirs.union))
  expect(static1(ours.record)).type.toBe(static1(theirs.record))
  expect(static1(ours.object)).type.toBe(static1(theirs.object))
})

test('under typebox 1, each composes in TypeBox\'s own builders', () => {
  const composed = TypeBox1.Object({ inner: ours.object, optional: TypeBox1.Optional(ours.union) })
  expect(static1(composed)).type.toBe<{
    inner: { a?: string, b: 1, c: boolean[] }, optional?: string | false
  }>()
})
