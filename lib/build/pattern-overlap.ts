/**
 * Which route patterns can match the same request path, which pattern matches every path another one
 * matches, and which paths two patterns share. With this, build/plan.ts plans the answer of most patterns at
 * startup instead of asking the router once per method on each request.
 *
 * The analysis is conservative: it may call two patterns overlapping when no path matches both, or fail to
 * see that one contains the other (both only cost speed), but never the reverse (a wrong Allow header).
 * It relies on find-my-way's matching rules (index.js `find`): a parameter never spans a `/` and holds at
 * most `maxParamLength` characters, a static part matches itself only (case-folded when the router is
 * case-insensitive), and a wildcard takes the rest of the path.
 */

const enum Kind { Static, Dynamic, Wildcard }

export type Segment =
  | { readonly kind: Kind.Static, readonly text: string }
  /** `plain`: one parameter and nothing else (`:id`), which matches any non-empty segment of allowed length. */
  | { readonly kind: Kind.Dynamic, readonly plain: boolean }
  /** `pure`: a whole segment `*`, which matches any rest of the path, empty included. */
  | { readonly kind: Kind.Wildcard, readonly pure: boolean }

/** Splits a normalised find-my-way pattern into `/`-separated segments, keeping regex groups whole. */
export function parsePattern (pattern: string, caseSensitive: boolean): Segment[] {
  const segments: Segment[] = []
  let start = 0
  let depth = 0
  let slashInRegex = false
  for (let i = 0; i <= pattern.length; i++) {
    const char = pattern[i]
    if (char === '\\') { i++; continue }
    if (char === '(') depth++
    else if (char === ')') depth--
    else if (char === '/' && depth > 0) slashInRegex = true
    else if (i === pattern.length || (char === '/' && depth === 0)) {
      const text = pattern.slice(start, i)
      // A regex holding a `/` can never match a single segment; treating it as a wildcard is the safe side.
      if (text.includes('*') || slashInRegex) {
        segments.push({ kind: Kind.Wildcard, pure: text === '*' })
        return segments
      }
      if (text.includes(':')) segments.push({ kind: Kind.Dynamic, plain: /^:[^:()\-.]+$/.test(text) })
      else segments.push({ kind: Kind.Static, text: caseSensitive ? text : text.toLowerCase() })
      start = i + 1
    }
  }
  return segments
}

/**
 * Whether every path `inner` matches is matched by `outer` too. Only the certain cases say yes: the same
 * static segments, a plain parameter over a plain parameter or over a static segment it can hold, and a
 * whole-segment wildcard over anything that reaches it.
 */
export function contains (outer: readonly Segment[], inner: readonly Segment[], maxParamLength: number): boolean {
  for (let i = 0; i < outer.length; i++) {
    const o = outer[i] as Segment
    const n = inner[i]
    if (n === undefined) return false
    if (o.kind === Kind.Wildcard) return o.pure
    if (n.kind === Kind.Wildcard) return false
    if (o.kind === Kind.Static) {
      if (n.kind !== Kind.Static || n.text !== o.text) return false
    } else if (!o.plain) {
      return false
    } else if (n.kind === Kind.Static) {
      if (!paramHolds(n.text, maxParamLength)) return false
    } else if (!n.plain) {
      return false
    }
  }
  return inner.length === outer.length
}

// The parameter's value is the decoded segment: keep to texts whose length cannot change by decoding.
const paramHolds = (text: string, maxParamLength: number): boolean =>
  text !== '' && text.length <= maxParamLength && !text.includes('%')

/**
 * The paths both patterns match, as a pattern of static segments and plain parameters: `a` with the static
 * segments of `b` where `a` has a parameter. null when no path matches both; undefined when that cannot be
 * said so simply (other parametric segments, wildcards, empty or unusual static segments).
 */
export function intersect (
  a: readonly Segment[], b: readonly Segment[], maxParamLength: number
): Segment[] | null | undefined {
  if (!isSimple(a) || !isSimple(b)) return undefined
  // A parameter never spans a `/` and is never empty: paths of both have as many segments.
  if (a.length !== b.length) return null
  const both: Segment[] = []
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Segment
    const y = b[i] as Segment
    if (x.kind === Kind.Static && y.kind === Kind.Static) {
      if (x.text !== y.text) return null
      both.push(x)
    } else if (x.kind === Kind.Static || y.kind === Kind.Static) {
      const text = x.kind === Kind.Static ? x : y as Segment & { kind: Kind.Static }
      if (!paramHolds(text.text, maxParamLength)) return undefined
      both.push(text)
    } else {
      both.push(x)
    }
  }
  return both
}

/**
 * Whether a pattern is made of static segments and plain parameters only, its static segments written as
 * find-my-way stores them (no `(`, nothing `on()` would normalise again).
 */
export const isSimple = (segments: readonly Segment[]): boolean => segments.every((segment, i) =>
  segment.kind === Kind.Static
    ? (segment.text !== '' || i === 0) && !segment.text.includes('(')
    : segment.kind === Kind.Dynamic && segment.plain)

/** A simple pattern (see `isSimple`) written for find-my-way's `on()`, its parameters named by position. */
export const writePattern = (segments: readonly Segment[]): string =>
  segments.map((segment, i) => segment.kind === Kind.Static ? segment.text : `:p${i}`).join('/')

interface TrieNode {
  readonly statics: Map<string, TrieNode>
  /** Patterns with a plain parameter here: one node of find-my-way's tree, whatever the parameter's name. */
  param: TrieNode | null
  /** Patterns with any other parametric segment here (regex, several parameters, static parts). */
  dynamic: TrieNode | null
  readonly ends: number[]
  /** Owners of patterns with a wildcard at this depth: they match every path that reaches this node. */
  readonly wildcards: number[]
}

const createNode = (): TrieNode => ({ statics: new Map(), param: null, dynamic: null, ends: [], wildcards: [] })

/**
 * For each owner of a pattern, the owners of the other patterns that can match a path its pattern matches,
 * when find-my-way's `find()` on a tree holding all of them returns that pattern; null for an owner that
 * meets more than `limit` others, for which nothing is precomputed.
 *
 * With `ranked`, patterns that find-my-way tries before the owner's are left out: had one of them matched
 * the path, `find()` would have returned it. find-my-way walks its tree depth first, and at each node tries
 * the static children before the parametric ones and those before the wildcard, backtracking when a branch
 * fails (index.js `find`, lib/node.js `getNextNode`). So a pattern that shares the owner's nodes up to a
 * segment where it has a static segment and the owner a parameter or a wildcard, or a parameter where the
 * owner has a whole-segment wildcard, is tried first. Shared nodes are the same static texts and plain
 * parameters; other parametric segments may sit in different nodes, in an order not relied on.
 */
export function findOverlaps (
  patterns: ReadonlyArray<{ owner: number, segments: readonly Segment[] }>, limit: number, ranked: boolean
): Map<number, Set<number> | null> {
  const root = createNode()
  for (const { owner, segments } of patterns) {
    let node = root
    for (const segment of segments) {
      if (segment.kind === Kind.Wildcard) break
      node = segment.kind === Kind.Static
        ? node.statics.get(segment.text) ?? setStatic(node, segment.text)
        : segment.plain ? (node.param ??= createNode()) : (node.dynamic ??= createNode())
    }
    const last = segments[segments.length - 1]
    if (last !== undefined && last.kind === Kind.Wildcard) node.wildcards.push(owner)
    else node.ends.push(owner)
  }

  const overlaps = new Map<number, Set<number> | null>()
  for (const { owner, segments } of patterns) {
    const found = new Set<number>()
    collect(root, segments, 0, found, limit + 1, ranked)
    found.delete(owner)
    overlaps.set(owner, found.size > limit ? null : found)
  }
  return overlaps
}

function setStatic (node: TrieNode, text: string): TrieNode {
  const next = createNode()
  node.statics.set(text, next)
  return next
}

/**
 * Adds to `found` the owners of patterns that can share a path with `segments` from `index` on. `onPath`:
 * every pattern below `node` shares find-my-way's nodes with `segments` so far (see `findOverlaps`).
 */
function collect (
  node: TrieNode, segments: readonly Segment[], index: number, found: Set<number>, limit: number, onPath: boolean
): void {
  if (found.size > limit) return
  for (const owner of node.wildcards) found.add(owner)
  const segment = segments[index]
  if (segment === undefined) {
    for (const owner of node.ends) found.add(owner)
    return
  }
  if (segment.kind === Kind.Wildcard) {
    if (!onPath || !segment.pure) return collectAll(node, found, limit)
    // Everything below this node is tried before a whole-segment wildcard.
    for (const owner of node.ends) found.add(owner)
    return
  }
  if (segment.kind === Kind.Static) {
    const next = node.statics.get(segment.text)
    if (next !== undefined) collect(next, segments, index + 1, found, limit, onPath)
    // Tried after ours: only a match tells.
    if (node.param !== null) collect(node.param, segments, index + 1, found, limit, false)
    if (node.dynamic !== null) collect(node.dynamic, segments, index + 1, found, limit, false)
    return
  }
  if (node.param !== null) collect(node.param, segments, index + 1, found, limit, onPath && segment.plain)
  if (node.dynamic !== null) collect(node.dynamic, segments, index + 1, found, limit, false)
  // Static children are tried before any parameter.
  if (onPath) return
  for (const next of node.statics.values()) collect(next, segments, index + 1, found, limit, false)
}

/** Adds every owner of the subtree: a wildcard meets all of them. */
function collectAll (node: TrieNode, found: Set<number>, limit: number): void {
  if (found.size > limit) return
  for (const owner of node.ends) found.add(owner)
  for (const owner of node.wildcards) found.add(owner)
  if (node.param !== null) collectAll(node.param, found, limit)
  if (node.dynamic !== null) collectAll(node.dynamic, found, limit)
  for (const next of node.statics.values()) collectAll(next, found, limit)
}

/**
 * Of route patterns that all match one path, the most specific: compared segment by segment from the left,
 * the first segment where one is more specific decides, in the order find-my-way tries them at a node of its
 * tree (index.js `find`, lib/node.js `getNextNode`): a static segment, then a parameter with a regex or
 * static text beside it (lib/node.js sorts those parametric children first), then a plain parameter, then a
 * wildcard. Equally specific (a pattern that ends where the other has an optional parameter, find-my-way's
 * same pattern): the first given.
 */
export function mostSpecific (patterns: readonly string[]): string | undefined {
  let best: string | undefined
  let bestSegments: readonly Segment[] = []
  for (const pattern of patterns) {
    const segments = parsePattern(pattern, true)
    if (best === undefined || isMoreSpecific(segments, bestSegments)) {
      best = pattern
      bestSegments = segments
    }
  }
  return best
}

function isMoreSpecific (a: readonly Segment[], b: readonly Segment[]): boolean {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const difference = triedOrder(a[i] as Segment) - triedOrder(b[i] as Segment)
    if (difference !== 0) return difference < 0
  }
  return false
}

const triedOrder = (segment: Segment): number =>
  segment.kind === Kind.Static ? 0 : segment.kind === Kind.Dynamic ? (segment.plain ? 2 : 1) : 3
