// Checks a value against a TypeBox object schema the way TypeBox's `Value.Errors()` does, for the keywords
// the registration options schema uses, so that validating the options needs no TypeBox at runtime
// (schemas/builders.ts says why). A kind it does not know throws rather than passing silently;
// test/unit/schema-check.test.js compares its verdicts with TypeBox's on generated options.
import type { TArray, TInteger, TLiteral, TObject, TSchema, TString, TUnion } from '@sinclair/typebox'
import { Kind } from './builders.js'

/**
 * The first property of `value` that `schema` rejects, in the order `Value.Errors()` reports them: a missing
 * required property, then an unknown one (under `additionalProperties: false`), then each declared property
 * in the schema's order. An optional property set to `undefined` counts as absent, as in TypeBox by default.
 * @returns the property's name, or undefined when `value` matches.
 */
export function firstInvalidProperty (schema: TObject, value: Record<string, unknown>): string | undefined {
  const required = schema.required ?? []
  const names = Object.getOwnPropertyNames(value)
  const missing = required.find(name => !names.includes(name))
  if (missing !== undefined) return missing
  if (schema.additionalProperties === false) {
    const unknown = names.find(name => !Object.hasOwn(schema.properties, name))
    if (unknown !== undefined) return unknown
  }
  return Object.keys(schema.properties).find(name => {
    const property = schema.properties[name] as TSchema
    return (value[name] !== undefined || required.includes(name)) && !matches(property, value[name])
  })
}

function matches (schema: TSchema, value: unknown): boolean {
  switch (schema[Kind]) {
    case 'Boolean':
      return typeof value === 'boolean'
    case 'Function':
      return typeof value === 'function'
    case 'Literal':
      return value === (schema as TLiteral).const
    case 'String': {
      const { pattern } = schema as TString
      return typeof value === 'string' && (pattern === undefined || new RegExp(pattern).test(value))
    }
    case 'Array': {
      const { items, minItems, uniqueItems } = schema as TArray
      return Array.isArray(value) &&
        (minItems === undefined || value.length >= minItems) &&
        value.every(item => matches(items, item)) &&
        // By identity, which for the primitive items the schema admits is by value, as TypeBox's hash compares.
        (uniqueItems !== true || new Set(value).size === value.length)
    }
    case 'Union':
      return (schema as TUnion).anyOf.some(variant => matches(variant, value))
    case 'Integer': {
      const { minimum } = schema as TInteger
      return Number.isSafeInteger(value) && (minimum === undefined || (value as number) >= minimum)
    }
    default:
      throw new Error(`fastify-allowed-methods: no check for the TypeBox kind ${String(schema[Kind])}`)
  }
}
