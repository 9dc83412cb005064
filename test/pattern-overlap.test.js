import { test } from 'node:test'
import { findOverlappingOwners, parsePattern } from '../dist/pattern-overlap.js'

// Owners whose patterns can share a path. Conservative by design: "overlapping" may be said of patterns
// that never share a path (a cost in speed only), never the reverse (a wrong Allow header).
const overlapping = (patterns, caseSensitive = true) =>
  [...findOverlappingOwners(patterns.map((pattern, owner) => ({ owner, segments: parsePattern(pattern, caseSensitive) })))].sort()

test('distinct static paths do not overlap', (t) => {
  t.assert.deepStrictEqual(overlapping(['/a', '/b', '/a/b', '/a/']), [])
})

test('a param overlaps the statics at its position, not elsewhere', (t) => {
  t.assert.deepStrictEqual(overlapping(['/users/:id', '/users/me', '/users/me/posts', '/orders/me']), [0, 1])
})

test('two params at the same position overlap, at other depths they do not', (t) => {
  t.assert.deepStrictEqual(overlapping(['/a/:x', '/a/:y(^\\d+$)', '/a/:x/b']), [0, 1])
})

test('a param never spans a slash: different depths do not overlap', (t) => {
  t.assert.deepStrictEqual(overlapping(['/:a', '/:a/:b', '/:a/:b/:c']), [])
})

test('several params in one segment count as a param', (t) => {
  t.assert.deepStrictEqual(overlapping(['/f/:name.:ext', '/f/readme.md', '/g/:from-:to']), [0, 1])
})

test('a wildcard overlaps everything below its position, and its own position', (t) => {
  t.assert.deepStrictEqual(overlapping(['/static/*', '/static/a/b', '/static', '/other']), [0, 1, 2])
  t.assert.deepStrictEqual(overlapping(['/static/*', '/stat']), [])
})

test('a pattern reaching a wildcard position overlaps the patterns below it', (t) => {
  t.assert.deepStrictEqual(overlapping(['/files/*', '/files/:id/raw', '/img/:id']), [0, 1])
})

test('a regex holding a slash is treated as a wildcard', (t) => {
  t.assert.deepStrictEqual(overlapping(['/r/:p(a/b)', '/r/x/y']), [0, 1])
})

test('escaped characters in a regex do not end it', (t) => {
  t.assert.deepStrictEqual(parsePattern('/r/:p(\\))/x', true).length, 4)
})

test('case-insensitive routers fold static segments', (t) => {
  t.assert.deepStrictEqual(overlapping(['/Users', '/users'], false), [0, 1])
  t.assert.deepStrictEqual(overlapping(['/Users', '/users'], true), [])
})

test('patterns of one owner never overlap themselves', (t) => {
  const patterns = [{ owner: 0, segments: parsePattern('/p', true) }, { owner: 0, segments: parsePattern('/p/:id', true) }]
  t.assert.deepStrictEqual([...findOverlappingOwners(patterns)], [])
})
