import { test } from 'node:test'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { DEFAULT_MATCHING as matching } from '../support/matching.js'
import { PatternIndex } from '../../dist/lookup/pattern-index.js'

const require = createRequire(import.meta.url)
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')

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

// Patterns whose nodes take every shape find-my-way gives them: one-char, short and long (16 chars and more)
// static prefixes, parameters with and without a regex, several in one segment, wildcards.
const SHAPES = [
  '/', '/a', '/ab', '/abc/:id', '/abc/:id/d', '/abcdefghijklmnopqrstu/:x', '/abcdefghijklmnopqrstuvwxyz/y',
  '/files/*', '/files/raw/:name', '/o/:id(^\\d+$)', '/o/:slug(^[a-z]+$)', '/o/:from-:to', '/o/:a.:b/tail',
  '/Case/Sensitive', '/users/:id/posts/:post/comments', '/users/me', '/users/me/settings', '/*'
]

/** URLs that stop, fail or turn at every char of the pattern: each prefix, each char swapped, a param's value. */
function probesOf (pattern) {
  const url = pattern
    .replace(/:\w+(\([^)]*\))?/g, (_, regex) => regex?.includes('\\d') ? '12' : 'v')
    .replace('*', 'w/x')
  const probes = [url, url + '/', url.toUpperCase(), url + '?q=1']
  for (let i = 1; i <= url.length; i++) {
    probes.push(url.slice(0, i), url.slice(0, i - 1) + '~' + url.slice(i))
  }
  return probes
}

function indexes (patterns, options) {
  const [open, sealed] = [new PatternIndex(FindMyWay, options), new PatternIndex(FindMyWay, options)]
  patterns.forEach((pattern, id) => { open.add(pattern, { id }); sealed.add(pattern, { id }) })
  sealed.seal()
  return { open, sealed }
}

test('a sealed index, which drops what find-my-way keeps for adding routes, finds what it found before', async (t) => {
  const { routeTable } = await import('../../bench/routes.js')
  const tables = {
    shapes: SHAPES,
    github: [...new Set(routeTable('github').map(({ url }) => url))],
    kubernetes: [...new Set(routeTable('kubernetes').map(({ url }) => url))]
  }
  const variants = [
    matching,
    { ...matching, caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true }
  ]
  for (const [name, patterns] of Object.entries(tables)) {
    for (const options of variants) {
      const { open, sealed } = indexes(patterns, options)
      let hits = 0
      for (const url of patterns.flatMap(probesOf)) {
        const expected = open.find(url)?.id ?? null
        t.assert.strictEqual(sealed.find(url)?.id ?? null, expected, `${name}: ${url}`)
        if (expected !== null) hits++
      }
      t.assert.ok(hits > patterns.length / 2, `${name}: the probes hit patterns (${hits})`)
    }
  }
})

test('a sealed index takes no more patterns', (t) => {
  const { sealed } = indexes(['/a/:id'], matching)
  t.assert.throws(() => sealed.add('/b', { id: 1 }), {
    message: 'fastify-allowed-methods: the pattern index is sealed'
  })
  t.assert.deepStrictEqual(sealed.find('/a/1'), { id: 0 })
})

test('an index on find-my-way before 9.10, whose tree has a class per node kind, is left as built when sealed', (t) => {
  const OlderFindMyWay = require('find-my-way-9-9')
  const [open, sealed] = [new PatternIndex(OlderFindMyWay, matching), new PatternIndex(OlderFindMyWay, matching)]
  SHAPES.forEach((pattern, id) => { open.add(pattern, { id }); sealed.add(pattern, { id }) })
  sealed.seal()
  for (const url of SHAPES.flatMap(probesOf)) {
    t.assert.strictEqual(sealed.find(url)?.id ?? null, open.find(url)?.id ?? null, url)
  }
})

test('sealing makes the index a quarter lighter or more (GitHub\'s table, Fastify\'s find-my-way)', async (t) => {
  const probe = fileURLToPath(new URL('../support/index-heap-probe.js', import.meta.url))
  const heapOf = async (side) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe, side], { timeout: 60_000 })
    return JSON.parse(stdout)
  }
  const [open, sealed] = [await heapOf('open'), await heapOf('sealed')]
  t.assert.ok(open.found && sealed.found)
  t.assert.ok(sealed.bytes < open.bytes * 0.75, `sealed ${sealed.bytes} bytes, open ${open.bytes}`)
})
