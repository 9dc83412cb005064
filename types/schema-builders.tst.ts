// lib/schemas/builders.ts stands in for TypeBox's `Type` when the exported schemas are built: each of its
// builders must give the type TypeBox's gives for the same call, so that `Static<typeof X>` of every exported
// schema, and @fastify/type-provider-typebox's inference from it, stay TypeBox's.
// (test/plugin/typebox-schemas.test.js compares the values.)
import { expect, test } from 'tstyche'
import { Type as TypeBox } from '@sinclair/typebox'
import { Type } from '../lib/schemas/builders.js'

test('each builder has the type of TypeBox\'s', () => {
  expect(Type.Boolean()).type.toBe(TypeBox.Boolean())
  expect(Type.String({ pattern: '^a$' })).type.toBe(TypeBox.String({ pattern: '^a$' }))
  expect(Type.Literal(405)).type.toBe(TypeBox.Literal(405))
  expect(Type.Literal(false)).type.toBe(TypeBox.Literal(false))
  expect(Type.Literal('x')).type.toBe(TypeBox.Literal('x'))
  expect(Type.Unknown({ description: 'any' })).type.toBe(TypeBox.Unknown({ description: 'any' }))
  expect(Type.Function([], Type.Unknown())).type.toBe(TypeBox.Function([], TypeBox.Unknown()))
  expect(Type.Array(Type.String(), { minItems: 1 })).type.toBe(TypeBox.Array(TypeBox.String(), { minItems: 1 }))
  expect(Type.Union([Type.String(), Type.Literal(false)]))
    .type.toBe(TypeBox.Union([TypeBox.String(), TypeBox.Literal(false)]))
  expect(Type.Record(Type.String(), Type.Unknown())).type.toBe(TypeBox.Record(TypeBox.String(), TypeBox.Unknown()))
  expect(Type.Optional(Type.Boolean())).type.toBe(TypeBox.Optional(TypeBox.Boolean()))
  expect(Type.Object({ a: Type.Optional(Type.String()), b: Type.Literal(1) }, { additionalProperties: false }))
    .type.toBe(TypeBox.Object({ a: TypeBox.Optional(TypeBox.String()), b: TypeBox.Literal(1) },
      { additionalProperties: false }))
})
