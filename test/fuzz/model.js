// The differential model shared by test/differential.test.js (a few seeded runs in `npm test`) and
// test/fuzz/run.js (`npm run fuzz`, many random runs): random apps and requests, and Fastify itself as the
// oracle of what the plugin must answer.
//
// An app is generated in an abstract form (indices into small vocabularies, so that fast-check shrinks
// it well), then made concrete: `concretise()` gives the route table as Fastify sees it (`ConcreteApp`,
// printable and reusable in regression tests) and, for each route, the tokens its URL was built from, of
// which request URLs are made.

import Fastify from 'fastify'
import fc from 'fast-check'
import fastifyAllowedMethods from '../../dist/index.js'

// Top-level router options are deprecated (FSTDEP022) and generated on purpose: Fastify would print the
// warning for every app built.
const emitWarning = process.emitWarning
process.emitWarning = function (warning, ...rest) {
  const code = warning?.code ?? rest[0]?.code ?? rest[1]
  if (code === 'FSTDEP022') return
  return emitWarning.call(this, warning, ...rest)
}

/** The methods every request is sent with, and the methods routes are registered with. */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

// ---------------------------------------------------------------------------------------------------
// Path tokens: one `/`-separated segment of a route pattern each.

const STATICS = ['a', 'b', 'users', 'Users', 'me', 'file.txt', 'a::b', 'p']

const REGEXES = { digits: '(^\\d+$)', alpha: '(^[a-z]+$)' }

/** The pattern text of a token, as written in the route's URL. */
function patternOf (token) {
  switch (token.t) {
    case 'static': return token.v
    case 'param': return ':' + token.name
    case 'regex': return ':' + token.name + REGEXES[token.re]
    case 'dash': return ':from-:to'
    case 'ext': return 'file.:ext'
    case 'dot': return ':base.:ext'
    case 'empty': return ''
    case 'optional': return ':opt?'
    case 'wildcard': return '*'
  }
  throw new Error('unknown token ' + token.t)
}

/**
 * Request segment values for each kind of token: values that match, values that do not match a regex or
 * a static part, values longer than small `maxParamLength`s (5, 8) or the default 100, encoded values.
 * `null` (optional) leaves the segment out.
 */
const LONG = 'x'.repeat(101)
const VALUES = {
  param: ['x', '42', 'abc', 'aaaaaa', 'abcdefghi', '%41b', 'a-b', 'f.txt', 'a%2Fb', 'Me', LONG, 'me', 'caf%C3%A9', 'café'],
  digits: ['42', 'abc', '123456', '4%32', '123456789'],
  alpha: ['abc', '42', 'ABC', 'abcdefgh', 'a%62c'],
  dash: ['x-y', 'xy', 'x-y-z', '-y', 'x-', 'aaaaaa-b', 'x-' + LONG],
  ext: ['file.txt', 'file.', 'FILE.txt', 'file.tar.gz', 'file', 'file.txtxxxx'],
  dot: ['a.b', 'ab', 'a.b.c', '.b', 'abcdef.g'],
  optional: [null, 'x', '42', 'aaaaaa', ''],
  wildcard: ['', 'x', 'x/y', 'x/', 'abcdefghij', 'A/B']
}

function valueOf (token, choice) {
  switch (token.t) {
    case 'static': {
      const text = token.v.replaceAll('::', ':')
      return [text, text, text, text.toUpperCase(), text + 'x'][choice % 5]
    }
    case 'empty': return ''
    case 'regex': return pick(VALUES[token.re], choice)
    default: return pick(VALUES[token.t], choice)
  }
}

const pick = (list, choice) => list[choice % list.length]

// ---------------------------------------------------------------------------------------------------
// Arbitraries (abstract apps and requests).

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
  { weight: 10, arbitrary: fc.record({ segments: fc.array(middleTokenArb, { maxLength: 3 }), last: lastTokenArb, trailing: fc.constantFrom(false, false, false, true) }) },
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

const routeArb = fc.record({
  method: fc.constantFrom(...METHODS),
  // A path of the app's shared pool (so that several methods share a URL), or a path of its own.
  path: fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.nat().map(ref => ({ ref })) }, { weight: 2, arbitrary: pathArb }),
  constraints: constraintsArb,
  prefixTrailingSlash: fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('both', 'slash', 'no-slash') }),
  exposeHeadRoute: fc.oneof({ withCrossShrink: true }, { weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.boolean() })
}, { requiredKeys: ['method', 'path', 'constraints'] })

const PREFIXES = ['/p', '/p/', '/q/r', '/:tenant', '/P', null]

const itemArb = fc.oneof(
  { withCrossShrink: true },
  { weight: 4, arbitrary: routeArb.map(route => ({ route })) },
  { weight: 1, arbitrary: fc.record({ prefix: fc.constantFrom(...PREFIXES), routes: fc.array(routeArb, { minLength: 1, maxLength: 4 }) }) }
)

const placedArb = (valueArb) => fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.record({ value: valueArb, where: fc.constantFrom('top', 'router', 'both') }) }
)

const routerOptionsArb = fc.record({
  ignoreTrailingSlash: placedArb(fc.boolean()),
  ignoreDuplicateSlashes: placedArb(fc.boolean()),
  caseSensitive: placedArb(fc.boolean()),
  useSemicolonDelimiter: placedArb(fc.boolean()),
  maxParamLength: placedArb(fc.constantFrom(5, 8, 100))
})

export const appArb = fc.record({
  router: routerOptionsArb,
  exposeHeadRoutes: fc.constantFrom(undefined, undefined, true, false),
  autoOptions: fc.constantFrom(undefined, undefined, undefined, true, false),
  notImplemented: fc.constantFrom(undefined, undefined, undefined, true),
  paths: fc.array(pathArb, { minLength: 1, maxLength: 4 }),
  items: fc.array(itemArb, { minLength: 1, maxLength: 8 })
})

export const MUTATIONS = [
  'upper', 'lower', 'trailingSlash', 'stripTrailingSlash', 'dupSlash', 'encode', 'encodeSlash', 'query',
  'semicolon', 'unknownSegment', 'replaceSegment', 'dropSegment', 'badEncoding', 'dot'
]

export const requestArb = fc.record({
  // A URL made from one of the app's routes (index modulo the route count), or a fixed one.
  base: fc.oneof({ withCrossShrink: true }, { weight: 12, arbitrary: fc.nat() }, { weight: 1, arbitrary: fc.constantFrom('/', '/zzz', '/p', '/p/', '//', '/a') }),
  // Choices of segment values, biased to the first (matching) one, and of mutations, often none: most
  // requests should hit a pattern for some method.
  fills: fc.array(fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat(60) }), { maxLength: 6 }),
  mutations: fc.oneof(
    { withCrossShrink: true },
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: fc.array(fc.record({ kind: fc.constantFrom(...MUTATIONS), at: fc.nat(60) }), { minLength: 1, maxLength: 3 }) }
  ),
  host: fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constantFrom('a.example', 'b.example', 'a.example:3000', 'A.EXAMPLE') }),
  version: fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constantFrom('1.0.0', '1.x', '2.0.0', '3.0.0', '*') })
})

/** One property run: an app and the requests sent to it. */
export const caseArb = fc.record({
  app: appArb,
  requests: fc.array(requestArb, { minLength: 1, maxLength: 8 })
})

// ---------------------------------------------------------------------------------------------------
// From abstract to concrete.

/**
 * @typedef {{ method: string, url: string, constraints?: object, prefixTrailingSlash?: string, exposeHeadRoute?: boolean }} ConcreteRoute
 * @typedef {{ fastify: object, plugin: object, routes: Array<ConcreteRoute | { prefix?: string, routes: ConcreteRoute[] }> }} ConcreteApp
 * @typedef {{ url: string, headers: Record<string, string> }} ConcreteRequest
 */

function renderPath (path) {
  if (path.special !== undefined) return path.special
  const tokens = [...path.segments, ...(path.last === null ? [] : [path.last])]
  if (tokens.length === 0) return '/'
  const trailing = path.last?.t === 'wildcard' ? path.last.slash === true : path.trailing
  return '/' + tokens.map(patternOf).join('/') + (trailing ? '/' : '')
}

/** The tokens of a path, for making request URLs: `trailing` when the request should end with `/`. */
function tokensOf (path) {
  if (path.special === '/*' || path.special === '*') return { tokens: [{ t: 'wildcard' }], trailing: false }
  if (path.special !== undefined) return { tokens: [], trailing: path.special === '/' }
  const trailing = path.last?.t === 'wildcard' ? path.last.slash === true : path.trailing
  return { tokens: [...path.segments, ...(path.last === null ? [] : [path.last])], trailing }
}

function prefixTokens (prefix) {
  if (prefix === null) return []
  return prefix.split('/').filter(Boolean).map(part => part.startsWith(':') ? { t: 'param', name: part.slice(1) } : { t: 'static', v: part })
}

/** Fastify's options: each router option at the top level, in `routerOptions`, or in both (same value). */
function fastifyOptions (app) {
  const options = {}
  let routerOptions
  for (const [key, placed] of Object.entries(app.router)) {
    if (placed === undefined) continue
    if (placed.where !== 'router') options[key] = placed.value
    if (placed.where !== 'top') (routerOptions ??= {})[key] = placed.value
  }
  if (app.exposeHeadRoutes !== undefined) options.exposeHeadRoutes = app.exposeHeadRoutes
  if (routerOptions !== undefined) options.routerOptions = routerOptions
  return options
}

function concreteRoute (route, paths) {
  const path = route.path.ref !== undefined ? paths[route.path.ref % paths.length] : route.path
  const concrete = { method: route.method, url: renderPath(path) }
  if (route.constraints !== null) concrete.constraints = { ...route.constraints }
  if (route.prefixTrailingSlash !== undefined) concrete.prefixTrailingSlash = route.prefixTrailingSlash
  if (route.exposeHeadRoute !== undefined) concrete.exposeHeadRoute = route.exposeHeadRoute
  return { concrete, path }
}

/**
 * @returns {{ app: ConcreteApp, shapes: Array<{ tokens: object[], trailing: boolean }> }} the concrete app
 *   and, per route, the tokens request URLs are made of (prefix included).
 */
export function concretise (app) {
  const shapes = []
  const routes = []
  for (const item of app.items) {
    if (item.route !== undefined) {
      const { concrete, path } = concreteRoute(item.route, app.paths)
      routes.push(concrete)
      shapes.push(tokensOf(path))
      continue
    }
    const group = { routes: [] }
    if (item.prefix !== null) group.prefix = item.prefix
    for (const route of item.routes) {
      const { concrete, path } = concreteRoute(route, app.paths)
      group.routes.push(concrete)
      const own = tokensOf(path)
      shapes.push({ tokens: [...prefixTokens(item.prefix), ...own.tokens], trailing: own.trailing })
    }
    routes.push(group)
  }
  const plugin = {}
  if (app.autoOptions !== undefined) plugin.autoOptions = app.autoOptions
  if (app.notImplemented !== undefined) plugin.notImplemented = app.notImplemented
  return { app: { fastify: fastifyOptions(app), plugin, routes }, shapes }
}

/** The URL of an abstract request against an app's route shapes. */
export function concreteRequest (shapes, request) {
  let url
  if (typeof request.base === 'string') {
    url = request.base
  } else {
    const { tokens, trailing } = shapes[request.base % shapes.length]
    const fills = request.fills.length === 0 ? [0] : request.fills
    const parts = []
    tokens.forEach((token, i) => {
      const value = valueOf(token, fills[i % fills.length])
      if (value !== null) parts.push(value)
    })
    url = '/' + parts.join('/') + (trailing && parts.length > 0 ? '/' : '')
  }
  for (const { kind, at } of request.mutations) url = mutate(url, kind, at)
  const headers = {}
  if (request.host !== undefined) headers.host = request.host
  if (request.version !== undefined) headers['accept-version'] = request.version
  return { url, headers }
}

function mutate (url, kind, at) {
  const q = url.search(/[?#]/)
  const path = q === -1 ? url : url.slice(0, q)
  const rest = q === -1 ? '' : url.slice(q)
  const segments = path.split('/') // segments[0] === ''
  const index = 1 + (at % Math.max(1, segments.length - 1))
  switch (kind) {
    case 'upper': return path.toUpperCase() + rest
    case 'lower': return path.toLowerCase() + rest
    case 'trailingSlash': return path + '/' + rest
    case 'stripTrailingSlash': return (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path) + rest
    case 'dupSlash': {
      const slashes = [...path.matchAll(/\//g)].map(m => m.index)
      const i = slashes[at % slashes.length]
      return path.slice(0, i) + '/' + path.slice(i) + rest
    }
    case 'encode': {
      const letters = [...path.matchAll(/[a-zA-Z0-9.\-:]/g)].map(m => m.index)
      if (letters.length === 0) return url
      const i = letters[at % letters.length]
      const hex = path.charCodeAt(i).toString(16)
      return path.slice(0, i) + '%' + (at % 2 === 0 ? hex.toUpperCase() : hex) + path.slice(i + 1) + rest
    }
    case 'encodeSlash': {
      if (segments.length < 3) return url
      const i = 1 + (at % (segments.length - 2))
      return segments.slice(0, i + 1).join('/') + '%2F' + segments.slice(i + 1).join('/') + rest
    }
    case 'query': return path + rest + pick(['?q=1', '?', '?a=/x/y', '?x=%zz', '?;a'], at)
    case 'semicolon': return path + pick([';a=1', ';', ';jsessionid=x/y', ';/a'], at) + rest
    case 'unknownSegment': return path + (path.endsWith('/') ? '' : '/') + 'zzz' + rest
    case 'replaceSegment': segments[index] = 'zzz'; return segments.join('/') + rest
    case 'dropSegment': {
      if (segments.length < 2) return url
      segments.splice(index, 1)
      return (segments.join('/') || '/') + rest
    }
    case 'badEncoding': segments[index] += pick(['%zz', '%', '%E0%A4%A', '%c0%af', '%00', '%25'], at); return segments.join('/') + rest
    case 'dot': segments.splice(index, 0, at % 2 === 0 ? '.' : '..'); return segments.join('/') + rest
  }
  throw new Error('unknown mutation ' + kind)
}

/** The URL the server sees for an injected URL (light-my-request lib/parse-url.js: WHATWG URL parsing). */
export function rawUrl (url) {
  const parsed = new URL(url.startsWith('//') ? 'http://localhost' + url : url, 'http://localhost')
  return parsed.pathname + parsed.search
}

// ---------------------------------------------------------------------------------------------------
// Building apps.

const ORACLE_ROUTE = 'x-oracle-route'
const ORACLE_METHOD = 'x-oracle-method'

/** Every route's handler: says which route ran (its URL as registered, and its method). */
function handler (request, reply) {
  reply
    .header(ORACLE_ROUTE, encodeURIComponent(request.routeOptions.url))
    .header(ORACLE_METHOD, request.routeOptions.method)
    .send('ran')
}

function routeOptions ({ method, url, constraints, prefixTrailingSlash, exposeHeadRoute }) {
  const options = { method, url, handler }
  if (constraints !== undefined) options.constraints = { ...constraints }
  if (prefixTrailingSlash !== undefined) options.prefixTrailingSlash = prefixTrailingSlash
  if (exposeHeadRoute !== undefined) options.exposeHeadRoute = exposeHeadRoute
  return options
}

/**
 * Builds a concrete app, with the plugin or without it (the oracle). Each route is registered by its own
 * `route()` call, in order, prefixed groups in `register()`ed plugins (awaited, so that the order is the
 * table's); a registration that throws is dropped and its error message recorded in `dropped` (by route
 * index, groups flattened).
 * @returns {Promise<{ fastify: import('fastify').FastifyInstance | null, dropped: Array<string | null>, readyError: Error | null }>}
 */
export async function buildApp (app, { plugin = false } = {}) {
  // Copies: Fastify must not write into the table, which is printed when a check fails.
  const options = { ...app.fastify }
  if (options.routerOptions !== undefined) options.routerOptions = { ...options.routerOptions }
  const fastify = Fastify(options)
  const dropped = []
  const add = (instance, route) => {
    try {
      instance.route(routeOptions(route))
      dropped.push(null)
    } catch (error) {
      dropped.push(error.message)
    }
  }
  try {
    if (plugin) await fastify.register(fastifyAllowedMethods, { ...app.plugin })
    for (const item of app.routes) {
      if (item.routes === undefined) {
        add(fastify, item)
      } else {
        await fastify.register(async (child) => {
          for (const route of item.routes) add(child, route)
        }, item.prefix === undefined ? {} : { prefix: item.prefix })
      }
    }
    await fastify.ready()
  } catch (error) {
    await fastify.close().catch(() => {})
    return { fastify: null, dropped, readyError: error }
  }
  return { fastify, dropped, readyError: null }
}

const flatRoutes = (app) => app.routes.flatMap(item => item.routes ?? [item])

/** Every host and version header that satisfies the constraints of some route, and none (undefined). */
function constraintHeaderSets (app) {
  const hosts = new Set([undefined])
  const versions = new Set([undefined])
  for (const route of flatRoutes(app)) {
    hosts.add(route.constraints?.host)
    versions.add(route.constraints?.version)
  }
  const sets = []
  for (const host of hosts) {
    for (const version of versions) {
      const headers = {}
      if (host !== undefined) headers.host = host
      if (version !== undefined) headers['accept-version'] = version
      sets.push(headers)
    }
  }
  return sets
}

/**
 * find-my-way expands an optional parameter into two routes; when the second collides, the first stays in
 * the router without a complete context (the methods inserted before the throw have no route context), and
 * Fastify itself answers requests to them with a TypeError from its hook runner: such apps are discarded.
 */
const hasPartialRegistration = (app, dropped) => flatRoutes(app).some((route, i) => dropped[i] !== null && route.url.includes('?'))

// ---------------------------------------------------------------------------------------------------
// The oracle and the checks.

/** A disagreement between the plugin app and what the oracle says it must answer. */
export class Mismatch extends Error {
  constructor (message, details) {
    super(message)
    this.name = 'Mismatch'
    this.details = details
  }
}

/**
 * A root catch-all, by the pattern Fastify's router stores for the route URL: under ignoreTrailingSlash
 * `/*\/` is `/*`, under ignoreDuplicateSlashes `//*` is.
 */
function isCatchAll (url, app) {
  let pattern = url
  if (app !== undefined && routerOption(app, 'ignoreDuplicateSlashes') === true) pattern = pattern.replace(/\/\/+/g, '/')
  if (app !== undefined && routerOption(app, 'ignoreTrailingSlash') === true && pattern.length > 1 && pattern.endsWith('/')) pattern = pattern.slice(0, -1)
  return pattern === '/*' || pattern === '*'
}

async function inject (fastify, method, { url, headers }) {
  const response = await fastify.inject({ method, url, headers })
  const route = response.headers[ORACLE_ROUTE]
  return {
    statusCode: response.statusCode,
    ran: route === undefined ? null : { url: decodeURIComponent(route), method: response.headers[ORACLE_METHOD] },
    allow: response.headers.allow,
    contentLength: response.headers['content-length'],
    body: response.body
  }
}

const describeResponse = (r) => r.ran !== null
  ? `${r.statusCode} from route ${r.ran.method} ${r.ran.url}`
  : `${r.statusCode}${r.allow === undefined ? '' : ` allow: "${r.allow}"`}`

/**
 * Checks one concrete app against its oracle for every request.
 *
 * The oracle is the same app without the plugin (`A`): its handlers say which route ran. For a request,
 * each method M of METHODS is sent to A with the same URL and headers:
 * - M is "served" when a route handler ran. The URL is known when a served method is not OPTIONS and its
 *   route is not a root catch-all (`/*`, `*`): the plugin's catch-all rule.
 * - Expected Allow: the served methods, plus OPTIONS when autoOptions is on, sorted, `, `-joined.
 * Then M is sent to the plugin app `P`:
 * - M served by A: P must run the same route (200, same route and method).
 * - A answered M itself with anything but 404 (400 FST_ERR_BAD_URL...): P must give the same status.
 * - A answered 404: with `notImplemented`, a method no route of the app has (and not OPTIONS under
 *   autoOptions) gets 501. Otherwise an unknown URL gets 404. A known URL where a route for M matches the
 *   path but rejected the request's host or version (rule 4) gets 404. That case is decided exactly by
 *   asking A again with other constraint headers: every combination of the host and version values routes
 *   use, and none. A route for M whose pattern matches the path is satisfied by one of them (its own
 *   values), so it or a better route for M runs; and only a route whose pattern matches can run. So "M
 *   matches the path ignoring constraints" is "A runs a route for M under one of these header sets".
 *   Otherwise OPTIONS under autoOptions gets 200 with Allow and
 *   `Content-Length: 0`, and any other M gets 405 with exactly the expected Allow.
 * - `allowedMethods(url, constraints)` (the URL as the server sees it, the constraints the request
 *   carried, only those keys) returns the expected methods for a known URL, [] for an unknown one. Not
 *   checked when A answered some method itself (bad URLs).
 *
 * @param {ConcreteApp} app
 * @param {ConcreteRequest[]} requests
 * @returns {Promise<{ skipped: string | null, requests: number, checks: number }>}
 * @throws {Mismatch}
 */
export async function checkApp (app, requests) {
  const oracle = await buildApp(app)
  if (oracle.readyError !== null) return { skipped: 'ready: ' + oracle.readyError.message, requests: 0, checks: 0 }
  if (hasPartialRegistration(app, oracle.dropped)) {
    await oracle.fastify.close()
    return { skipped: 'optional parameter registration threw', requests: 0, checks: 0 }
  }
  const withPlugin = await buildApp(app, { plugin: true })
  const apps = [oracle, withPlugin]
  const headerSets = constraintHeaderSets(app)
  try {
    if (withPlugin.readyError !== null) {
      throw new Mismatch(`the app with the plugin fails to start: ${withPlugin.readyError.message}`, { app, dropped: oracle.dropped })
    }
    if (withPlugin.dropped.some((message, i) => message !== oracle.dropped[i])) {
      throw new Mismatch(`registrations throw differently with the plugin: ${JSON.stringify(withPlugin.dropped)} vs ${JSON.stringify(oracle.dropped)}`, { app, dropped: oracle.dropped })
    }
    const autoOptions = app.plugin.autoOptions ?? true
    const notImplemented = app.plugin.notImplemented ?? false
    // A method is implemented when some route of it is in the router: a registration that threw part-way may
    // leave an empty tree for its method, which printRoutes() shows without any route of that method.
    const implemented = new Set(METHODS.filter(method => oracle.fastify.printRoutes({ method, commonPrefix: false }).includes(`(${method})`)))
    let checks = 0
    const outcomes = {}
    const count = (outcome) => { outcomes[outcome] = (outcomes[outcome] ?? 0) + 1 }

    for (const request of requests) {
      const fail = (message, extra) => {
        throw new Mismatch(message, { app, request, dropped: oracle.dropped, ...extra })
      }
      const expected = {}
      for (const method of METHODS) expected[method] = await inject(oracle.fastify, method, request)
      const served = METHODS.filter(method => expected[method].ran !== null)
      const known = served.some(method => method !== 'OPTIONS' && !isCatchAll(expected[method].ran.url, app))
      const allowed = [...new Set([...served, ...(autoOptions ? ['OPTIONS'] : [])])].sort()
      const allow = allowed.join(', ')
      const oracleSays = METHODS.map(method => `${method}: ${describeResponse(expected[method])}`).join('; ')

      const matchesIgnoringConstraints = async (method) => {
        for (const headers of headerSets) {
          if ((await inject(oracle.fastify, method, { url: request.url, headers })).ran !== null) return true
        }
        return false
      }

      for (const method of METHODS) {
        checks++
        const want = expected[method]
        const got = await inject(withPlugin.fastify, method, request)
        const context = { method, expected: null, got: describeResponse(got), oracle: oracleSays }
        if (want.ran !== null) {
          if (got.statusCode !== 200 || got.ran?.url !== want.ran.url || got.ran?.method !== want.ran.method) {
            fail(`${method} must run its route like the oracle`, { ...context, expected: describeResponse(want) })
          }
          count('routed')
          continue
        }
        if (want.statusCode !== 404) {
          if (got.statusCode !== want.statusCode) fail(`${method} must get the oracle's own answer`, { ...context, expected: describeResponse(want) })
          count(`Fastify's own ${want.statusCode}`)
          continue
        }
        let status = 405
        let outcome = '405'
        if (notImplemented && !implemented.has(method) && !(method === 'OPTIONS' && autoOptions)) [status, outcome] = [501, '501']
        else if (!known) [status, outcome] = [404, served.length > 0 ? '404 (catch-all or OPTIONS only)' : '404 (unknown)']
        else if (await matchesIgnoringConstraints(method)) [status, outcome] = [404, '404 (constraints rejected)']
        else if (method === 'OPTIONS' && autoOptions) [status, outcome] = [200, 'automatic OPTIONS']
        count(outcome)
        const description = status === 405 || status === 200 ? `${status} allow: "${allow}"` : String(status)
        context.expected = description
        if (got.statusCode !== status) fail(`${method} must get ${status}`, context)
        if (status === 405 || status === 200) {
          if (got.allow !== allow) fail(`${method} must get Allow "${allow}"`, context)
          if (status === 200 && (got.contentLength !== '0' || got.body !== '')) fail('automatic OPTIONS must have no content and Content-Length: 0', { ...context, got: `${context.got} content-length: ${got.contentLength}` })
        } else if (got.allow !== undefined) {
          fail(`${method} must get no Allow header`, context)
        }
      }

      if (METHODS.every(method => expected[method].ran !== null || expected[method].statusCode === 404)) {
        checks++
        const url = rawUrl(request.url)
        const constraints = {}
        if (request.headers.host !== undefined) constraints.host = request.headers.host
        if (request.headers['accept-version'] !== undefined) constraints.version = request.headers['accept-version']
        const want = known ? allowed : []
        // Without constraint headers, also without the (optional) constraints argument.
        const calls = Object.keys(constraints).length === 0 ? [[url, constraints], [url]] : [[url, constraints]]
        for (const args of calls) {
          let got
          try {
            got = withPlugin.fastify.allowedMethods(...args)
          } catch (error) {
            got = `throws ${error.message}`
          }
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            fail(`allowedMethods(${args.map(arg => JSON.stringify(arg)).join(', ')})`, { method: null, expected: JSON.stringify(want), got: JSON.stringify(got), oracle: oracleSays })
          }
        }
        count(known ? 'allowedMethods (known)' : 'allowedMethods (unknown)')
      }
    }
    return { skipped: null, requests: requests.length, checks, outcomes }
  } finally {
    for (const built of apps) await built.fastify?.close()
    // light-my-request's responses end in setImmediate() callbacks that hold the app; a loop of awaited
    // injections resolves through microtasks only and would never let them run (memory grows by the app).
    await new Promise(resolve => setImmediate(resolve))
  }
}

/**
 * Plugin bugs found by the fuzzer and not fixed yet, each pinned by a `todo` regression test in
 * test/regressions/. A mismatch one of them explains fails neither `npm test` nor
 * `FUZZ_SKIP_KNOWN=1 npm run fuzz` (plain `npm run fuzz` reports it). `explains(error)` recognises the bug
 * from a Mismatch's details; `retry(error, requests)`, when given, returns the app and requests to go on
 * checking without the bug's cause (another mismatch there still fails). Delete an entry, and the `todo`
 * of its test, once its bug is fixed.
 */
const KNOWN_BUGS = []

/** A router option as Fastify applies it: `routerOptions` wins over the top level. */
const routerOption = (app, key) => app.fastify.routerOptions?.[key] ?? app.fastify[key]

/** The known bug that explains a failure, or undefined. */
export function knownBug (error) {
  if (!(error instanceof Mismatch)) return undefined
  return KNOWN_BUGS.find(bug => bug.explains(error))
}

/**
 * One property run: the abstract case made concrete, then checked. With `skipKnown`, a mismatch explained
 * by a known bug counts as passing, and its name is returned in `known`.
 */
export async function checkCase ({ app, requests }, { skipKnown = false } = {}) {
  const { app: concrete, shapes } = concretise(app)
  const concreteRequests = requests.map(request => concreteRequest(shapes, request))
  let known = null
  let current = { app: concrete, requests: concreteRequests }
  for (;;) {
    try {
      return { ...await checkApp(current.app, current.requests), known }
    } catch (error) {
      const bug = skipKnown ? knownBug(error) : undefined
      if (bug === undefined || bug.name === known) throw error
      known = bug.name
      if (bug.retry === undefined) return { skipped: null, requests: 0, checks: 0, known }
      current = bug.retry(error, current.requests)
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Reporting.

/** A standalone script reproducing a mismatch, to paste into a file next to package.json. */
export function reproScript (details) {
  const { app, request, dropped = [] } = details
  const lines = [
    "import Fastify from 'fastify'",
    "import fastifyAllowedMethods from './dist/index.js'",
    '',
    `const app = Fastify(${JSON.stringify(app.fastify)})`,
    `await app.register(fastifyAllowedMethods, ${JSON.stringify(app.plugin)})`,
    "const handler = (request, reply) => reply.send(request.routeOptions.method + ' ' + request.routeOptions.url)"
  ]
  let index = 0
  const routeLine = (instance, route, indent) => {
    const message = dropped[index++]
    const call = `${instance}.route(${JSON.stringify(route).slice(0, -1)}, handler })`
    return message === null || message === undefined
      ? `${indent}${call}`
      : `${indent}try { ${call} } catch {} // throws: ${message}`
  }
  for (const item of app.routes) {
    if (item.routes === undefined) {
      lines.push(routeLine('app', item, ''))
    } else {
      lines.push('await app.register(async (child) => {')
      for (const route of item.routes) lines.push(routeLine('child', route, '  '))
      lines.push(`}${item.prefix === undefined ? '' : `, { prefix: ${JSON.stringify(item.prefix)} }`})`)
    }
  }
  lines.push('await app.ready()')
  if (request !== undefined) {
    const method = details.method ?? 'GET'
    lines.push(
      `const response = await app.inject({ method: '${method}', url: ${JSON.stringify(request.url)}, headers: ${JSON.stringify(request.headers)} })`,
      'console.log(response.statusCode, response.headers.allow, response.body)'
    )
    const constraints = {}
    if (request.headers.host !== undefined) constraints.host = request.headers.host
    if (request.headers['accept-version'] !== undefined) constraints.version = request.headers['accept-version']
    lines.push(`console.log(app.allowedMethods(${JSON.stringify(rawUrl(request.url))}, ${JSON.stringify(constraints)}))`)
  }
  return lines.join('\n')
}

/** A readable account of a mismatch: what was expected, what came, the oracle's answers, the repro. */
export function describeMismatch (error) {
  const { details } = error
  if (details === undefined) return String(error.stack ?? error)
  const out = [`Mismatch: ${error.message}`]
  if (details.request !== undefined) {
    out.push(`request: ${details.method ?? '(allowedMethods)'} ${JSON.stringify(details.request.url)} headers ${JSON.stringify(details.request.headers)}`)
  }
  if (details.expected !== undefined) out.push(`expected: ${details.expected}`, `got:      ${details.got}`)
  if (details.oracle !== undefined) out.push(`oracle (no plugin): ${details.oracle}`)
  out.push('app:', JSON.stringify(details.app, null, 2), '', 'reproduction (node --input-type=module < repro.js):', reproScript(details))
  return out.join('\n')
}
