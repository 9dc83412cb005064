import { test } from 'node:test'
import { contains, findOverlaps, parsePattern } from '../../dist/build/pattern-overlap.js'

// Owners whose patterns can share a path, for each owner. Conservative by design: "overlapping" may be said
// of patterns that never share a path (a cost in speed only), never the reverse (a wrong Allow header).
const overlaps = (patterns, { caseSensitive = true, limit = 32 } = {}) => {
  const owned = patterns.map((pattern, owner) => ({ owner, segments: parsePattern(pattern, caseSensitive) }))
  const found = findOverlaps(owned, limit, false)
  return patterns.map((_, owner) => found.get(owner) === null ? null : [...found.get(owner)].sort())
}
const within = (outer, inner, maxParamLength = 100) =>
  contains(parsePattern(outer, true), parsePattern(inner, true), maxParamLength)

test('distinct static paths do not overlap', (t) => {
  t.assert.deepStrictEqual(overlaps(['/a', '/b', '/a/b', '/a/']), [[], [], [], []])
})

test('a param overlaps the statics at its position, not elsewhere', (t) => {
  t.assert.deepStrictEqual(overlaps(['/users/:id', '/users/me', '/users/me/posts', '/orders/me']), [[1], [0], [], []])
})

test('two params at the same position overlap, at other depths they do not', (t) => {
  t.assert.deepStrictEqual(overlaps(['/a/:x', '/a/:y(^\\d+$)', '/a/:x/b']), [[1], [0], []])
})

test('a param never spans a slash: different depths do not overlap', (t) => {
  t.assert.deepStrictEqual(overlaps(['/:a', '/:a/:b', '/:a/:b/:c']), [[], [], []])
})

test('several params in one segment count as a param', (t) => {
  t.assert.deepStrictEqual(overlaps(['/f/:name.:ext', '/f/readme.md', '/g/:from-:to']), [[1], [0], []])
})

test('a wildcard overlaps everything below its position, and its own position', (t) => {
  t.assert.deepStrictEqual(overlaps(['/static/*', '/static/a/b', '/static', '/other']), [[1, 2], [0], [0], []])
  t.assert.deepStrictEqual(overlaps(['/static/*', '/stat']), [[], []])
})

test('a pattern reaching a wildcard position overlaps the patterns below it', (t) => {
  t.assert.deepStrictEqual(overlaps(['/files/*', '/files/:id/raw', '/img/:id']), [[1], [0], []])
})

test('a regex holding a slash is treated as a wildcard', (t) => {
  t.assert.deepStrictEqual(overlaps(['/r/:p(a/b)', '/r/x/y']), [[1], [0]])
})

test('escaped characters in a regex do not end it', (t) => {
  t.assert.strictEqual(parsePattern('/r/:p(\\))/x', true).length, 4)
})

test('case-insensitive routers fold static segments', (t) => {
  t.assert.deepStrictEqual(overlaps(['/Users', '/users'], { caseSensitive: false }), [[1], [0]])
  t.assert.deepStrictEqual(overlaps(['/Users', '/users']), [[], []])
})

test('patterns of one owner never overlap themselves', (t) => {
  const patterns = [{ owner: 0, segments: parsePattern('/p', true) },
    { owner: 0, segments: parsePattern('/p/:id', true) }]
  t.assert.deepStrictEqual([...findOverlaps(patterns, 32, false).get(0)], [])
})

test('an owner meeting more than the limit gets null: nothing is planned for it', (t) => {
  t.assert.deepStrictEqual(overlaps(['/:x', '/a', '/b', '/c'], { limit: 2 }), [null, [0], [0], [0]])
})

test('containment: only the certain cases', (t) => {
  t.assert.ok(within('/users/:id', '/users/me'))
  t.assert.ok(within('/users/:id', '/users/:other'))
  t.assert.ok(within('/files/*', '/files/a/:b'))
  t.assert.ok(within('/files/*', '/files/'))
  t.assert.ok(within('/a/b', '/a/b'))
  t.assert.ok(!within('/users/me', '/users/:id'), 'a static does not contain a param')
  t.assert.ok(!within('/users/:id(^\\d+$)', '/users/1'), 'a regex param is not certain')
  t.assert.ok(!within('/users/:id', '/users/:a-:b'), 'two params may exceed maxParamLength together')
  t.assert.ok(!within('/users/:id', '/users/'), 'a param is not certain to match an empty segment')
  t.assert.ok(!within('/users/:id', '/users/caf%C3%A9'), 'percent-encoded statics are left alone')
  t.assert.ok(!within('/users/:id', '/users/' + 'x'.repeat(6), 5), 'longer than maxParamLength')
  t.assert.ok(!within('/files/a*', '/files/ab'), 'a wildcard inside a segment is not certain')
  t.assert.ok(!within('/files/*', '/files'), 'a wildcard needs its own segment')
  t.assert.ok(!within('/a/:id', '/a/:id/b'), 'different lengths')
  t.assert.ok(!within('/a/:id/b', '/a/*'), 'a wildcard is contained by a wildcard only')
})

test('an owner that meets more patterns than the limit gets null: nothing is planned for it', (t) => {
  // Past the limit, the search stops early: it would only collect more.
  t.assert.deepStrictEqual(overlaps(['/x/:a', '/x/b', '/x/c', '/x/d', '/x/e', '/x/f', '/y'], { limit: 2 }),
    [null, [0], [0], [0], [0], [0], []])
  t.assert.deepStrictEqual(overlaps(['/x/*', '/x/b', '/x/c/d', '/x/e/f/g', '/x/h', '/x/i/j'], { limit: 2 }),
    [null, [0], [0], [0], [0], [0]])
})
