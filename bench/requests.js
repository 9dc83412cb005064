// The requests of the benchmarks, generated from a route table and checked against Fastify's own router:
// a concrete URL for every pattern (with the methods Fastify routes there), and request groups.
//
// Every answer comes from `app.findRoute()` on a ready plain Fastify app holding the table (`plainApp`), so
// that a 405 request really is a routed path with a method it lacks and a 404 request really is unknown.

import Fastify from 'fastify'
import { METHODS, NOUNS, SUBS, isReal } from './routes.js'

/** mulberry32: a small seeded PRNG, so that every run generates the same requests. */
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

/** A ready Fastify app without plugin holding the routes; a route Fastify refuses is an error of the table. */
export async function plainApp (routes) {
  const app = Fastify()
  for (const { method, url } of routes) {
    try {
      app.route({ method, url, handler: () => {} })
    } catch (error) {
      throw new Error(`the route table has a route Fastify refuses: ${method} ${url} (${error.message})`)
    }
  }
  await app.ready()
  return app
}

// Values a real client would send, for the parameter names of the tables that are not numbers.
const VALUES = {
  owner: 'octocat',
  org: 'octo-org',
  username: 'monalisa',
  enterprise: 'octo-corp',
  repo: 'hello-world',
  repo_name: 'hello-world',
  template_owner: 'octocat',
  template_repo: 'template',
  repo_owner: 'octocat',
  target_user: 'hubot',
  assignee: 'hubot',
  actor_type: 'organization',
  actor_identifier: 'octo-org',
  team_slug: 'justice-league',
  app_slug: 'octoapp',
  ghsa_id: 'GHSA-abcd-1234-efgh',
  sha: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
  commit_sha: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
  file_sha: '3a0f86fb8db8eea7ccbb9a95f325ddbedfb25e15',
  tag_sha: '940bd336248efae0f9ee5bc7b2d5c985887b16ac',
  tree_sha: '9fb037999f264ba9a7fc6274d15fa3ae2ab98312',
  ref: 'main',
  branch: 'main',
  // `BASE...HEAD` is the other pattern's (`:base...:head`, which find-my-way tries first): two dots reach this one.
  basehead: 'main..feature',
  base: 'main',
  head: 'feature',
  tag: 'v1.0.0',
  path: 'README.md',
  dir: 'docs',
  name: 'web-7f9c',
  namespace: 'default',
  logpath: 'kubelet.log',
  key: 'ssh-ed25519',
  code: 'a1b2c3',
  client_id: 'Iv1.8a61f9b3a7aba766',
  secret_name: 'NPM_TOKEN',
  package_type: 'npm',
  package_name: 'left-pad',
  version: 'v1',
  cluster: 'default',
  language: 'javascript',
  license: 'mit',
  archive_format: 'tarball',
  security_product: 'dependency_graph',
  enablement: 'enable_all',
  environment_name: 'production',
  concurrency_group_name: 'deploy',
  custom_property_name: 'team',
  codespace_name: 'monalisa-octocat-hello-world-g4wpq6h95q',
  gist_id: 'aa5a315d61ae9438b18d',
  uuid: 'a3a7e6a8-9b0a-4d4e-8f71-2c4b5b3f1e11',
  sbom_uuid: 'a3a7e6a8-9b0a-4d4e-8f71-2c4b5b3f1e11',
  subject_digest: 'sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72',
  fileName: 'report.pdf'
}
const isNumberLike = (name) => /(^|_)(id|number|n)$|Id$/.test(name)
const REGEX_CANDIDATES = ['2024', '42']

/** A concrete path for a pattern: plausible values for its params, which satisfy their regex if any. */
export function fillPattern (url, random) {
  return url
    .replace(/:([A-Za-z0-9_]+)(\(([^)]*)\))?/g, (whole, name, group, regex) => {
      const value = VALUES[name] ??
        (isNumberLike(name) ? String(1 + Math.floor(random() * 9999)) : name.replaceAll('_', '-'))
      if (regex === undefined || new RegExp(regex).test(value)) return value
      return REGEX_CANDIDATES.find(candidate => new RegExp(regex).test(candidate))
    })
    .replace('*', () => `css/app${Math.floor(random() * 100)}.css`)
}

const paramNames = (pattern) => [
  ...[...pattern.matchAll(/:([A-Za-z0-9_]+)/g)].map(match => match[1]),
  ...(pattern.includes('*') ? ['*'] : [])
].sort().join()

const segments = (url) => url.split('/').length - 1

/**
 * For every distinct pattern of the table, a concrete URL that reaches it (Fastify's best match for one of
 * its methods has its params), with the methods Fastify routes there (every one of `app.supportedMethods`
 * is asked) and a wrong method of the five in use (null when the URL has all five). Patterns that no filled
 * URL reaches (hidden behind another pattern) are returned apart as `unreached`.
 */
export function patternRequests (routes, app) {
  const random = prng(0x5EED)
  const supported = [...app.supportedMethods]
  const byPattern = new Map()
  for (const { method, url } of routes) {
    if (!byPattern.has(url)) byPattern.set(url, [])
    byPattern.get(url).push(method)
  }
  const requests = []
  const unreached = []
  for (const [pattern, own] of byPattern) {
    const url = fillPattern(pattern, random)
    const match = app.findRoute({ method: own[0], url })
    if (match === null || Object.keys(match.params).sort().join() !== paramNames(pattern)) {
      unreached.push({ pattern, url })
      continue
    }
    const methods = supported.filter(method => app.findRoute({ method, url }) !== null)
    const wrong = METHODS.find(method => !methods.includes(method)) ?? null
    requests.push({ pattern, url, methods, wrong })
  }
  return { requests, unreached }
}

/**
 * Request groups for a table, each a list of `{ method, url }` (`count` per group for synthetic tables,
 * repeated when the table is too small to offer that many distinct ones; every qualifying pattern for real
 * tables). 405 groups (`hit-*`: a routed path, a method it lacks) and 404 groups (`miss-*`: unknown paths).
 */
export function requestGroups (table, routes, app, count = 32) {
  const known = (method, url) => app.findRoute({ method, url }) !== null
  const unknown = (url) => !app.supportedMethods.some(method => known(method, url))
  const groups = isReal(table) ? realGroups(routes, app, unknown) : syntheticGroups(routes, known, unknown, count)
  for (const [name, list] of Object.entries(groups)) if (list.length === 0) delete groups[name]
  return groups
}

/** Unknown paths of up to 3 segments, as scanners and typos send them. */
const shallowMiss = (random, extra) => {
  const choices = [
    () => `/${['favicon.ico', 'login', 'robots.txt', 'wp-admin', 'api'][Math.floor(random() * 5)]}`,
    () => `/api/v1/unknown${Math.floor(random() * 1000)}`,
    ...extra
  ]
  return choices[Math.floor(random() * choices.length)]()
}

/** A concrete URL made unknown deep in the tree: one segment too many, or an unknown last static segment. */
const deepMiss = (path, random) =>
  random() < 0.5 ? `${path}/extra` : path.replace(/\/([a-z]+)\/([^/]+)$/, '/unknown/$2')

/**
 * Real tables: one request per pattern, with its wrong method (405), grouped by depth; misses derived from
 * the same URLs.
 */
function realGroups (routes, app, unknown) {
  const random = prng(0xA11CE)
  const { requests } = patternRequests(routes, app)
  const hits = requests.filter(request => request.wrong !== null).map(({ wrong, url }) => ({ method: wrong, url }))
  const misses = (paths) => [...new Set(paths)].filter(unknown)
    .map(url => ({ method: random() < 0.75 ? 'GET' : 'POST', url }))
  return {
    'hit-shallow': hits.filter(({ url }) => segments(url) <= 3),
    'hit-deep': hits.filter(({ url }) => segments(url) >= 6),
    'hit-all': hits,
    'miss-shallow': misses(Array.from({ length: 32 }, () => shallowMiss(random, []))),
    'miss-deep': misses(requests.filter(({ url }) => segments(url) >= 5).map(({ url }) => deepMiss(url, random)))
  }
}

/**
 * Synthetic tables:
 * - hit-shallow: up to 3 segments (`/health`, `/api/v1/users`), a method the path lacks;
 * - hit-deep: 6 segments and more, e.g. `/api/v1/users/12/members/34/issues/56` with DELETE;
 * - hit-overlap: `/api/v1/<name>/:id` in a collection that also has the static sibling `/<name>/search`;
 * - hit-partial: `/api/v1/<name>/files/:fileName(<regex>)`, which shares URLs with `/api/v1/<name>/:id/<sub>`
 *   (see routes.js): half the file names are that `<sub>` (POST allowed), half are not;
 * - miss-shallow: an unknown path of up to 3 segments;
 * - miss-deep: an unknown path that walks deep into the tree before failing.
 */
function syntheticGroups (routes, known, unknown, count) {
  const random = prng(0xA11CE)
  const pick = (list) => list[Math.floor(random() * list.length)]
  const patterns = [...new Map(routes.map(route => [route.url, route])).values()]
  const overlapFamilies = new Set(routes.filter(route => route.url.endsWith('/search')).map(route => route.family))

  const hit = (candidates, fill = (route) => fillPattern(route.url, random)) => {
    const out = []
    for (let tries = 0; out.length < count && candidates.length > 0 && tries < count * 50; tries++) {
      const path = fill(pick(candidates))
      const allowed = METHODS.filter(method => known(method, path))
      const wrong = METHODS.filter(method => !allowed.includes(method))
      if (allowed.length === 0 || wrong.length === 0) continue
      out.push({ method: pick(wrong), url: path })
    }
    return out
  }
  const miss = (makePath) => {
    const out = []
    for (let tries = 0; out.length < count && tries < count * 50; tries++) {
      const path = makePath()
      if (path === null || !unknown(path)) continue
      out.push({ method: random() < 0.75 ? 'GET' : 'POST', url: path })
    }
    return out
  }
  const deep = patterns.filter(route => route.family >= 0 && segments(route.url) >= 6)
  // Half the time, the file name that the overlapping `:id/<sub>` pattern of the same family also matches.
  const fileOrSub = ({ url, family }) =>
    url.replace(/:fileName\([^)]*\)/, random() < 0.5 ? 'report.pdf' : SUBS[family % SUBS.length])
  const groups = {
    'hit-shallow': hit(patterns.filter(route => segments(route.url) <= 3 && !route.url.includes('*'))),
    'hit-deep': hit(patterns.filter(route => segments(route.url) >= 6)),
    'hit-overlap': hit(patterns.filter(route => overlapFamilies.has(route.family) && /\/:id$/.test(route.url))),
    'hit-partial': hit(patterns.filter(route => route.url.includes('/files/:fileName')), fileOrSub),
    'miss-shallow': miss(() => shallowMiss(random, [() => `/api/v2/${pick(NOUNS)}`])),
    'miss-deep': miss(() => deep.length === 0 ? null : deepMiss(fillPattern(pick(deep).url, random), random))
  }
  for (const list of Object.values(groups)) {
    for (let i = 0; list.length > 0 && list.length < count; i++) list.push(list[i])
  }
  return groups
}
