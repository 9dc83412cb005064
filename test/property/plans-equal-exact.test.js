// The plans made at startup (lib/build/plan.ts) answer as Fastify's router does: on random apps without
// constrained routes, where every pattern gets a plan, `lookup()` (the best pattern's plan: certain methods
// taken as they are, the rest asked) deep-equals `lookupExactly()` (every method asked of Fastify's router)
// for every URL. Route patterns share static segments, so that ranking and meetings come into play; regex
// and multi-parameter segments, wildcards and root catch-alls make plans that ask; routes kept out of the
// registry and router options change what is certain. Fastify refuses some of these routes: the app goes on
// without them, as an app that catches the error would.
// PLANS_SEED and PLANS_RUNS override the seed and the number of apps, for longer runs by hand.

import { test } from 'node:test'
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { PatternIndex } from '../../dist/lookup/pattern-index.js'
import { registryOf } from '../../dist/lookup/registry.js'

const SEED = Number(process.env.PLANS_SEED ?? 20260311)
const RUNS = Number(process.env.PLANS_RUNS ?? 1000)

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']
const STATICS = ['a', 'b', 'c', 'me', 'Users']

const segmentArb = fc.oneof(
  { withCrossShrink: true },
  { weight: 5, arbitrary: fc.constantFrom(...STATICS).map(text => ({ kind: 'static', text })) },
  { weight: 5, arbitrary: fc.constant({ kind: 'param' }) },
  { weight: 1, arbitrary: fc.constantFrom('digits', 'letters').map(regex => ({ kind: 'regex', regex })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'multi' }) },
  // A duplicate slash, or a trailing one before the next segment.
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' }) }
)

/** A route path: 1 to 4 segments, the last one a wildcard now and then, or a root catch-all. */
const pathArb = fc.oneof(
  { withCrossShrink: true },
  {
    weight: 12,
    arbitrary: fc.record({
      segments: fc.array(segmentArb, { minLength: 1, maxLength: 4, size: 'xsmall' }),
      wildcard: fc.constantFrom(false, false, false, false, true),
      trailing: fc.constantFrom(false, false, false, true)
    })
  },
  { weight: 1, arbitrary: fc.constantFrom('/*', '*').map(catchAll => ({ catchAll })) }
)

const routeArb = fc.record({
  method: fc.constantFrom(...METHODS),
  // A path of the app's shared pool (so that several methods share a pattern), or one of its own.
  path: fc.oneof(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.nat().map(ref => ({ ref })) },
    // The app's skeleton with parameters in place of some of its statics: patterns that meet.
    { weight: 2, arbitrary: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }).map(params => ({ params })) },
    { weight: 2, arbitrary: pathArb }
  ),
  excluded: fc.constantFrom(false, false, false, false, true)
})

// Request segment values: statics (one percent-encoded), values that only parameters hold, the empty segment.
const VALUES = ['a', 'b', 'c', 'me', 'users', '12', '1-2', 'x.y', '', '%61']
const KEEP = null

const queryArb = fc.constantFrom('', '', '', '', '?q=1', '?next=/a/b')

/** A URL made from a route's path (index modulo the route count), from two, or of request values only. */
const urlArb = fc.oneof(
  { withCrossShrink: true },
  {
    weight: 4,
    arbitrary: fc.record({
      route: fc.nat(),
      // Per segment: keep it (a value it matches) or replace it.
      fills: fc.array(fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(KEEP) },
        { weight: 1, arbitrary: fc.constantFrom(...VALUES) }), { maxLength: 4 }),
      slash: fc.constantFrom('as is', 'as is', 'as is', 'add', 'drop', 'double'),
      query: queryArb
    })
  },
  // Each segment a value of one route's or of another's: where the two meet, if they do.
  {
    weight: 2,
    arbitrary: fc.record({
      route: fc.nat(), other: fc.nat(), picks: fc.array(fc.boolean(), { maxLength: 4 }), query: queryArb
    })
  },
  // The app's skeleton, some of its statics replaced: the URLs its variants share.
  { weight: 2, arbitrary: fc.record({ replaced: fc.array(fc.boolean(), { maxLength: 4 }), query: queryArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      segments: fc.array(fc.constantFrom(...VALUES, 'Users', 'zz'), { maxLength: 4 }), query: queryArb
    })
  }
)

const appArb = fc.record({
  router: fc.record({
    caseSensitive: fc.boolean(),
    ignoreTrailingSlash: fc.boolean(),
    ignoreDuplicateSlashes: fc.boolean(),
    // Small enough that some static segments are too long for a parameter.
    maxParamLength: fc.constantFrom(undefined, undefined, undefined, 3)
  }),
  paths: fc.array(pathArb, { minLength: 1, maxLength: 4 }),
  skeleton: fc.array(fc.constantFrom(...STATICS), { minLength: 1, maxLength: 4 }),
  routes: fc.array(routeArb, { minLength: 1, maxLength: 14 }),
  urls: fc.array(urlArb, { minLength: 8, maxLength: 24 })
})

// Parameters are named by their position, so that no pattern repeats a name.
function segmentText (segment, i) {
  switch (segment.kind) {
    case 'static': return segment.text
    case 'param': return `:x${i}`
    case 'regex': return segment.regex === 'digits' ? `:n${i}(^\\d+$)` : `:n${i}(^[a-z]+$)`
    case 'multi': return `:a${i}-:b${i}`
    case 'empty': return ''
  }
  throw new Error(`unknown segment ${segment.kind}`)
}

const isWildcard = (path, i) => path.wildcard && i === path.segments.length - 1

function patternOf (path) {
  if (path.catchAll !== undefined) return path.catchAll
  const parts = path.segments.map((segment, i) => isWildcard(path, i) ? '*' : segmentText(segment, i))
  return '/' + parts.join('/') + (path.trailing && !path.wildcard ? '/' : '')
}

/** A request value each segment matches. */
function keptValue (segment) {
  switch (segment.kind) {
    case 'static': return segment.text
    case 'param': return 'x'
    case 'regex': return segment.regex === 'digits' ? '12' : 'me'
    case 'multi': return '1-2'
    case 'empty': return ''
  }
  throw new Error(`unknown segment ${segment.kind}`)
}

function pathOf (path, app) {
  if (path.ref !== undefined) return app.paths[path.ref % app.paths.length]
  if (path.params === undefined) return path
  const segments = app.skeleton.map((text, i) => path.params[i] ? { kind: 'param' } : { kind: 'static', text })
  return { segments, wildcard: false, trailing: false }
}

/** The app's routes, as registered: method, URL, and whether it is kept out of the registry. */
const routesOf = (app) => app.routes.map(({ method, path, excluded }) => {
  const concrete = pathOf(path, app)
  return { method, url: patternOf(concrete), excluded, path: concrete }
})

/** Values a path matches, one per segment (a wildcard's may hold a slash), and whether it ends with a slash. */
function matchedBy (path) {
  if (path.catchAll !== undefined) return { parts: ['a/b'], trailing: false }
  const parts = path.segments.map((segment, i) => isWildcard(path, i) ? 'a/b' : keptValue(segment))
  return { parts, trailing: path.trailing && !path.wildcard }
}

function urlOf (url, app, routes) {
  if (url.segments !== undefined) return '/' + url.segments.join('/') + url.query
  if (url.replaced !== undefined) {
    return '/' + app.skeleton.map((text, i) => url.replaced[i] === true ? 'x' : text).join('/') + url.query
  }
  const { parts, trailing } = matchedBy(routes[url.route % routes.length].path)
  if (url.other !== undefined) {
    const other = matchedBy(routes[url.other % routes.length].path).parts
    const crossed = parts.map((part, i) => url.picks[i] === true && i < other.length ? other[i] : part)
    return '/' + crossed.join('/') + url.query
  }
  let text = '/' + parts.map((part, i) => url.fills[i] ?? part).join('/') + (trailing ? '/' : '')
  if (url.slash === 'add') text += '/'
  if (url.slash === 'drop' && text.length > 1 && text.endsWith('/')) text = text.slice(0, -1)
  if (url.slash === 'double') text = '/' + text
  return text + url.query
}

const routerOptionsOf = (app) =>
  Object.fromEntries(Object.entries(app.router).filter(([, value]) => value !== undefined))

// The registry keeps its pattern index private. Watching the class tells which URLs a meeting took: the
// patterns the registry adds that are no route's URL are its meetings.
const watched = { routeUrls: new Set(), meetings: new Set(), found: null }
const { add, find } = PatternIndex.prototype
PatternIndex.prototype.add = function watchAdd (path, value) {
  if (!watched.routeUrls.has(path)) watched.meetings.add(value)
  return add.call(this, path, value)
}
PatternIndex.prototype.find = function watchFind (url) {
  watched.found = find.call(this, url)
  return watched.found
}

class Mismatch extends Error {}

/** A mismatch, told with what reproduces it. */
function account (app, routes, refused, url, planned, exact, plan) {
  const lines = [
    `URL ${JSON.stringify(url)}`,
    `  lookup():        ${JSON.stringify(planned?.methods ?? null)}`,
    `  lookupExactly(): ${JSON.stringify(exact?.methods ?? null)}`,
    `  its plan:        ${JSON.stringify(plan)}`,
    `routerOptions: ${JSON.stringify(routerOptionsOf(app))}`,
    'routes, in order:'
  ]
  routes.forEach((route, i) => {
    const config = route.excluded ? ', config: { allowedMethods: false }' : ''
    const throws = refused[i] === null ? '' : ` // throws: ${refused[i]}`
    const url = JSON.stringify(route.url)
    lines.push(`  app.route({ method: '${route.method}', url: ${url}${config}, handler })${throws}`)
  })
  return lines.join('\n')
}

/** Builds the app, compares both look-ups for each of its URLs, and adds what it saw to `stats`. */
async function check (app, stats) {
  const routes = routesOf(app)
  const fastify = Fastify({ routerOptions: routerOptionsOf(app) })
  await fastify.register(fastifyAllowedMethods)
  const refused = routes.map(route => {
    try {
      const config = route.excluded ? { allowedMethods: false } : {}
      fastify.route({ method: route.method, url: route.url, handler: () => 'ran', config })
      return null
    } catch (error) {
      return error.message
    }
  })
  watched.routeUrls = new Set(routes.map(route => route.url))
  watched.meetings = new Set()
  try {
    await fastify.ready()
    const registry = registryOf(fastify)
    stats.apps++
    if (watched.meetings.size > 0) stats.appsWithMeetings++
    for (const url of app.urls.map(url => urlOf(url, app, routes))) {
      const planned = registry.lookup(url, undefined)
      const exact = registry.lookupExactly(url, undefined)
      const plan = registry.planOf(url)
      if (!isDeepStrictEqual(planned, exact)) {
        throw new Mismatch(account(app, routes, refused, url, planned, exact, plan))
      }
      stats.urls++
      if (plan === null) stats.unmatched++
      else if (plan.asked.length === 0) stats.certain++
      else stats.asking++
      if (watched.meetings.has(watched.found)) stats.onMeetings++
    }
  } finally {
    await fastify.close()
  }
}

// Floors on what the run saw, so that it cannot pass by checking little. Each sits near half of what seeds
// give, per app: every app starts (a refused route is left out, the app stays); a third or so of the URLs
// land on a plan that asks nothing, as many on one that asks. Meetings need two patterns of one length,
// each with a parameter where the other has a static: a minority of apps has one, and few URLs land there.
const MIN_URLS_PER_APP = 10
const MIN_CERTAIN_PER_APP = 3
const MIN_ASKING_PER_APP = 2.5
const MIN_APPS_WITH_MEETINGS = 0.08
const MIN_ON_MEETINGS_PER_APP = 0.1

test(`planned look-ups equal exact ones (seed ${SEED}, ${RUNS} apps)`, async (t) => {
  const stats = { apps: 0, appsWithMeetings: 0, urls: 0, unmatched: 0, certain: 0, asking: 0, onMeetings: 0 }
  let shrinking = false
  const property = fc.asyncProperty(appArb, async (app) => {
    // Runs while fast-check shrinks a counterexample are not counted.
    const counted = shrinking ? { ...stats } : stats
    try {
      await check(app, counted)
    } catch (error) {
      shrinking = true
      throw error
    }
  })
  const details = await fc.check(property, { seed: SEED, numRuns: RUNS })
  if (details.failed) {
    const replay = `PLANS_SEED=${SEED} PLANS_RUNS=${RUNS} node --test test/property/plans-equal-exact.test.js`
    const failure = details.errorInstance instanceof Mismatch
      ? details.errorInstance.message
      : String(details.errorInstance?.stack ?? details.errorInstance)
    t.assert.fail(`seed ${SEED}, path ${details.counterexamplePath} (replay: ${replay})\n${failure}`)
  }
  t.diagnostic(`${stats.apps} apps (${stats.appsWithMeetings} with meetings), ${stats.urls} URLs: ` +
    `${stats.certain} on a plan asking nothing, ` +
    `${stats.asking} on one that asks, ${stats.unmatched} matching no pattern; ${stats.onMeetings} on a meeting`)
  t.assert.strictEqual(stats.apps, RUNS, 'every app starts')
  const floor = (perApp) => Math.ceil(perApp * RUNS)
  t.assert.ok(stats.urls >= floor(MIN_URLS_PER_APP),
    `${stats.urls} URLs compared, fewer than ${floor(MIN_URLS_PER_APP)}`)
  t.assert.ok(stats.certain >= floor(MIN_CERTAIN_PER_APP),
    `${stats.certain} URLs on a plan asking nothing, fewer than ${floor(MIN_CERTAIN_PER_APP)}`)
  t.assert.ok(stats.asking >= floor(MIN_ASKING_PER_APP),
    `${stats.asking} URLs on a plan that asks, fewer than ${floor(MIN_ASKING_PER_APP)}`)
  t.assert.ok(stats.appsWithMeetings >= floor(MIN_APPS_WITH_MEETINGS),
    `${stats.appsWithMeetings} apps with meetings, fewer than ${floor(MIN_APPS_WITH_MEETINGS)}`)
  t.assert.ok(stats.onMeetings >= floor(MIN_ON_MEETINGS_PER_APP),
    `${stats.onMeetings} URLs on a meeting, fewer than ${floor(MIN_ON_MEETINGS_PER_APP)}`)
})
