// Random apps in an abstract form: indices into small vocabularies, so that fast-check shrinks them well.
// concretise.js makes one the route table Fastify sees.

import fc from 'fast-check'

/** The methods every request is sent with, and the methods routes are registered with. */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

// Path tokens: one `/`-separated segment of a route pattern each. concretise.js writes a token's pattern
// text, requests.js the request segments that match it or not.

const STATICS = ['a', 'b', 'users', 'Users', 'me', 'file.txt', 'a::b', 'p']

const middleTokenArb = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constantFrom(...STATICS).map(v => ({ t: 'static', v })) },
  { weight: 3, arbitrary: fc.constantFrom('id', 'name').map(name => ({ t: 'param', name })) },
  { weight: 1, arbitrary: fc.constantFrom('digits', 'alpha').map(re => ({ t: 'regex', name: 'id', re })) },
  { weight: 2, arbitrary: fc.constantFrom('dash', 'ext', 'dot').map(t => ({ t })) },
  { weight: 1, arbitrary: fc.constant({ t: 'empty' }) }
)

// A wildcard followed by a slash (`/*/`) is refused by find-my-way: rare, as the app loses the route.
const lastTokenArb = fc.oneof(
  { withCrossShrink: true },
  { weight: 40, arbitrary: fc.constant(null) },
  { weight: 10, arbitrary: fc.constant({ t: 'optional' }) },
  { weight: 10, arbitrary: fc.constant({ t: 'wildcard' }) },
  { weight: 1, arbitrary: fc.constant({ t: 'wildcard', slash: true }) }
)

/** A route path: `special` ('/', '/*', '*', '') or segments, an optional last token, a trailing slash. */
const pathArb = fc.oneof(
  { withCrossShrink: true },
  {
    weight: 10,
    arbitrary: fc.record({
      segments: fc.array(middleTokenArb, { maxLength: 3 }),
      last: lastTokenArb,
      trailing: fc.constantFrom(false, false, false, true)
    })
  },
  // '' is a prefix's own URL in a plugin, and refused at the root.
  { weight: 2, arbitrary: fc.constantFrom('/', '/', '/*', '/*', '*', '').map(special => ({ special })) }
)

const constraintsArb = fc.oneof(
  { withCrossShrink: true },
  { weight: 16, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom('a.example', 'b.example').map(host => ({ host })) },
  { weight: 3, arbitrary: fc.constantFrom('1.0.0', '2.0.0').map(version => ({ version })) },
  { weight: 1, arbitrary: fc.constant({ host: 'a.example', version: '1.0.0' }) }
)

/** The keys guards ask for in the `x-key` header (a comma-separated list of them), by index. */
export const KEYS = ['k0', 'k1', 'k2']

/** The styles of a guard's refusal; build-app.js `makeGuard` writes each. */
export const GUARD_STYLES = ['throw', 'reject', 'done', 'reply', 'return-reply']
/** The styles that reply themselves: the reply ends the request (the others refuse their route's method). */
export const REPLYING = new Set(['reply', 'return-reply'])

/**
 * A guard: a hook that refuses the requests whose `x-key` header lacks its key, with its status: a sync
 * throw, an async rejection, `done(error)`, or a reply it sends itself (`reply.code(status).send()`, from a
 * callback hook or returned from an async one).
 */
const guardArb = fc.record({
  hook: fc.constantFrom('onRequest', 'preValidation', 'preHandler'),
  style: fc.constantFrom(...GUARD_STYLES),
  status: fc.constantFrom(401, 403, 404),
  key: fc.nat(KEYS.length - 1)
})

const routeArb = fc.record({
  method: fc.constantFrom(...METHODS),
  // A path of the app's shared pool (so that several methods share a URL), or a path of its own.
  path: fc.oneof({ withCrossShrink: true },
    { weight: 3, arbitrary: fc.nat().map(ref => ({ ref })) }, { weight: 2, arbitrary: pathArb }),
  constraints: constraintsArb,
  prefixTrailingSlash: fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('both', 'slash', 'no-slash') }),
  exposeHeadRoute: fc.oneof({ withCrossShrink: true }, { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.boolean() }),
  // A guard of the route's own (its route options' hook).
  guard: fc.oneof(
    { withCrossShrink: true }, { weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: guardArb }
  )
}, { requiredKeys: ['method', 'path', 'constraints'] })

const PREFIXES = ['/p', '/p/', '/q/r', '/:tenant', '/P', null]

const itemArb = fc.oneof(
  { withCrossShrink: true },
  { weight: 4, arbitrary: routeArb.map(route => ({ route })) },
  {
    weight: 1,
    arbitrary: fc.record({
      prefix: fc.constantFrom(...PREFIXES),
      // The plugin's guard: a hook of its own, for each of its routes.
      guard: fc.option(guardArb, { freq: 2 }),
      routes: fc.array(routeArb, { minLength: 1, maxLength: 4 })
    }).map(onlyGuardOfItsRoute)
  }
)

const notReplying = (guard) => REPLYING.has(guard.style) ? { ...guard, style: 'throw' } : guard

/**
 * Where a route has two guards (its plugin's and its own), neither replies: Fastify alone tells which of a
 * route's guards refused first, not whether a later one would have run, and a reply ends the request, so the
 * oracle could not tell whether the plugin app owes a later guard's reply.
 */
function onlyGuardOfItsRoute (group) {
  if (group.guard === null || !group.routes.some(route => route.guard !== undefined)) return group
  return {
    ...group,
    guard: notReplying(group.guard),
    routes: group.routes.map(route => route.guard === undefined ? route : { ...route, guard: notReplying(route.guard) })
  }
}

/** A router option's value and where it is given: the top level (deprecated), `routerOptions`, or both. */
const placedArb = (valueArb, places = ['top', 'router', 'both']) => fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.record({ value: valueArb, where: fc.constantFrom(...places) }) }
)

const routerOptionsArb = fc.record({
  ignoreTrailingSlash: placedArb(fc.boolean()),
  ignoreDuplicateSlashes: placedArb(fc.boolean()),
  caseSensitive: placedArb(fc.boolean()),
  useSemicolonDelimiter: placedArb(fc.boolean()),
  maxParamLength: placedArb(fc.constantFrom(5, 8, 100)),
  // find-my-way 9.10's compiler (Fastify >= 5.12.8), run at preReady: Fastify accepts it in routerOptions only.
  compile: placedArb(fc.boolean(), ['router'])
})

export const appArb = fc.record({
  router: routerOptionsArb,
  exposeHeadRoutes: fc.constantFrom(undefined, undefined, true, false),
  autoOptions: fc.constantFrom(undefined, undefined, undefined, true, false),
  notImplemented: fc.constantFrom(undefined, undefined, undefined, true),
  // The plugin's `guards` option: mostly its default, 'resource'.
  guards: fc.constantFrom(undefined, undefined, undefined, undefined, 'resource', 'not-found', 'none'),
  paths: fc.array(pathArb, { minLength: 1, maxLength: 4 }),
  items: fc.array(itemArb, { minLength: 1, maxLength: 8 })
})
