// The registration options are checked without TypeBox (lib/schemas/check.ts), yet must get TypeBox's
// verdict: the same first offending property as `Value.Errors().First()`, whose name the TypeError carries.
// TypeBox is the oracle here, on generated objects mixing valid, invalid, unknown and missing properties.
import { test } from 'node:test'
import fc from 'fast-check'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { firstInvalidProperty } from '../../dist/schemas/check.js'
import { OptionsSchema, MethodNotAllowedSchema } from '../../dist/index.js'

const SEED = 20261126
const RUNS = 5000

/** The property a JSON Pointer's first segment names (RFC 6901: `~1` is `/`, `~0` is `~`). */
const propertyOf = (pointer) => pointer.split('/')[1].replaceAll('~1', '/').replaceAll('~0', '~')

function typeBoxVerdict (schema, value) {
  const error = Value.Errors(schema, value).First()
  return error === undefined ? undefined : propertyOf(error.path)
}

// Characters on both sides of the schemas' patterns (header values, header names, method names).
const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '_', '$', '1', '-', ' ', '~', '/', '\r', '\u00e9'), maxLength: 4
})
const anyValue = fc.oneof(
  fc.boolean(), fc.constant(undefined), fc.constant(null), fc.integer(), text,
  fc.constant(() => {}), fc.constant({}), fc.array(fc.constantFrom('accept', 'x-role', 'a b', 1), { maxLength: 3 }),
  fc.constantFrom(405, 'FST_ERR_METHOD_NOT_ALLOWED', 'Method Not Allowed', 200, 204, '204')
)
// Mostly declared properties, so that an error is often the only one and decides the verdict alone.
const objectFor = (schema) => fc.array(
  fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...Object.keys(schema.properties)), weight: 5 },
    { arbitrary: text, weight: 1 }), anyValue),
  { maxLength: 4 }
).map(entries => Object.fromEntries(entries))

for (const [name, schema] of Object.entries({ OptionsSchema, MethodNotAllowedSchema })) {
  test(`the first invalid property is TypeBox's, on ${name} (seed ${SEED}, ${RUNS} objects)`, (t) => {
    fc.assert(fc.property(objectFor(schema), (value) => {
      t.assert.strictEqual(firstInvalidProperty(schema, value), typeBoxVerdict(schema, value))
    }), { seed: SEED, numRuns: RUNS })
  })
}

test('cases worth naming: unknown before invalid, undefined as absent, duplicates, ' +
  'a missing required property', (t) => {
  const cases = [
    [OptionsSchema, { autoOptions: 'x', nope: 1 }, 'nope'],
    [OptionsSchema, { autoOptions: undefined, vary: ['a'] }, undefined],
    [OptionsSchema, { vary: ['accept', 'accept'] }, 'vary'],
    [OptionsSchema, { vary: [] }, 'vary'],
    [OptionsSchema, { replyDecorator: false, cacheControl: 'no-store' }, undefined],
    [OptionsSchema, { 'a/b': true }, 'a/b'],
    [MethodNotAllowedSchema, { statusCode: 405, code: 'FST_ERR_METHOD_NOT_ALLOWED', error: 'Method Not Allowed' },
      'message']
  ]
  for (const [schema, value, verdict] of cases) {
    t.assert.strictEqual(firstInvalidProperty(schema, value), verdict, JSON.stringify(value))
    t.assert.strictEqual(typeBoxVerdict(schema, value), verdict, JSON.stringify(value))
  }
})

test('a kind it has no check for throws instead of passing', (t) => {
  t.assert.throws(() => firstInvalidProperty(Type.Object({ n: Type.Number() }), { n: 1 }),
    /no check for the TypeBox kind Number/)
})
