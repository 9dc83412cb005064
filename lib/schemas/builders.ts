// The TypeBox builders the plugin's exported schemas use, without TypeBox: a TypeBox schema is plain data
// (JSON Schema plus TypeBox's registered symbols), while loading TypeBox costs an app's startup about as much
// as loading Fastify (bench/import-time.js), and installing it costs every app that has no use for it. Each
// builder returns what @sinclair/typebox 0.34's builder of the same name returns in its default instance mode,
// so that `Value.Check()` and @fastify/type-provider-typebox cannot tell them apart, under a type that either
// TypeBox reads (schemas/types.ts): test/plugin/typebox-schemas.test.js compares every exported schema with
// the one TypeBox builds, types/schema-builders.tst.ts the types. Only the forms the schemas use are here.
import type {
  ArrayOptions, ArraySchema, BooleanSchema, FunctionSchema, IntegerOptions, IntegerSchema, LiteralSchema,
  LiteralValue, ObjectOptions, ObjectSchema, OptionalSchema, Properties, RecordSchema, Schema, SchemaOptions,
  StringOptions, StringSchema, UnionSchema, UnknownSchema
} from './types.js'

// Registered symbols (`Symbol.for`): the very ones every copy of TypeBox 0.34 reads.
const Kind = Symbol.for('TypeBox.Kind')
const OptionalKind = Symbol.for('TypeBox.Optional')

/** What `schema` holds under one of TypeBox's symbols, which its type does not name. */
const mark = (schema: Schema, symbol: symbol): unknown => Reflect.get(schema, symbol)

/** The TypeBox kind of `schema`, such as `'Object'`. */
export const kindOf = (schema: Schema): unknown => mark(schema, Kind)

/** TypeBox's `CreateType`: the options first, then the schema's own keywords (the key order of its JSON). */
function create<T extends Schema> (schema: object, options?: SchemaOptions): T {
  return (options === undefined ? schema : { ...options, ...schema }) as T
}

/** TypeBox's `Record` key pattern for a plain `String()` key: any property name. */
const ANY_KEY = '^(.*)$'

export const Type = {
  Object<T extends Properties> (properties: T, options?: ObjectOptions): ObjectSchema<T> {
    const required = Object.keys(properties).filter(key => mark(properties[key] as Schema, OptionalKind) !== 'Optional')
    return create(required.length > 0
      ? { [Kind]: 'Object', type: 'object', required, properties }
      : { [Kind]: 'Object', type: 'object', properties }, options)
  },
  Optional<T extends Schema> (schema: T): OptionalSchema<T> {
    return create({ ...schema, [OptionalKind]: 'Optional' })
  },
  Boolean (): BooleanSchema {
    return create({ [Kind]: 'Boolean', type: 'boolean' })
  },
  Integer (options?: IntegerOptions): IntegerSchema {
    return create({ [Kind]: 'Integer', type: 'integer' }, options)
  },
  String (options?: StringOptions): StringSchema {
    return create({ [Kind]: 'String', type: 'string' }, options)
  },
  Literal<T extends LiteralValue> (value: T): LiteralSchema<T> {
    return create({ [Kind]: 'Literal', const: value, type: typeof value })
  },
  Unknown (options?: SchemaOptions): UnknownSchema {
    return create({ [Kind]: 'Unknown' }, options)
  },
  Function<T extends Schema[], U extends Schema> (parameters: [...T], returns: U): FunctionSchema<T, U> {
    return create({ [Kind]: 'Function', type: 'Function', parameters, returns })
  },
  Array<T extends Schema> (items: T, options?: ArrayOptions): ArraySchema<T> {
    return create({ [Kind]: 'Array', type: 'array', items }, options)
  },
  /** Of two schemas or more (TypeBox returns the schema itself for one). */
  Union<T extends [Schema, Schema, ...Schema[]]> (types: [...T]): UnionSchema<T> {
    return create({ [Kind]: 'Union', anyOf: types })
  },
  /** Keyed by a `String()`, the one key kind the schemas use. */
  Record<T extends Schema> (key: StringSchema, value: T): RecordSchema<T> {
    return create({ [Kind]: 'Record', type: 'object', patternProperties: { [key.pattern ?? ANY_KEY]: value } })
  }
}
