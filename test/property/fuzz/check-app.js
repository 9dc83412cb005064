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
const hasPartialRegistration = (app, dropped) =>
  flatRoutes(app).some((route, i) => dropped[i] !== null && route.url.includes('?'))

/** A disagreement between the plugin app and what the oracle says it must answer. */
class Mismatch extends Error {
  constructor (message, details) {
    super(message)
    this.name = 'Mismatch'
    this.details = details
  }
}

/**
 * Fastify alone throwing instead of answering: find-my-way 9.10.1's compiled lookup (`routerOptions.compile`)
 * can reference a variable it never declared after a registration it refused part-way (a wildcard that is
 * not last, after multi-parameter segments), and Fastify's routing throws a ReferenceError. No oracle: the
 * app is discarded.
 */
class OracleThrew extends Error {}

/** A router option as Fastify applies it: `routerOptions` wins over the top level. */
const routerOption = (app, key) => app.fastify.routerOptions?.[key] ?? app.fastify[key]

/**
 * A root catch-all, by the pattern Fastify's router stores for the route URL: under ignoreTrailingSlash
 * `/*\/` is `/*`, under ignoreDuplicateSlashes `//*` is.
 */
function isCatchAll (url, app) {
  let pattern = url
  if (app !== undefined && routerOption(app, 'ignoreDuplicateSlashes') === true) {
    pattern = pattern.replace(/\/\/+/g, '/')
  }
  if (app !== undefined && routerOption(app, 'ignoreTrailingSlash') === true && pattern.length > 1 &&
    pattern.endsWith('/')) pattern = pattern.slice(0, -1)
  return pattern === '/*' || pattern === '*'
}

const describeResponse = (r) => r.ran !== null
  ? `${r.statusCode} from route ${r.ran.method} ${r.ran.url}`
  : r.refused !== null
    ? `${r.statusCode} refused by guard ${r.refused.guard} of route ${r.refused.route.method} ${r.refused.route.url}`
    : `${r.statusCode}${r.allow === undefined ? '' : ` allow: "${r.allow}"`}`

/** Every guard of a concrete app by id. */
const guardsOf = (app) => new Map(app.routes
  .flatMap(item => [item.guard, ...(item.routes ?? []).map(route => route.guard)])
  .filter(guard => guard !== undefined)
  .map(guard => [guard.id, guard]))

/** Fastify's order of the hook phases guards sit in (lib/handle-request.js, lib/route.js). */
const PHASES = ['onRequest', 'preValidation', 'preHandler']

/**
 * The guards the plugin runs, under `guards: 'resource'` (its default), before a 405 or an OPTIONS answer of
 * its own, as docs/features.md states the rule: phase by phase; in each phase, method by method in Allow order,
 * each method's guards of that phase in Fastify's order; a guard function runs once, at its first place. A
 * guard that replies ends the request there; the first refusal ends the run (no guard runs after it), and
 * refuses every method whose guards did not all run and pass before it. `chains`: for each method whose
 * route's guards decide, in Allow order, the guards Fastify alone ran for it, in order (its route's guards
 * up to the one that refused it, if one did; those after it can only come after that refusal, and never
 * run). `refuses(guard)`: whether the guard refuses this caller, which Fastify alone shows for every guard
 * of the chains.
 * @returns {{ ran: string[], replied: object | null, refusal: object | null, refused: Set<string> }} the
 *   ids of the guards run, in order; the guard whose reply ended the request; the first refusal's guard;
 *   the methods refused.
 */
function runGuards (chains, refuses) {
  const steps = []
  for (const phase of PHASES) {
    for (const [, chain] of chains) {
      for (const guard of chain) if (guard.hook === phase && !steps.includes(guard)) steps.push(guard)
    }
  }
  const ran = []
  const passed = new Set()
  let refusal = null
  for (const guard of steps) {
    ran.push(guard.id)
    if (!refuses(guard)) {
      passed.add(guard)
      continue
    }
    if (REPLYING.has(guard.style)) return { ran, replied: guard, refusal: null, refused: new Set() }
    refusal = guard
    break
  }
  const refused = new Set(chains.filter(([, chain]) => !chain.every(guard => passed.has(guard)))
    .map(([method]) => method))
  return { ran, replied: null, refusal, refused }
}

/**
 * Checks one concrete app against its oracle for every request.
 *
 * The oracle is the same app without the plugin (`A`): its handlers say which route ran, its guards which
 * of them ran and which refused (build-app.js). For a request, each method M of METHODS is sent to A with
 * the same URL and headers:
 * - M "reaches" a route when its handler ran (M "passes") or one of its guards refused the caller. The
 *   URL is known when a method that reaches a route is not OPTIONS and its route is not a root catch-all
 *   (`/*`, `*`): the plugin's catch-all rule.
 * - Expected Allow: the methods that reach a route and that the guards leave (runGuards(), below; a root
 *   catch-all's guards decide its method too), plus OPTIONS when autoOptions is on (unless the guards
 *   refused a route for it), sorted, `, `-joined. Without guards: every method that reaches a route.
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
 *   P runs no guard before a 404 or a 501. Before its own 405 or OPTIONS it runs the guards runGuards()
 *   says, in that order; if one replied, its reply is the answer; if every method whose route makes the URL
 *   known (not a root catch-all) was refused, the first refusal is (same status, same body as in A, no
 *   Allow); otherwise Allow leaves out the methods runGuards() refused.
 * - `allowedMethods(url, constraints)` (the URL as the server sees it, the constraints the request
 *   carried, only those keys) returns the methods that reach a route (plus OPTIONS under autoOptions) for a known
 *   URL, [] for an unknown one: guards play no part (it has no request). Not checked when A answered some
 *   method itself (bad URLs).
 *
 * @param {import('./concretise.js').ConcreteApp} app
 * @param {import('./requests.js').ConcreteRequest[]} requests
 * @returns {Promise<{ skipped: string | null, requests: number, checks: number, guarded?: number,
 *   outcomes?: Record<string, number> }>}
 *   `skipped` says why an app was discarded unchecked; `guarded` counts the checks of an answer the plugin
 *   owed once route guards ran; `outcomes` counts the checks by expected answer.
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
  const ask = (method, request) => inject(oracle.fastify, method, request)
    .catch(error => { throw new OracleThrew(error.message) })
  try {
    if (withPlugin.readyError !== null) {
      throw new Mismatch(`the app with the plugin fails to start: ${withPlugin.readyError.message}`,
        { app, dropped: oracle.dropped })
    }
    if (withPlugin.dropped.some((message, i) => message !== oracle.dropped[i])) {
      throw new Mismatch('registrations throw differently with the plugin: ' +
        `${JSON.stringify(withPlugin.dropped)} vs ${JSON.stringify(oracle.dropped)}`, { app, dropped: oracle.dropped })
    }
    const autoOptions = app.plugin.autoOptions ?? true
    const notImplemented = app.plugin.notImplemented ?? false
    // 'not-found' runs only the not-found context's guards (the oracle's apps have none), 'none' none at all.
    const routeGuards = (app.plugin.guards ?? 'resource') === 'resource'
    // A method is implemented when some route of it is in the router: a registration that threw part-way may
    // leave an empty tree for its method, which printRoutes() shows without any route of that method.
    const implemented = new Set(METHODS
      .filter(method => oracle.fastify.printRoutes({ method, commonPrefix: false }).includes(`(${method})`)))
    const guards = guardsOf(app)
    let checks = 0
    let guardedChecks = 0
    const outcomes = {}
    const count = (outcome) => { outcomes[outcome] = (outcomes[outcome] ?? 0) + 1 }

    for (const request of requests) {
      const fail = (message, extra) => {
        throw new Mismatch(message, { app, request, dropped: oracle.dropped, ...extra })
      }
      const expected = {}
      for (const method of METHODS) expected[method] = await ask(method, request)
      // The oracle's guards sit in route contexts only, never in the not-found one: a refusal reached a route.
      const routeOf = (method) => expected[method].ran ?? expected[method].refused?.route ?? null
      const reached = METHODS.filter(method => routeOf(method) !== null)
      const catchAll = (method) => isCatchAll(routeOf(method).url, app)
      const known = reached.some(method => method !== 'OPTIONS' && !catchAll(method))
      // `guarded`: the methods whose routes' guards decide what the caller learns, under 'resource' only, in
      // Allow order, the order they run in. A root catch-all's guards decide whether its method is listed,
      // but, as it makes no URL known, its passing keeps no refusal from being sent.
      const guarded = routeGuards ? [...reached].sort() : []
      const refusedBy = new Map(guarded.filter(method => expected[method].ran === null)
        .map(method => [method, guards.get(expected[method].refused.guard)]))
      const refusers = new Set([...refusedBy.values()])
      const chains = guarded.map(method => [method, expected[method].guards.map(id => guards.get(id))])
      const run = runGuards(chains, guard => refusers.has(guard))
      // The automatic OPTIONS answer is listed unless the guards refused OPTIONS (a route for it).
      const withOptions = (methods, refused = new Set()) =>
        [...new Set([...methods, ...(autoOptions && !refused.has('OPTIONS') ? ['OPTIONS'] : [])])].sort()
      const allow = withOptions(reached.filter(method => !run.refused.has(method)), run.refused).join(', ')
      // What the guards owe instead of the plugin's answer: the reply that ended the run, or, when every
      // method that decides was refused, the first refusal. The body: Fastify's for the guard (HEAD has none).
      const deciding = guarded.filter(method => !catchAll(method))
      const everyRefused = deciding.length > 0 && deciding.every(method => run.refused.has(method))
      const owed = run.replied ?? (everyRefused ? run.refusal : null)
      const owedBy = [...refusedBy].find(([method, guard]) => guard === owed && method !== 'HEAD')?.[0]
      const owedBody = owedBy === undefined ? undefined : expected[owedBy].body
      const oracleSays = METHODS.map(method => `${method}: ${describeResponse(expected[method])}`).join('; ')

      const matchesIgnoringConstraints = async (method) => {
        for (const headers of headerSets) {
          const response = await ask(method, { url: request.url, headers })
          if (response.ran !== null || response.refused !== null) return true
        }
        return false
      }

      for (const method of METHODS) {
        checks++
        const want = expected[method]
        const got = await inject(withPlugin.fastify, method, request)
        const context = { method, expected: null, got: describeResponse(got), oracle: oracleSays }
        const failGuards = (message, ids) =>
          fail(message, { ...context, expected: `guards ${ids.join(' ')}`, got: `guards ${got.guards.join(' ')}` })
        if (routeOf(method) !== null) {
          if (want.ran !== null) {
            if (got.statusCode !== 200 || got.ran?.url !== want.ran.url || got.ran?.method !== want.ran.method) {
              fail(`${method} must run its route like the oracle`, { ...context, expected: describeResponse(want) })
            }
          } else if (got.statusCode !== want.statusCode || got.body !== want.body ||
            got.refused?.guard !== want.refused.guard) {
            const [expected, actual] = [`${describeResponse(want)}: ${want.body}`, `${context.got}: ${got.body}`]
            fail(`${method} must be refused by its route's guard like the oracle`,
              { ...context, expected, got: actual })
          }
          if (got.guards.join(' ') !== want.guards.join(' ')) {
            failGuards(`${method} must run its route's guards as the oracle does`, want.guards)
          }
          count(want.ran !== null ? 'routed' : 'refused by its route\'s guard')
          continue
        }
        if (want.statusCode !== 404) {
          if (got.statusCode !== want.statusCode) {
            fail(`${method} must get the oracle's own answer`, { ...context, expected: describeResponse(want) })
          }
          count(`Fastify's own ${want.statusCode}`)
          continue
        }
        let status = 405
        let outcome = '405'
        if (notImplemented && !implemented.has(method) && !(method === 'OPTIONS' && autoOptions)) {
          [status, outcome] = [501, '501']
        } else if (!known) {
          [status, outcome] = [404, reached.length > 0 ? '404 (catch-all or OPTIONS only)' : '404 (unknown)']
        } else if (await matchesIgnoringConstraints(method)) {
          [status, outcome] = [404, '404 (constraints rejected)']
        } else if (method === 'OPTIONS' && autoOptions) {
          [status, outcome] = [200, 'automatic OPTIONS']
        }
        const answered = status === 405 || status === 200
        if (!answered && got.guards.length > 0) failGuards(`${method} must run no guard before a ${status}`, [])
        if (answered) {
          if (run.ran.length > 0) guardedChecks++
          if (got.guards.join(' ') !== run.ran.join(' ')) {
            failGuards(`${method} must run the guards of the URL's routes, each once, in phase order`, run.ran)
          }
          if (owed !== null) {
            const kind = run.replied === null ? 'first refusal' : 'reply'
            context.expected = `${owed.status} ${owedBody ?? `refused by guard ${owed.id}`}`
            context.got = `${context.got}: ${got.body}`
            // Where no answer of the oracle's has the body (HEAD alone was refused), it names the guard.
            const body = owedBody === undefined
              ? got.body.includes(`refused by guard ${owed.id}`)
              : got.body === owedBody
            if (got.statusCode !== owed.status || (method !== 'HEAD' && !body)) {
              fail(`${method} must get the guards' ${kind}`, context)
            }
            if (got.allow !== undefined) fail(`${method} answered by a guard must get no Allow header`, context)
            count(`the guards' ${kind}`)
            continue
          }
          if (run.refused.size > 0) outcome += ' (guards refused some methods)'
          else if (run.ran.length > 0) outcome += ' (guards passed)'
          else if (reached.some(method => expected[method].guards.length > 0)) {
            outcome += ` (guards: '${app.plugin.guards}')`
          }
        }
        count(outcome)
        const description = answered ? `${status} allow: "${allow}"` : String(status)
        context.expected = description
        if (got.statusCode !== status) fail(`${method} must get ${status}`, context)
        if (answered) {
          if (got.allow !== allow) fail(`${method} must get Allow "${allow}"`, context)
          if (status === 200 && (got.contentLength !== '0' || got.body !== '')) {
            fail('automatic OPTIONS must have no content and Content-Length: 0',
              { ...context, got: `${context.got} content-length: ${got.contentLength}` })
          }
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
            fail(`allowedMethods(${args.map(arg => JSON.stringify(arg)).join(', ')})`,
              { method: null, expected: JSON.stringify(want), got: JSON.stringify(got), oracle: oracleSays })
          }
        }
        count(known ? 'allowedMethods (known)' : 'allowedMethods (unknown)')
      }
    }
    return { skipped: null, requests: requests.length, checks, guarded: guardedChecks, outcomes }
  } catch (error) {
    if (!(error instanceof OracleThrew)) throw error
    return { skipped: `Fastify alone throws: ${error.message}`, requests: 0, checks: 0 }
  } finally {
    for (const built of apps) await built.fastify?.close()
    // light-my-request's responses end in setImmediate() callbacks that hold the app; a loop of awaited
    // injections resolves through microtasks only and would never let them run (memory grows by the app).
    await new Promise(resolve => setImmediate(resolve))
  }
}
