// The types of the schemas the builders make. The plugin depends on no TypeBox, yet an app's TypeBox, either
// one, must read them as it reads its own:
// - @sinclair/typebox 0.34: `Static<T>` is `T['static']`, and `TSchema` (what @fastify/type-provider-typebox 5
//   infers from) needs `[Kind]: string`, `Kind` being a `unique symbol` only its declarations can name. The key
//   is taken from them when the app has them (an optional peer), and is none when it has not.
// - typebox 1: `Static<T>` reads its own kinds under `'~kind'`, which the schemas do not carry at runtime
//   (its `Value` sees plain JSON Schema in them), and types anything else from `'~unsafe'`, as it types
//   `Type.Unsafe<T>()`.
// So each schema carries its static type precomputed, under both keys; types/schema-builders.tst.ts compares
// it with what each TypeBox infers from the same definition.

/** `T`, or no key at all for the `any` of a module the app does not have. */
type Present<T> = 0 extends 1 & T ? never : T

// A single-line JSDoc, the one comment form that declaration emit keeps and that TypeScript reads as a
// directive, so that the .d.ts of an app without @sinclair/typebox compiles under `skipLibCheck: false`.
/** @ts-ignore: @sinclair/typebox is an optional peer; without it, this is `any` and its keys below are none. */
type TypeBox034 = typeof import('@sinclair/typebox')

/** TypeBox 0.34's name for the kind of a schema, under its `Kind` symbol. */
type Kind034<Name extends string> = { [Key in Present<TypeBox034['Kind']>]: Name }

/** TypeBox 0.34's mark of an optional property, under its `OptionalKind` symbol. */
type Optional034 = { [Key in Present<TypeBox034['OptionalKind']>]: 'Optional' }

// Type literals rather than interfaces: a type literal is assignable to an index signature such as JSON
// Schema's `{ [keyword: string]: unknown }`, without declaring one, which would make every key a known one
// (typebox 1's `Optional()` would take the schema for one already optional).

/** What every schema carries at the type level only: the values it admits. */
export type Typed<Static> = {
  /** Read by TypeBox 0.34's `Static`. */
  static: Static
  /** TypeBox 0.34's `TSchema` has it; `Static` passes no parameters to these schemas. */
  params: unknown[]
  /** Read by typebox 1's `Static`, for a schema of no kind of its own. */
  '~unsafe': Static
}

export type SchemaOptions = { $id?: string, title?: string, description?: string }
export type ObjectOptions = SchemaOptions & { additionalProperties?: boolean }
export type StringOptions = SchemaOptions & { pattern?: string }
export type IntegerOptions = SchemaOptions & { minimum?: number }
export type ArrayOptions = SchemaOptions & { minItems?: number, uniqueItems?: boolean }

/** A schema of TypeBox's kind `Name`, with its JSON Schema keywords and the values it admits. */
export type Schema<Name extends string = string, Keywords = unknown, Static = unknown> =
  Typed<Static> & SchemaOptions & Keywords & Kind034<Name>

/** The values `schema` admits. */
export type StaticOf<T extends Schema> = T['static']

/** A property that may be absent: `'~optional'` is typebox 1's mark, the other TypeBox 0.34's. */
export type OptionalSchema<T extends Schema> = T & { '~optional': true } & Optional034

export type Properties = Record<string, Schema>

type OptionalKeys<P extends Properties> = { [K in keyof P]: P[K] extends { '~optional': true } ? K : never }[keyof P]

/** One object type, as TypeBox shows it, rather than an intersection. */
type Evaluate<T> = { [K in keyof T]: T[K] } & {}

export type ObjectStatic<P extends Properties> = Evaluate<
  { [K in Exclude<keyof P, OptionalKeys<P>>]: StaticOf<P[K]> } & { [K in OptionalKeys<P>]?: StaticOf<P[K]> }
>

type StaticTuple<T extends Schema[]> = { [I in keyof T]: StaticOf<T[I]> }

export type BooleanSchema = Schema<'Boolean', { type: 'boolean' }, boolean>
export type IntegerSchema = Schema<'Integer', { type: 'integer' } & IntegerOptions, number>
export type StringSchema = Schema<'String', { type: 'string' } & StringOptions, string>
export type UnknownSchema = Schema<'Unknown', unknown, unknown>
export type LiteralValue = string | number | boolean
export type LiteralSchema<V extends LiteralValue> = Schema<'Literal', { const: V, type: string }, V>
export type ArraySchema<T extends Schema> =
  Schema<'Array', { type: 'array', items: T } & ArrayOptions, Array<StaticOf<T>>>
export type UnionSchema<T extends Schema[]> = Schema<'Union', { anyOf: T }, StaticOf<T[number]>>
export type FunctionSchema<P extends Schema[], R extends Schema> = Schema<'Function',
  { type: 'Function', parameters: P, returns: R }, (...parameters: StaticTuple<P>) => StaticOf<R>>
export type RecordSchema<V extends Schema> = Schema<'Record',
  { type: 'object', patternProperties: Record<string, V> }, { [key: string]: StaticOf<V> }>
export type ObjectSchema<P extends Properties = Properties> = Schema<'Object',
  { type: 'object', properties: P, required?: string[] } & ObjectOptions, ObjectStatic<P>>
