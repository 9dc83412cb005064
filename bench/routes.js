// Deterministic, REST-like route tables and request sets for the benchmarks.
//
// A table of N routes counts method + pattern registrations as the app writes them (Fastify's automatic
// HEAD routes come on top). It starts with a few app-wide routes (a health check, a regex route, one
// catch-all), then repeats a "resource family" per collection until N is reached:
//
//   GET, POST           /api/v1/<name>
//   GET, PUT, DELETE    /api/v1/<name>/:id                 (+ PATCH)
//   GET, PATCH          /api/v1/<name>/:id/<sub>/:subId/<leaf>/:n   (deep)
//   GET, POST           /api/v1/<name>/:id/<sub>
//   GET, DELETE         /api/v1/<name>/:id/<sub>/:subId
//   GET                 /api/v1/<name>/search              (1 family in 4: a static sibling of `:id`)
//   GET                 /api/v1/<name>/:id(^\d+$)/history  (1 family in 4: a regex param)
//
// Five methods are in use (GET, POST, PUT, PATCH, DELETE); with HEAD for every GET that is six.

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
export const SIZES = [10, 100, 1000, 10000]

const NOUNS = ['users', 'orgs', 'repos', 'projects', 'teams', 'invoices', 'orders', 'products', 'carts', 'payments',
  'shipments', 'tickets', 'comments', 'files', 'events', 'webhooks', 'tokens', 'reports', 'alerts', 'devices']
const SUBS = ['members', 'labels', 'notes', 'attachments', 'reviews', 'tags', 'items', 'logs']
const LEAVES = ['issues', 'versions', 'entries', 'replies']

/** mulberry32: a small seeded PRNG, so that every run generates the same tables and requests. */
export function prng (seed) {
  let a = seed >>> 0
  return function next () {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

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
  return routes.map(([method, url]) => ({ method, url, family: i }))
}

const GLOBAL = [
  { method: 'GET', url: '/health', family: -1 },
  { method: 'GET', url: '/archive/:year(^\\d{4}$)', family: -1 },
  // The one catch-all, as @fastify/static registers it under a prefix.
  { method: 'GET', url: '/static/*', family: -1 }
]

/** The first `size` routes: `{ method, url, family }`, one method each. */
export function routeTable (size) {
  const routes = GLOBAL.slice(0, size)
  for (let i = 0; routes.length < size; i++) {
    for (const route of family(i)) {
      if (routes.length === size) break
      routes.push(route)
    }
  }
  return routes
}

/** The same routes with Fastify's automatic HEAD route for every GET, for routers built by hand. */
export function withHead (routes) {
  const out = []
  for (const route of routes) {
    out.push(route)
    if (route.method === 'GET') out.push({ ...route, method: 'HEAD' })
  }
  return out
}

/** A concrete path for a pattern: params get values their regex (if any) accepts. */
export function fillPattern (url, random) {
  return url
    .replace(/:year\([^)]*\)/, () => String(1990 + Math.floor(random() * 30)))
    .replace(/:[A-Za-z]+(\([^)]*\))?/g, () => String(1 + Math.floor(random() * 9999)))
    .replace('*', () => `css/app${Math.floor(random() * 100)}.css`)
}

const segments = (url) => url.split('/').length - 1

/**
 * Candidate requests for a table, in groups. `knownMethods(method, path)` tells whether the app routes that
 * method for that path (the caller answers with Fastify's own router), so that hits really are 405 cases
 * (a path that is routed, a method that is not) and misses really are 404 cases. Each group holds `count`
 * requests `{ method, url }`, repeated when the table is too small to offer that many distinct ones.
 *
 * - hit-shallow: up to 3 segments (`/health`, `/api/v1/users`), a method the path lacks;
 * - hit-deep: 6 segments and more, e.g. `/api/v1/users/12/members/34/issues/56` with DELETE;
 * - hit-overlap: a path whose pattern shares paths with another pattern (`/api/v1/orgs/12` next to
 *   `/api/v1/orgs/search`): the registry cannot precompute those and asks the router once per method;
 * - miss-shallow: an unknown path of up to 3 segments;
 * - miss-deep: an unknown path that walks deep into the tree before failing.
 */
export function requestGroups (routes, knownMethods, count = 32) {
  const random = prng(0xA11CE)
  const pick = (list) => list[Math.floor(random() * list.length)]
  const patterns = [...new Map(routes.map(route => [route.url, route])).values()]
  const overlapFamilies = new Set(routes.filter(route => route.url.endsWith('/search')).map(route => route.family))

  const hit = (candidates) => {
    const out = []
    for (let tries = 0; out.length < count && candidates.length > 0 && tries < count * 50; tries++) {
      const { url } = pick(candidates)
      const path = fillPattern(url, random)
      const allowed = METHODS.filter(method => knownMethods(method, path))
      const wrong = METHODS.filter(method => !allowed.includes(method))
      if (allowed.length === 0 || wrong.length === 0) continue
      out.push({ method: pick(wrong), url: path })
    }
    return out
  }
  const miss = (makePath) => {
    const out = []
    for (let tries = 0; out.length < count && tries < count * 50; tries++) {
      const method = random() < 0.75 ? 'GET' : 'POST'
      const path = makePath()
      if (path === null || METHODS.some(other => knownMethods(other, path)) || knownMethods('HEAD', path)) continue
      out.push({ method, url: path })
    }
    return out
  }
  const resources = patterns.filter(route => route.family >= 0)
  const groups = {
    'hit-shallow': hit(patterns.filter(route => segments(route.url) <= 3 && !route.url.includes('*'))),
    'hit-deep': hit(patterns.filter(route => segments(route.url) >= 6)),
    'hit-overlap': hit(patterns.filter(route => overlapFamilies.has(route.family) && /\/:id$/.test(route.url))),
    'miss-shallow': miss(() => pick([
      () => `/${pick(['favicon.ico', 'login', 'robots.txt', 'wp-admin', 'api'])}`,
      () => `/api/v1/unknown${Math.floor(random() * 1000)}`,
      () => `/api/v2/${pick(NOUNS)}`
    ])()),
    'miss-deep': miss(() => {
      const deep = resources.filter(route => segments(route.url) >= 6)
      if (deep.length === 0) return null
      const { url } = pick(deep)
      const path = fillPattern(url, random)
      // One segment too many, or a deep static segment that does not exist.
      return random() < 0.5 ? `${path}/extra` : path.replace(/\/([a-z]+)\/(\d+)$/, '/unknown/$2')
    })
  }
  for (const [name, list] of Object.entries(groups)) {
    if (list.length === 0) {
      delete groups[name]
      continue
    }
    for (let i = 0; list.length < count; i++) list.push(list[i])
  }
  return groups
}
