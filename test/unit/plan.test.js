// Unit tests of the startup planning (lib/build/plan.ts, and the pattern algebra of lib/build/pattern-overlap.ts it
// builds on): pure functions, checked here on hand-made pattern facts. Whether the plans give Fastify's
// own answers on real apps is the concern of plans-equal-exact.test.js.

import { test } from 'node:test'
import { planPatterns } from '../../dist/build/plan.js'
import { findOverlaps, intersect, isSimple, parsePattern, writePattern } from '../../dist/build/pattern-overlap.js'

/** The facts the registry gathers of one pattern of a case-sensitive router. */
const pattern = (text, methods, { excluded = [], constrained = false, overflow = false } = {}) => ({
  segments: parsePattern(text, true),
  methods: new Set(methods),
  excluded: new Set(excluded),
  constrained,
  overflow
})

const context = ({ methods, catchAllMethods = [], maxParamLength = 100, planned = true }) =>
  ({ methods, catchAllMethods, maxParamLength, planned })

const plan = (certain, known, asked) => ({ certain, known, asked })

/** The meetings of a planning, by pattern text. */
const meetingsOf = (planned) => Object.fromEntries(planned.meetings.map(({ pattern, plan }) => [pattern, plan]))

const write = (segments) => segments === null || segments === undefined ? segments : writePattern(segments)
const both = (a, b, maxParamLength = 100) =>
  write(intersect(parsePattern(a, true), parsePattern(b, true), maxParamLength))

test('intersect: the paths two simple patterns share, as a pattern with the static segments of either', (t) => {
  t.assert.strictEqual(both('/a/:x/c', '/a/b/:y'), '/a/b/c')
  t.assert.strictEqual(both('/users/:id', '/users/me'), '/users/me')
  t.assert.strictEqual(both('/a/:x', '/a/:y'), '/a/:p2', 'two parameters meet in a parameter')
})

test('intersect: null when no path matches both', (t) => {
  t.assert.strictEqual(both('/a/b', '/a/c'), null)
  t.assert.strictEqual(both('/a/:x', '/a/:x/b'), null, 'a parameter never spans a slash')
})

test('intersect: undefined when the shared paths are no simple pattern', (t) => {
  t.assert.strictEqual(both('/a/:x', '/a/:n(^\\d+$)'), undefined, 'a regex parameter')
  t.assert.strictEqual(both('/a/:x', '/a/:from-:to'), undefined, 'several parameters in a segment')
  t.assert.strictEqual(both('/a/:x', '/a/*'), undefined, 'a wildcard')
  t.assert.strictEqual(both('/a/:x', '/a/'), undefined, 'an empty segment, which no parameter holds')
  t.assert.strictEqual(both('/a/:x', '/a/caf%C3%A9'), undefined, 'a static the parameter holds decoded')
  t.assert.strictEqual(both('/a/:x', '/a/users', 4), undefined, 'a static longer than maxParamLength')
})

test('isSimple: static segments and plain parameters only', (t) => {
  t.assert.ok(isSimple(parsePattern('/a/:x/b', true)))
  t.assert.ok(!isSimple(parsePattern('/a/:n(^\\d+$)', true)), 'a regex parameter')
  t.assert.ok(!isSimple(parsePattern('/a/:from-:to', true)), 'several parameters in a segment')
  t.assert.ok(!isSimple(parsePattern('/a/*', true)), 'a wildcard')
  t.assert.ok(!isSimple(parsePattern('/a/', true)), 'a trailing slash: an empty last segment')
  t.assert.ok(!isSimple(parsePattern('/a//b', true)), 'an empty middle segment')
})

test('writePattern: names each parameter by its position, for the pattern index', (t) => {
  t.assert.strictEqual(writePattern(parsePattern('/a/:id/c/:name', true)), '/a/:p2/c/:p4')
  t.assert.strictEqual(writePattern(parsePattern('/users/me', true)), '/users/me')
})

test('findOverlaps ranked: patterns find-my-way tries before the owner are left out', (t) => {
  const patterns = ['/users/:id', '/users/me', '/*']
    .map((text, owner) => ({ owner, segments: parsePattern(text, true) }))
  const overlaps = (ranked) => [...findOverlaps(patterns, 32, ranked).entries()]
    .map(([owner, others]) => [owner, [...others].sort()])
  // A URL landing on `/users/:id` is no `/users/me` (tried first); one landing on `/users/me` may match `/users/:id`.
  t.assert.deepStrictEqual(overlaps(true), [[0, [2]], [1, [0, 2]], [2, []]])
  t.assert.deepStrictEqual(overlaps(false), [[0, [1, 2]], [1, [0, 2]], [2, [0, 1]]])
})

test('a static pattern under a parameter: certain of both, and the parameter asks nothing', (t) => {
  const { plans, meetings } = planPatterns(
    [pattern('/users/me', ['POST']), pattern('/users/:id', ['GET'])],
    context({ methods: ['GET', 'POST'] })
  )
  // `/users/:id` matches every URL of `/users/me`; a URL landing on `/users/:id` is not /users/me, tried first.
  t.assert.deepStrictEqual(plans, [plan(['GET', 'POST'], true, []), plan(['GET'], true, [])])
  t.assert.deepStrictEqual(meetings, [], 'the shared paths are those of `/users/me` itself')
})

test('parametric segments in nodes of their own, in an order not relied on, ask each other', (t) => {
  const { plans, meetings } = planPatterns(
    [pattern('/files/:name', ['GET']), pattern('/files/:a-:b', ['DELETE'])],
    context({ methods: ['DELETE', 'GET'] })
  )
  t.assert.deepStrictEqual(plans, [plan(['GET'], true, ['DELETE']), plan(['DELETE'], true, ['GET'])])
  t.assert.deepStrictEqual(meetings, [], 'no meeting where the shared paths are no simple pattern')
})

test('ranking: a pattern tried before the best one is left out, one tried after it is asked', (t) => {
  // For /files/x find-my-way tries `/files/:name` (static first segment) before `/:s(...)/x`.
  const { plans } = planPatterns(
    [pattern('/files/:name', ['GET']), pattern('/:s(^[a-z]+$)/x', ['DELETE'])],
    context({ methods: ['DELETE', 'GET'] })
  )
  t.assert.deepStrictEqual(plans, [plan(['GET'], true, ['DELETE']), plan(['DELETE'], true, [])])
})

test('meetings: two patterns that merely overlap meet in a pattern of their own, certain of both', (t) => {
  const planned = planPatterns(
    [pattern('/a/:x/c', ['GET']), pattern('/a/b/:y', ['POST'])],
    context({ methods: ['GET', 'POST'] })
  )
  t.assert.deepStrictEqual(meetingsOf(planned), { '/a/b/c': plan(['GET', 'POST'], true, []) })
  // /a/b/c, the only URL both match, lands on the meeting: neither pattern asks the other's method.
  t.assert.deepStrictEqual(planned.plans, [plan(['GET'], true, []), plan(['POST'], true, [])])
})

test('meetings: one where the later pattern has its parameter first', (t) => {
  const planned = planPatterns(
    [pattern('/files/:name', ['GET']), pattern('/:section/x', ['DELETE'])],
    context({ methods: ['DELETE', 'GET'] })
  )
  t.assert.deepStrictEqual(meetingsOf(planned), { '/files/x': plan(['DELETE', 'GET'], true, []) })
  t.assert.deepStrictEqual(planned.plans, [plan(['GET'], true, []), plan(['DELETE'], true, [])])
})

test('meetings: none for a pattern the app has already, whose plan takes both', (t) => {
  const planned = planPatterns(
    [pattern('/a/:x/c', ['GET']), pattern('/a/b/:y', ['POST']), pattern('/a/b/c', ['PUT'])],
    context({ methods: ['GET', 'POST', 'PUT'] })
  )
  t.assert.deepStrictEqual(planned.meetings, [])
  t.assert.deepStrictEqual(planned.plans,
    [plan(['GET'], true, []), plan(['POST'], true, []), plan(['GET', 'POST', 'PUT'], true, [])])
})

test('meetings are bounded by the patterns: past that there are none, and the plans ask', (t) => {
  // Each `/:a/<s>` meets each `/<s>/:b`: nine meetings for six patterns.
  const statics = ['x', 'y', 'z']
  const patterns = [
    ...statics.map(text => pattern(`/:a/${text}`, ['GET'])),
    ...statics.map(text => pattern(`/${text}/:b`, ['POST']))
  ]
  const planned = planPatterns(patterns, context({ methods: ['GET', 'POST'] }))
  t.assert.deepStrictEqual(planned.meetings, [])
  t.assert.deepStrictEqual(planned.plans.slice(3), Array(3).fill(plan(['POST'], true, ['GET'])))
  // With two of each, four meetings for four patterns: within the bound.
  const fewer = planPatterns([patterns[0], patterns[1], patterns[3], patterns[4]],
    context({ methods: ['GET', 'POST'] }))
  t.assert.deepStrictEqual(Object.keys(meetingsOf(fewer)).sort(), ['/x/x', '/x/y', '/y/x', '/y/y'])
})

test('a constrained pattern gets the exact plan: every method asked', (t) => {
  const methods = ['GET', 'POST']
  const { plans } = planPatterns(
    [pattern('/a', ['GET'], { constrained: true }), pattern('/b', ['POST'])],
    context({ methods })
  )
  t.assert.deepStrictEqual(plans, [plan([], false, methods), plan(['POST'], true, [])])
})

test('a constrained pattern containing another makes its methods asked there, not certain', (t) => {
  const { plans } = planPatterns(
    [pattern('/users/me', ['POST']), pattern('/users/:id', ['GET'], { constrained: true })],
    context({ methods: ['GET', 'POST'] })
  )
  t.assert.deepStrictEqual(plans[0], plan(['POST'], true, ['GET']))
})

test('planned: false gives every pattern the exact plan, and no meetings', (t) => {
  const methods = ['GET', 'POST']
  const planned = planPatterns(
    [pattern('/a/:x/c', ['GET']), pattern('/a/b/:y', ['POST'])],
    context({ methods, planned: false })
  )
  t.assert.deepStrictEqual(planned, { plans: [plan([], false, methods), plan([], false, methods)], meetings: [] })
})

test('excluded methods are asked, never certain', (t) => {
  // /users/me: its own POST is kept out; `/users/:id`, which contains it, has GET in and PUT out.
  const { plans } = planPatterns(
    [
      pattern('/users/me', ['GET'], { excluded: ['POST'] }),
      pattern('/users/:id', ['GET', 'POST'], { excluded: ['PUT'] })
    ],
    context({ methods: ['GET', 'POST', 'PUT'], catchAllMethods: ['PUT'] })
  )
  t.assert.deepStrictEqual(plans[0], plan(['GET'], true, ['POST', 'PUT']))
  t.assert.deepStrictEqual(plans[1], plan(['GET', 'POST'], true, ['PUT']), 'not even through a root catch-all')
})

test('root catch-all methods are certain but make no URL known', (t) => {
  const { plans } = planPatterns(
    [pattern('/a', ['OPTIONS']), pattern('/b', ['POST'])],
    context({ methods: ['GET', 'OPTIONS', 'POST'], catchAllMethods: ['GET'] })
  )
  t.assert.deepStrictEqual(plans, [plan(['GET', 'OPTIONS'], false, []), plan(['GET', 'POST'], true, [])])
})

test('a root catch-all does not hide a prefixed wildcard that makes the URL known', (t) => {
  // The plan-level form of test/regressions/catch-all-hides-known-url.test.js: a URL landing on `/p` is
  // known when `/p*` serves its GET, unknown when the root catch-all does; only asking GET tells.
  const { plans } = planPatterns(
    [pattern('/p', ['OPTIONS']), pattern('/p*', ['GET'])],
    context({ methods: ['GET', 'OPTIONS'], catchAllMethods: ['GET'] })
  )
  t.assert.deepStrictEqual(plans[0], plan(['OPTIONS'], false, ['GET']))
})

test('an overflow pattern leaves ranking out of every plan, and is itself asked in full', (t) => {
  // A pattern in an overflow tree of the index: a look-up landing there says nothing of the patterns tried first.
  const methods = ['GET', 'POST']
  const planned = planPatterns(
    [pattern('/users/me', ['POST']), pattern('/users/:id', ['GET']),
      pattern('/o/:n(^\\d+$)', ['GET'], { overflow: true })],
    context({ methods })
  )
  t.assert.deepStrictEqual(planned.plans,
    [plan(['GET', 'POST'], true, []), plan(['GET'], true, ['POST']), plan([], false, methods)])
  t.assert.deepStrictEqual(planned.meetings, [])
})
