// From an abstract app (app-arbitraries.js) to a concrete one: the route table as Fastify sees it
// (`ConcreteApp`, printable and reusable in regression tests) and, for each route, the tokens its URL was
// built from, of which requests.js makes request URLs.

import { KEYS } from './app-arbitraries.js'

/**
 * @typedef {{ id: string, hook: string, style: string, status: number, key: string }} ConcreteGuard
 * @typedef {{ method: string, url: string, constraints?: object, prefixTrailingSlash?: string,
 *   exposeHeadRoute?: boolean, guard?: ConcreteGuard }} ConcreteRoute
 * @typedef {{ prefix?: string, guard?: ConcreteGuard, routes: ConcreteRoute[] }} ConcreteGroup
 * @typedef {{ fastify: object, plugin: object, routes: Array<ConcreteRoute | ConcreteGroup> }} ConcreteApp
 */

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
  return prefix.split('/').filter(Boolean)
    .map(part => part.startsWith(':') ? { t: 'param', name: part.slice(1) } : { t: 'static', v: part })
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

/** A guard named by where it sits: `g<item>` for a plugin's, `r<route>` for a route's own (groups flattened). */
const concreteGuard = ({ hook, style, status, key }, id) => ({ id, hook, style, status, key: KEYS[key] })

function concreteRoute (route, paths, index) {
  const path = route.path.ref !== undefined ? paths[route.path.ref % paths.length] : route.path
  const concrete = { method: route.method, url: renderPath(path) }
  if (route.constraints !== null) concrete.constraints = { ...route.constraints }
  if (route.prefixTrailingSlash !== undefined) concrete.prefixTrailingSlash = route.prefixTrailingSlash
  if (route.exposeHeadRoute !== undefined) concrete.exposeHeadRoute = route.exposeHeadRoute
  if (route.guard !== undefined) concrete.guard = concreteGuard(route.guard, `r${index}`)
  return { concrete, path }
}

/**
 * @returns {{ app: ConcreteApp, shapes: Array<{ tokens: object[], trailing: boolean }> }} the concrete app
 *   and, per route, the tokens request URLs are made of (prefix included).
 */
export function concretise (app) {
  const shapes = []
  const routes = []
  for (const [index, item] of app.items.entries()) {
    if (item.route !== undefined) {
      const { concrete, path } = concreteRoute(item.route, app.paths, shapes.length)
      routes.push(concrete)
      shapes.push(tokensOf(path))
      continue
    }
    const group = { routes: [] }
    if (item.prefix !== null) group.prefix = item.prefix
    if (item.guard !== null) group.guard = concreteGuard(item.guard, `g${index}`)
    for (const route of item.routes) {
      const { concrete, path } = concreteRoute(route, app.paths, shapes.length)
      group.routes.push(concrete)
      const own = tokensOf(path)
      shapes.push({ tokens: [...prefixTokens(item.prefix), ...own.tokens], trailing: own.trailing })
    }
    routes.push(group)
  }
  const plugin = {}
  if (app.autoOptions !== undefined) plugin.autoOptions = app.autoOptions
  if (app.notImplemented !== undefined) plugin.notImplemented = app.notImplemented
  if (app.guards !== undefined) plugin.guards = app.guards
  return { app: { fastify: fastifyOptions(app), plugin, routes }, shapes }
}
