import { test } from 'node:test'
import { createRequire } from 'node:module'
import { findMyWayOf, findRoutePath, patternVariants } from '../../dist/internals/find-my-way.js'

const FindMyWay = createRequire(createRequire(import.meta.url).resolve('fastify'))('find-my-way')

const matching = {
  caseSensitive: false,
  ignoreTrailingSlash: true,
  ignoreDuplicateSlashes: true,
  maxParamLength: 100,
  useSemicolonDelimiter: false,
  allowUnsafeRegex: false
}

test('patternVariants: an optional last parameter makes two patterns, each normalised', (t) => {
  t.assert.deepStrictEqual(patternVariants('/A//:id?', matching).map(({ normalised, key }) => [normalised, key]),
    [['/A/:id', '/a/:'], ['/A', '/a']])
  t.assert.deepStrictEqual(patternVariants('*', matching).map(variant => variant.normalised), ['/*'])
})

test('patternVariants: a regex stays whole in the key, and an unclosed one runs to the end', (t) => {
  t.assert.strictEqual(patternVariants('/F/:n(^\\d+$)', matching)[0].key, '/f/:(^\\d+$)')
  t.assert.strictEqual(patternVariants('/F/:n(^\\d+', matching)[0].key, '/f/:(^\\d+')
})

test('findRoutePath: a find-my-way whose findRoute() normalises again is given patterns as written', (t) => {
  // find-my-way >= 9.10.2 behaves so (the compat run installs it): a stand-in that finds every pattern.
  const normalisesAgain = () => ({ on () {}, findRoute: () => ({ store: null }) })
  const path = findRoutePath(normalisesAgain)
  t.assert.strictEqual(path({ path: '/a//', normalised: '/a/' }), '/a//')
  t.assert.strictEqual(path({ path: '*', normalised: '/*' }), '/*')
  // And one that does not: the stored, normalised pattern.
  const comparesStored = () => ({ on () {}, findRoute: () => null })
  t.assert.strictEqual(findRoutePath(comparesStored)({ path: '/a//', normalised: '/a/' }), '/a/')
})

test('findMyWayOf: the router factory a router is made by, when it makes routers like it', (t) => {
  t.assert.strictEqual(findMyWayOf(FindMyWay()), FindMyWay)
  class NeedsNew { find () {} }
  function MakesOthers () { return {} }
  MakesOthers.prototype.find = () => null
  const notRouters = [{}, Object.create(null), Object.create({ constructor: 1, find () {} }), new NeedsNew(),
    Object.create(MakesOthers.prototype)]
  for (const notARouter of notRouters) {
    t.assert.strictEqual(findMyWayOf(notARouter), undefined)
  }
})
