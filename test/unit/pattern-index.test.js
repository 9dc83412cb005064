import { test } from 'node:test'
import { createRequire } from 'node:module'
import { PatternIndex } from '../../dist/lookup/pattern-index.js'

const require = createRequire(import.meta.url)
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const matching = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  maxParamLength: 100,
  useSemicolonDelimiter: false,
  allowUnsafeRegex: false
}

test('the index finds the best pattern of a URL, and what is stored with it', (t) => {
  const index = new PatternIndex(FindMyWay, matching)
  t.assert.strictEqual(index.add('/users/:id', 'param'), false)
  t.assert.strictEqual(index.add('/users/me', 'static'), false)
  t.assert.strictEqual(index.find('/users/me?x=1'), 'static')
  t.assert.strictEqual(index.find('/users/7'), 'param')
  t.assert.strictEqual(index.find('/orders/7'), null)
})

test('regex variants of one pattern go into overflow trees, asked after a miss', (t) => {
  const index = new PatternIndex(FindMyWay, matching)
  t.assert.strictEqual(index.add('/o/:id(^\\d+$)', 'digits'), false)
  t.assert.strictEqual(index.add('/o/:slug(^[a-z]+$)', 'letters'), true)
  t.assert.strictEqual(index.find('/o/12'), 'digits')
  t.assert.strictEqual(index.find('/o/ab'), 'letters')
  t.assert.strictEqual(index.find('/o/A1'), null)
})

test('more regex variants of one pattern than find-my-way has methods: a clear error', (t) => {
  const index = new PatternIndex(FindMyWay, matching)
  for (let i = 0; i < 35; i++) index.add(`/o/:n(^${i}$)`, i)
  t.assert.throws(() => index.add('/o/:n(^35$)', 35), {
    message: new RegExp('fastify-allowed-methods: cannot index the pattern /o/:n\\(\\^35\\$\\): ' +
      'it has more regex variants than find-my-way has methods')
  })
})
