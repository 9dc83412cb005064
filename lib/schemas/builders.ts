// The TypeBox builders the plugin's exported schemas use, without loading TypeBox: a TypeBox schema is
// plain data (JSON Schema plus TypeBox's registered symbols), while loading TypeBox costs an app's startup
// about as much as loading Fastify (bench/import-time.js). Each builder returns what TypeBox's builder of the
// same name returns in its default instance mode, under TypeBox's own type, so that `Static<>`,
// `Value.Check()` and @fastify/type-provider-typebox cannot tell them apart: test/plugin/typebox-schemas.test.js
// compares every exported schema with the one TypeBox builds, types/schema-builders.tst.ts the types. Only
// the forms the schemas use are here.
import type {
  Kind as TypeBoxKind, OptionalKind as TypeBoxOptionalKind, ArrayOptions, IntegerOptions, ObjectOptions,
  SchemaOptions, StringOptions, TArray, TBoolean, TFunction, TInteger, TLiteral, TLiteralValue, TObject, TOptional,
  TProperties, TRecord, TSchema, TString, TUnion, TUnknown
} from '@sinclair/typebox'

// Registered symbols (`Symbol.for`): the very ones every copy of TypeBox reads.
export const Kind: typeof TypeBoxKind = Symbol.for('TypeBox.Kind') as typeof TypeBoxKind
const OptionalKind: typeof TypeBoxOptionalKind = Symbol.for('TypeBox.Optional') as typeof TypeBoxOptionalKind

/** TypeBox's `CreateType`: the options first, then the schema's own keywords (the key order of its JSON). */
function create<T extends TSchema> (schema: object, options?: SchemaOptions): T {
  return (options === undefined ? schema : { ...options, ...schema }) as T
}

/** TypeBox's `Record` key pattern for a plain `String()` key: any property name. */
const ANY_KEY = '^(.*)$'

export const Type = {
  Object<T extends TProperties> (properties: T, options?: ObjectOptions): TObject<T> {
    const required = Object.keys(properties).filter(key => properties[key]?.[OptionalKind] !== 'Optional')
    return create(required.length > 0
      ? { [Kind]: 'Object', type: 'object', required, properties }
      : { [Kind]: 'Object', type: 'object', properties }, options)
  },
  Optional<T extends TSchema> (schema: T): TOptional<T> {
    return create({ ...schema, [OptionalKind]: 'Optional' })
  },
  Boolean (): TBoolean {
    return create({ [Kind]: 'Boolean', type: 'boolean' })
  },
  Integer (options?: IntegerOptions): TInteger {
    return create({ [Kind]: 'Integer', type: 'integer' }, options)
  },
  String (options?: StringOptions): TString {
    return create({ [Kind]: 'String', type: 'string' }, options)
  },
  Literal<T extends TLiteralValue> (value: T): TLiteral<T> {
    return create({ [Kind]: 'Literal', const: value, type: typeof value })
  },
  Unknown (options?: SchemaOptions): TUnknown {
    return create({ [Kind]: 'Unknown' }, options)
  },
  Function<T extends TSchema[], U extends TSchema> (parameters: [...T], returns: U): TFunction<T, U> {
    return create({ [Kind]: 'Function', type: 'Function', parameters, returns })
  },
  Array<T extends TSchema> (items: T, options?: ArrayOptions): TArray<T> {
    return create({ [Kind]: 'Array', type: 'array', items }, options)
  },
  /** Of two schemas or more (TypeBox returns the schema itself for one). */
  Union<T extends [TSchema, TSchema, ...TSchema[]]> (types: [...T]): TUnion<T> {
    return create({ [Kind]: 'Union', anyOf: types })
  },
  /** Keyed by a `String()`, the one key kind the schemas use. */
  Record<T extends TSchema> (key: TString, value: T): TRecord<TString, T> {
    return create({ [Kind]: 'Record', type: 'object', patternProperties: { [key.pattern ?? ANY_KEY]: value } })
  }
}
