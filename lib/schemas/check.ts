// Checks a value against a TypeBox object schema the way TypeBox's `Value.Errors()` does, for the keywords
// the registration options schema uses, so that validating the options needs no TypeBox at runtime
// (schemas/builders.ts says why). A kind it does not know throws rather than passing silently;
// test/unit/schema-check.test.js compares its verdicts with TypeBox's on generated options.
import { kindOf } from './builders.js'
import type { ArraySchema, IntegerSchema, LiteralSchema, LiteralValue, ObjectSchema, Schema, StringSchema, UnionSchema }
  from './types.js'

/**
 * The first property of `value` that `schema` rejects, in the order `Value.Errors()` reports them: a missing
 * required property, then an unknown one (under `additionalProperties: false`), then each declared property
 * in the schema's order. An optional property set to `undefined` counts as absent, as in TypeBox by default.
 * @returns the property's name, or undefined when `value` matches.
 */
export function firstInvalidProperty (schema: ObjectSchema, value: Record<string, unknown>): string | undefined {
  const required = schema.required ?? []
  const names = Object.getOwnPropertyNames(value)
  const missing = required.find(name => !names.includes(name))
  if (missing !== undefined) return missing
  if (schema.additionalProperties === false) {
    const unknown = names.find(name => !Object.hasOwn(schema.properties, name))
    if (unknown !== undefined) return unknown
  }
  return Object.keys(schema.properties).find(name => {
    const property = schema.properties[name] as Schema
    return (value[name] !== undefined || required.includes(name)) && !matches(property, value[name])
  })
}

function matches (schema: Schema, value: unknown): boolean {
  switch (kindOf(schema)) {
    case 'Boolean':
      return typeof value === 'boolean'
    case 'Function':
      return typeof value === 'function'
    case 'Literal':
      return value === (schema as LiteralSchema<LiteralValue>).const
    case 'String': {
      const { pattern } = schema as StringSchema
      return typeof value === 'string' && (pattern === undefined || new RegExp(pattern).test(value))
    }
    case 'Array': {
      const { items, minItems, uniqueItems } = schema as ArraySchema<Schema>
      return Array.isArray(value) &&
        (minItems === undefined || value.length >= minItems) &&
        value.every(item => matches(items, item)) &&
        // By identity, which for the primitive items the schema admits is by value, as TypeBox's hash compares.
        (uniqueItems !== true || new Set(value).size === value.length)
    }
    case 'Union':
      return (schema as UnionSchema<Schema[]>).anyOf.some(variant => matches(variant, value))
    case 'Integer': {
      const { minimum } = schema as IntegerSchema
      return Number.isSafeInteger(value) && (minimum === undefined || (value as number) >= minimum)
    }
    default:
      throw new Error(`fastify-allowed-methods: no check for the TypeBox kind ${String(kindOf(schema))}`)
  }
}
