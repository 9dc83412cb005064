import { test } from 'node:test'
import Fastify from 'fastify'
import { readMatchingOptions } from '../dist/router-options.js'

const defaults = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  maxParamLength: 100,
  useSemicolonDelimiter: false,
  allowUnsafeRegex: false,
  constraints: {}
}

const read = (options) => readMatchingOptions(Fastify(options))

test('defaults', (t) => {
  t.assert.deepStrictEqual(read({}), defaults)
})

test('top-level options (deprecated but honoured by Fastify)', (t) => {
  t.assert.deepStrictEqual(read({ caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 5 }),
    { ...defaults, caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 5 })
})

test('routerOptions', (t) => {
  t.assert.deepStrictEqual(read({ routerOptions: { ignoreDuplicateSlashes: true, useSemicolonDelimiter: true, allowUnsafeRegex: true } }),
    { ...defaults, ignoreDuplicateSlashes: true, useSemicolonDelimiter: true, allowUnsafeRegex: true })
})

test('routerOptions wins over the top level, key by key', (t) => {
  t.assert.deepStrictEqual(read({ maxParamLength: 5, routerOptions: { maxParamLength: 7, caseSensitive: false }, ignoreTrailingSlash: true }),
    { ...defaults, maxParamLength: 7, caseSensitive: false, ignoreTrailingSlash: true })
})

test('constraint strategies are copied, from either place', (t) => {
  const strategy = { name: 'tenant', storage: () => new Map(), deriveConstraint: () => 'a', validate () {} }
  const fromRouter = read({ routerOptions: { constraints: { tenant: strategy } } }).constraints
  t.assert.deepStrictEqual(Object.keys(fromRouter), ['tenant'])
  t.assert.strictEqual(fromRouter.tenant.deriveConstraint, strategy.deriveConstraint)
  t.assert.deepStrictEqual(Object.keys(read({ constraints: { tenant: strategy } }).constraints), ['tenant'])
})
