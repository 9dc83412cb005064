// Route tables made to cost the plugin's startup the most: the pattern analysis (build/pattern-overlap.ts) and
// the plans (build/plan.ts) work per pair of patterns that can match one URL, so these tables are made of such
// pairs. Each is a list of `{ method, url }` registrations like routes.js's tables, and comes with the URLs where
// its patterns meet (`meetingUrls`), which bench/adversarial.js checks the registry's answers on.
//
// Method mixes: pattern i gets MIXES[i % MIXES.length], so that two patterns that meet hold different methods
// (the answer where they meet is neither one's alone), two patterns in seven have a single method, and one mix
// has an OPTIONS route of its own. (Regex siblings are the exception: see `regexSiblings`.)

/** The tables, by name. */
export const ADVERSARIAL_TABLES = ['crossing', 'meetings', 'regex-siblings', 'deep-wildcards']

const MIXES = [
  ['GET'],
  ['GET', 'POST'],
  ['PUT'],
  ['GET', 'PUT', 'DELETE'],
  ['POST', 'PATCH'],
  ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  ['DELETE', 'OPTIONS']
]

const registrations = (patterns) =>
  patterns.flatMap((url, i) => (MIXES[i % MIXES.length]).map(method => ({ method, url })))

const range = (n) => Array.from({ length: n }, (_, i) => i)

const CROSSING = 2000

/**
 * 2,000 `/a/:x/c<i>` and 2,000 `/a/b<i>/:y`: every pattern of one kind meets every pattern of the other
 * (`/a/b<i>/c<j>` matches both), far past the number of overlaps the planner plans for (MAX_OVERLAPS).
 */
const crossing = {
  routes: () => registrations(crossing.patterns()),
  patterns: () => [...range(CROSSING).map(i => `/a/:x/c${i}`), ...range(CROSSING).map(i => `/a/b${i}/:y`)],
  meetingUrls: () => range(CROSSING).map(i => `/a/b${i}/c${(i * 7) % CROSSING}`)
}

const MEETINGS = 4000
const GRID = 8

/**
 * 4,000 patterns in grids whose meetings the planner adds and plans. Grid g sits under a static prefix of
 * 1 to 4 segments (`/m<g>`, `/m<g>/s`, ...), so that its parametric and static siblings are at several depths:
 * 8 columns `<prefix>/:row/c<j>` and 8 rows `<prefix>/r<i>/:col` (every column meets every row at
 * `<prefix>/r<i>/c<j>`), and the static `<prefix>/r<i>/c<j>` itself for half the 64 crossings (where i + j is
 * even): each column and row meets 12 other patterns (within MAX_OVERLAPS), and the 32 other crossings are
 * meetings no pattern writes, which the planner adds (48 patterns and 32 meetings a grid: within its bound of
 * as many meetings as patterns).
 */
const meetings = {
  grids: () => {
    const grids = []
    for (let g = 0, count = 0; count < MEETINGS; g++) {
      const prefix = `/m${g}` + '/s'.repeat(g % 4)
      const patterns = [
        ...range(GRID).map(j => `${prefix}/:row/c${j}`),
        ...range(GRID).map(i => `${prefix}/r${i}/:col`),
        ...range(GRID * GRID).filter(k => (Math.floor(k / GRID) + k % GRID) % 2 === 0)
          .map(k => `${prefix}/r${Math.floor(k / GRID)}/c${k % GRID}`)
      ].slice(0, MEETINGS - count)
      grids.push({ prefix, patterns })
      count += patterns.length
    }
    return grids
  },
  routes: () => registrations(meetings.grids().flatMap(grid => grid.patterns)),
  meetingUrls: () => meetings.grids().flatMap(({ prefix }) =>
    range(GRID * GRID).map(k => `${prefix}/r${Math.floor(k / GRID)}/c${k % GRID}`))
}

const REGEX_GROUPS = 600

/**
 * 600 groups of 7 patterns whose parameters overlap: `/r<i>/:id(^\d+$)`, `/r<i>/:id(^[a-z]+$)` and
 * `/r<i>/:slug` at the same place (a lowercase or numeric segment matches a regex and the plain parameter), a
 * static sibling `new` that all but the numeric one match, a parameter after static text (`v:version(^\d+$)`),
 * and the regex and plain parameters again one level down (`/:id(^\d+$)/items`, `/:slug/items`). find-my-way
 * refuses a method on two regex parameters of one place (`Method 'GET' already declared`): the regex siblings
 * of a group have methods of their own, in two mixes that alternate from group to group.
 */
const regexSiblings = {
  routes: () => range(REGEX_GROUPS).flatMap(i => {
    const [digits, letters, version] = i % 2 === 0
      ? [['GET', 'PUT'], ['POST', 'PATCH'], ['DELETE']]
      : [['POST'], ['GET', 'DELETE'], ['PUT', 'PATCH']]
    const mix = (k) => MIXES[(i + k) % MIXES.length]
    return [
      [`/r${i}/:id(^\\d+$)`, digits],
      [`/r${i}/:id(^[a-z]+$)`, letters],
      [`/r${i}/:slug`, mix(0)],
      [`/r${i}/new`, mix(1)],
      [`/r${i}/v:version(^\\d+$)`, version],
      [`/r${i}/:id(^\\d+$)/items`, mix(2)],
      [`/r${i}/:slug/items`, mix(3)]
    ].flatMap(([url, methods]) => methods.map(method => ({ method, url })))
  }),
  meetingUrls: () => range(REGEX_GROUPS).flatMap(i =>
    ['123', 'abc', 'new', 'v12', 'Abc-1', '123/items', 'abc/items'].map(rest => `/r${i}/${rest}`))
}

const WILDCARDS = 20000
const DEPTHS = ['a', 'b', 'c', 'd']

/**
 * 20,000 wildcards behind static prefixes of 1 to 5 segments. In groups of five: in every other group, five
 * wildcards nested under one `/w<g>` (`/w<g>/*`, `/w<g>/a/*`, ... `/w<g>/a/b/c/d/*`), each containing the deeper
 * ones, one group in four with a parameter in place of `b` (`/w<g>/a/:p/c/*`); in the other groups, five
 * prefixes of their own (`/w<g>-<k>/a/.../*`, k static segments after it).
 */
const deepWildcards = {
  routes: () => registrations(deepWildcards.patterns()),
  patterns: () => range(WILDCARDS / 5).flatMap(g => range(5).map(k => {
    const path = DEPTHS.slice(0, k)
    if (g % 2 === 1) return [`/w${g}-${k}`, ...path, '*'].join('/')
    if (g % 4 === 0 && k === 3) path[1] = ':p'
    return [`/w${g}`, ...path, '*'].join('/')
  })),
  meetingUrls: () => range(WILDCARDS / 5).flatMap(g => g % 2 === 1
    ? [`/w${g}-4/a/b/c/d/e/f.css`, `/w${g}-2/a/x`]
    : [`/w${g}/a/b/c/d/e/f.css`, `/w${g}/a/b/c/x`, `/w${g}/a/x/c/y`, `/w${g}/z`])
}

const TABLES = {
  crossing, meetings, 'regex-siblings': regexSiblings, 'deep-wildcards': deepWildcards
}

export const isAdversarial = (table) => ADVERSARIAL_TABLES.includes(String(table))

function of (table) {
  const found = TABLES[String(table)]
  if (found === undefined) {
    throw new Error(`unknown adversarial table ${table}: one of ${ADVERSARIAL_TABLES.join(', ')}`)
  }
  return found
}

/** The routes of an adversarial table, in registration order, one method each. */
export const adversarialRoutes = (table) => of(table).routes()

/** The URLs where the table's patterns meet, beyond one URL per pattern. */
export const meetingUrls = (table) => of(table).meetingUrls()
