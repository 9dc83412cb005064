// The differential check: a concrete app with the plugin against the same app without it, Fastify itself
// being the oracle of what the plugin must answer.

import { METHODS } from './app-arbitraries.js'
import { buildApp, inject } from './build-app.js'
import { rawUrl } from './requests.js'

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

/** A disagreement between the plugin app and what the oracle says it must answer. */
class Mismatch extends Error {
  constructor (message, details) {
    super(message)
    this.name = 'Mismatch'
    this.details = details
  }
}

/** A router option as Fastify applies it: `routerOptions` wins over the top level. */
const routerOption = (app, key) => app.fastify.routerOptions?.[key] ?? app.fastify[key]

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
 * @param {import('./concretise.js').ConcreteApp} app
 * @param {import('./requests.js').ConcreteRequest[]} requests
 * @returns {Promise<{ skipped: string | null, requests: number, checks: number, outcomes?: Record<string, number> }>}
 *   `skipped` says why an app was discarded unchecked; `outcomes` counts the checks by expected answer.
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
