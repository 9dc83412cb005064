// The differential check: a concrete app with the plugin against the same app without it, Fastify itself
// being the oracle of what the plugin must answer.

import { METHODS, REPLYING } from './app-arbitraries.js'
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
  : r.refused !== null
    ? `${r.statusCode} refused by guard ${r.refused.guard} of route ${r.refused.route.method} ${r.refused.route.url}`
    : `${r.statusCode}${r.allow === undefined ? '' : ` allow: "${r.allow}"`}`

/** Every guard of a concrete app by id. */
const guardsOf = (app) => new Map(app.routes.flatMap(item => [item.guard, ...(item.routes ?? []).map(route => route.guard)])
  .filter(guard => guard !== undefined).map(guard => [guard.id, guard]))

const distinct = (ids) => [...new Set(ids)].sort()

/**
 * What the plugin owes, under `guards: 'resource'` (its default), for a request it would answer itself (a
 * 405 or the automatic OPTIONS) at a known URL, given what the URL's routes' guards did to this caller in
 * the oracle: `refusals` (each method a guard refused, with the guard and the oracle's answer) and `served`
 * (the methods whose handler ran).
 * - A guard replied itself: the request ends with its reply.
 * - Else, no method passes: the first refusal, sent as Fastify sends a hook's error.
 * - Else (`null`): the 405 or the OPTIONS answer, whose Allow lists the methods that pass.
 * The first reply or refusal is the first in phase order (onRequest, preValidation, preHandler; in each, the
 * methods in Allow order), which Fastify alone, running one method's route, does not show: the oracle is
 * exact when the replies (or refusals) all come from one guard, and otherwise only says that the answer is
 * one of theirs (`candidates`, one per guard).
 * When some method passes but none of those makes the URL known on its own (OPTIONS routes, root
 * catch-alls: the catch-all rule), whether the URL stays known is not settled (`unsettled`).
 */
function guardedAnswer (refusals, served, app) {
  const replies = refusals.filter(({ guard }) => REPLYING.has(guard.style))
  const owed = replies.length > 0 ? replies : served.length === 0 ? refusals : []
  if (owed.length === 0) {
    return served.some(({ method, route }) => method !== 'OPTIONS' && !isCatchAll(route.url, app)) ? null : { unsettled: true }
  }
  const candidates = distinct(owed.map(({ guard }) => guard.id)).map(id => {
    const theirs = owed.filter(({ guard }) => guard.id === id)
    // A HEAD answer has no body.
    return { guard: theirs[0].guard, body: theirs.find(({ method }) => method !== 'HEAD')?.response.body }
  })
  return { candidates, replied: replies.length > 0 }
}

/**
 * Checks one concrete app against its oracle for every request.
 *
 * The oracle is the same app without the plugin (`A`): its handlers say which route ran, its guards which
 * of them ran and which refused (build-app.js). For a request, each method M of METHODS is sent to A with
 * the same URL and headers:
 * - M "reaches" a route when its handler ran (M is "served") or one of its guards refused the caller. The
 *   URL is known when a method that reaches a route is not OPTIONS and its route is not a root catch-all
 *   (`/*`, `*`): the plugin's catch-all rule.
 * - Expected Allow: the served methods, plus OPTIONS when autoOptions is on, sorted, `, `-joined.
 * Then M is sent to the plugin app `P`:
 * - M reaches a route in A: P must run the same route (200, same route and method), or its guard must refuse
 *   the same way (same status and body); either way P runs the same guards, in the same order, as A.
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
 *   When a guard refused some method, guardedAnswer() says what P owes instead (a guard's reply or
 *   refusal), or that the 405 or OPTIONS answer stands, with Allow listing the methods that pass.
 *   P runs no guard before a 404; before its own 405 or OPTIONS, each guard at most once, and exactly the
 *   guards A ran for the methods that reach a route (unless a reply ended the request: then some of them).
 * - `allowedMethods(url, constraints)` (the URL as the server sees it, the constraints the request
 *   carried, only those keys) returns the methods that reach a route (plus OPTIONS as above) for a known
 *   URL, [] for an unknown one: guards play no part (it has no request). Not checked when A answered some
 *   method itself (bad URLs).
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
    const guards = guardsOf(app)
    let checks = 0
    const outcomes = {}
    const count = (outcome) => { outcomes[outcome] = (outcomes[outcome] ?? 0) + 1 }

    for (const request of requests) {
      const fail = (message, extra) => {
        throw new Mismatch(message, { app, request, dropped: oracle.dropped, ...extra })
      }
      const expected = {}
      for (const method of METHODS) expected[method] = await inject(oracle.fastify, method, request)
      // The oracle's guards sit in route contexts only, never in the not-found one: a refusal reached a route.
      const routeOf = (method) => expected[method].ran ?? expected[method].refused?.route ?? null
      const reached = METHODS.filter(method => routeOf(method) !== null)
      const served = reached.filter(method => expected[method].ran !== null).map(method => ({ method, route: routeOf(method) }))
      const refusals = reached.filter(method => expected[method].ran === null)
        .map(method => ({ method, guard: guards.get(expected[method].refused.guard), response: expected[method] }))
      const known = reached.some(method => method !== 'OPTIONS' && !isCatchAll(routeOf(method).url, app))
      const withOptions = (methods) => [...new Set([...methods, ...(autoOptions ? ['OPTIONS'] : [])])].sort()
      const allow = withOptions(served.map(({ method }) => method)).join(', ')
      const guardsRan = distinct(reached.flatMap(method => expected[method].guards))
      const oracleSays = METHODS.map(method => `${method}: ${describeResponse(expected[method])}`).join('; ')

      const matchesIgnoringConstraints = async (method) => {
        for (const headers of headerSets) {
          const response = await inject(oracle.fastify, method, { url: request.url, headers })
          if (response.ran !== null || response.refused !== null) return true
        }
        return false
      }

      for (const method of METHODS) {
        checks++
        const want = expected[method]
        const got = await inject(withPlugin.fastify, method, request)
        const context = { method, expected: null, got: describeResponse(got), oracle: oracleSays }
        if (routeOf(method) !== null) {
          if (want.ran !== null) {
            if (got.statusCode !== 200 || got.ran?.url !== want.ran.url || got.ran?.method !== want.ran.method) {
              fail(`${method} must run its route like the oracle`, { ...context, expected: describeResponse(want) })
            }
          } else if (got.statusCode !== want.statusCode || got.body !== want.body || got.refused?.guard !== want.refused.guard) {
            fail(`${method} must be refused by its route's guard like the oracle`, { ...context, expected: `${describeResponse(want)}: ${want.body}`, got: `${context.got}: ${got.body}` })
          }
          if (got.guards.join(' ') !== want.guards.join(' ')) {
            fail(`${method} must run its route's guards as the oracle does`, { ...context, expected: `guards ${want.guards.join(' ')}`, got: `guards ${got.guards.join(' ')}` })
          }
          count(want.ran !== null ? 'routed' : 'refused by its route\'s guard')
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
        else if (!known) [status, outcome] = [404, reached.length > 0 ? '404 (catch-all or OPTIONS only)' : '404 (unknown)']
        else if (await matchesIgnoringConstraints(method)) [status, outcome] = [404, '404 (constraints rejected)']
        else if (method === 'OPTIONS' && autoOptions) [status, outcome] = [200, 'automatic OPTIONS']
        const guarded = status === 405 || status === 200
        if (!guarded && got.guards.length > 0) fail(`${method} must run no guard before a ${status}`, { ...context, expected: String(status), got: `${context.got}, guards ${got.guards.join(' ')}` })
        // Each guard at most once; exactly the oracle's guards of the URL's methods, unless a reply ended it.
        const checkGuardsRan = (replied) => {
          const ranAll = distinct(got.guards).join(' ') === guardsRan.join(' ')
          if (distinct(got.guards).length !== got.guards.length || (replied ? !got.guards.every(id => guardsRan.includes(id)) : !ranAll)) {
            fail(`${method} must run the guards of the URL's routes as the oracle does, each once`, { ...context, expected: `guards ${guardsRan.join(' ')}${replied ? ' or some of them' : ''}`, got: `guards ${got.guards.join(' ')}` })
          }
        }
        if (guarded) {
          const answer = refusals.length === 0 ? null : guardedAnswer(refusals, served, app)
          if (answer?.unsettled) {
            checkGuardsRan(false)
            count('not checked: only methods that leave the URL unknown pass the guards')
            continue
          }
          if (answer !== null) {
            const { candidates } = answer
            const match = candidates.find(({ guard }) => got.statusCode === guard.status && (method === 'HEAD' || got.body.includes(`refused by guard ${guard.id}`)))
            const description = candidates.map(({ guard, body }) => `${guard.status} ${body ?? `refused by guard ${guard.id}`}`).join(' or ')
            context.expected = candidates.length === 1 ? description : `one of ${description}`
            context.got = `${context.got}: ${got.body}`
            if (match === undefined || (method !== 'HEAD' && match.body !== undefined && got.body !== match.body)) {
              fail(`${method} must get the ${answer.replied ? 'reply of the guard that replied' : 'first refusal of the guards'}`, context)
            }
            if (got.allow !== undefined) fail(`${method} refused by the guards must get no Allow header`, context)
            checkGuardsRan(answer.replied)
            count(`guard's ${answer.replied ? 'reply' : 'refusal'} (${candidates.length === 1 ? 'exact' : 'one of its guards'})`)
            continue
          }
          if (refusals.length > 0) outcome += ' (guards refused some methods)'
        }
        count(outcome)
        const description = guarded ? `${status} allow: "${allow}"` : String(status)
        context.expected = description
        if (got.statusCode !== status) fail(`${method} must get ${status}`, context)
        if (guarded) {
          if (got.allow !== allow) fail(`${method} must get Allow "${allow}"`, context)
          if (status === 200 && (got.contentLength !== '0' || got.body !== '')) fail('automatic OPTIONS must have no content and Content-Length: 0', { ...context, got: `${context.got} content-length: ${got.contentLength}` })
          checkGuardsRan(false)
        } else if (got.allow !== undefined) {
          fail(`${method} must get no Allow header`, context)
        }
      }

      if (METHODS.every(method => routeOf(method) !== null || expected[method].statusCode === 404)) {
        checks++
        const url = rawUrl(request.url)
        const constraints = {}
        if (request.headers.host !== undefined) constraints.host = request.headers.host
        if (request.headers['accept-version'] !== undefined) constraints.version = request.headers['accept-version']
        const want = known ? withOptions(reached) : []
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
