// The route tables of the benchmarks: deterministic REST-like synthetic tables, and real APIs' tables.
//
// A table is named by its size (a synthetic table of that many routes), by a real API (`github`,
// `kubernetes`: route-tables/, see its README) or by one of the tables made to cost the plugin's startup the
// most (adversarial-tables.js). Every table is a list of `{ method, url }` registrations as
// the app writes them, one method each, in registration order; Fastify's automatic HEAD routes come on top.
//
// A synthetic table of N routes starts with a few app-wide routes (a health check, a regex route, one
// catch-all), then repeats a "resource family" per collection until N is reached:
//
//   GET, POST           /api/v1/<name>
//   GET, PUT, DELETE    /api/v1/<name>/:id                 (+ PATCH)
//   GET, PATCH          /api/v1/<name>/:id/<sub>/:subId/<leaf>/:n   (deep)
//   GET, POST           /api/v1/<name>/:id/<sub>
//   GET, DELETE         /api/v1/<name>/:id/<sub>/:subId
//   GET                 /api/v1/<name>/search              (1 family in 4: a static sibling of `:id`)
//   GET                 /api/v1/<name>/:id(^\d+$)/history  (1 family in 4: a regex param)
//   GET                 /api/v1/<name>/files/:fileName(^[\w.-]+$)   (1 family in 8: see below)
//
// `files/:fileName(...)` shares the URL `/api/v1/<name>/files/<sub>` with `:id/<sub>`, which it does not
// contain, and find-my-way tries it first (static `files` before `:id`): for its URLs, whether POST (the
// other pattern's method) is allowed depends on the file name. The registry adds a pattern of their own
// for the URLs two plain patterns share; the regex keeps it from doing so here, so POST is asked per
// request (`hit-partial`; run.js shows it in the lookup table's `asking` column).
//
// Five methods are in use (GET, POST, PUT, PATCH, DELETE); with HEAD for every GET that is six.

import { readFileSync } from 'node:fs'
import { adversarialRoutes, isAdversarial } from './adversarial-tables.js'

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
export const SIZES = [10, 100, 1000, 10000]
export const REAL_TABLES = ['github', 'kubernetes']
export const TABLES = [...SIZES.map(String), ...REAL_TABLES]

export const NOUNS = ['users', 'orgs', 'repos', 'projects', 'teams', 'invoices', 'orders', 'products', 'carts',
  'payments', 'shipments', 'tickets', 'comments', 'files', 'events', 'webhooks', 'tokens', 'reports', 'alerts',
  'devices']
export const SUBS = ['members', 'labels', 'notes', 'attachments', 'reviews', 'tags', 'items', 'logs']
const LEAVES = ['issues', 'versions', 'entries', 'replies']

function family (i) {
  const name = NOUNS[i % NOUNS.length] + (i < NOUNS.length ? '' : String(Math.floor(i / NOUNS.length)))
  const sub = SUBS[i % SUBS.length]
  const leaf = LEAVES[i % LEAVES.length]
  const base = `/api/v1/${name}`
  const item = `${base}/:id`
  const deep = `${item}/${sub}/:${sub}Id/${leaf}/:n`
  // The order puts the five methods and a deep route into even the smallest table.
  const routes = [
    ['GET', base], ['POST', base],
    ['GET', item], ['PUT', item], ['DELETE', item],
    ['GET', deep], ['PATCH', deep],
    ['PATCH', item],
    ['GET', `${item}/${sub}`], ['POST', `${item}/${sub}`],
    ['GET', `${item}/${sub}/:${sub}Id`], ['DELETE', `${item}/${sub}/:${sub}Id`]
  ]
  if (i % 4 === 1) routes.push(['GET', `${base}/search`])
  if (i % 4 === 3) routes.push(['GET', `${base}/:id(^\\d+$)/history`])
  if (i % 8 === 2) routes.push(['GET', `${base}/files/:fileName(^[\\w.-]+$)`])
  return routes.map(([method, url]) => ({ method, url, family: i }))
}

const GLOBAL = [
  { method: 'GET', url: '/health', family: -1 },
  { method: 'GET', url: '/archive/:year(^\\d{4}$)', family: -1 },
  // The one catch-all, as @fastify/static registers it under a prefix.
  { method: 'GET', url: '/static/*', family: -1 }
]

/** The first `size` routes of the synthetic table: `{ method, url, family }`, one method each. */
function syntheticTable (size) {
  const routes = GLOBAL.slice(0, size)
  for (let i = 0; routes.length < size; i++) {
    for (const route of family(i)) {
      if (routes.length === size) break
      routes.push(route)
    }
  }
  return routes
}

function realTable (name) {
  const file = new URL(`./route-tables/${name}.json`, import.meta.url)
  return JSON.parse(readFileSync(file, 'utf8')).routes.map(([method, url]) => ({ method, url }))
}

export const isReal = (table) => REAL_TABLES.includes(String(table))

/** The routes of a table (a size, a real API's name or an adversarial table's), in registration order. */
export function routeTable (table) {
  if (isReal(table)) return realTable(String(table))
  if (isAdversarial(table)) return adversarialRoutes(table)
  const size = Number(table)
  if (!Number.isInteger(size) || size < 0) {
    throw new Error(`unknown route table ${table}: a size or one of ${REAL_TABLES.join(', ')} ` +
      '(or of adversarial-tables.js)')
  }
  return syntheticTable(size)
}

/**
 * The same routes with Fastify's automatic HEAD route for every GET whose path has no HEAD route of its
 * own (the tables register those before the GET), for routers built by hand.
 */
export function withHead (routes) {
  const ownHead = new Set(routes.filter(route => route.method === 'HEAD').map(route => route.url))
  const out = []
  for (const route of routes) {
    out.push(route)
    if (route.method === 'GET' && !ownHead.has(route.url)) out.push({ ...route, method: 'HEAD' })
  }
  return out
}
