/**
 * Which route patterns can match the same request path, and which pattern matches every path another one
 * matches. With this, most patterns get their Allow value (or most of it) computed once at startup
 * instead of asking the router once per method on each request (see registry.ts).
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
  for (let i = 0; ; i++) {
    const o = outer[i]
    const n = inner[i]
    if (o === undefined || n === undefined) return o === n
    if (o.kind === Kind.Wildcard) return o.pure
    if (n.kind === Kind.Wildcard) return false
    if (o.kind === Kind.Static) {
      if (n.kind !== Kind.Static || n.text !== o.text) return false
    } else if (!o.plain) {
      return false
    } else if (n.kind === Kind.Static) {
      // The parameter's value is the decoded segment: keep to texts whose length cannot change by decoding.
      if (n.text === '' || n.text.length > maxParamLength || n.text.includes('%')) return false
    } else if (!n.plain) {
      return false
    }
  }
}

interface TrieNode {
  readonly statics: Map<string, TrieNode>
  dynamic: TrieNode | null
  /** Owners of patterns that end here. */
  readonly ends: number[]
  /** Owners of patterns with a wildcard at this depth: they match every path that reaches this node. */
  readonly wildcards: number[]
}

const createNode = (): TrieNode => ({ statics: new Map(), dynamic: null, ends: [], wildcards: [] })

/**
 * For each owner of patterns (several patterns may share one owner), the other owners one of whose
 * patterns can match a path that one of its own matches; null for an owner that meets more than `limit`
 * others, for which the registry does not precompute anything.
 */
export function findOverlaps (patterns: ReadonlyArray<{ owner: number, segments: readonly Segment[] }>, limit: number): Map<number, Set<number> | null> {
  const root = createNode()
  for (const { owner, segments } of patterns) {
    let node = root
    for (const segment of segments) {
      if (segment.kind === Kind.Wildcard) break
      let next = segment.kind === Kind.Static ? node.statics.get(segment.text) : node.dynamic
      if (next === undefined || next === null) {
        next = createNode()
        if (segment.kind === Kind.Static) node.statics.set(segment.text, next)
        else node.dynamic = next
      }
      node = next
    }
    const last = segments[segments.length - 1]
    if (last !== undefined && last.kind === Kind.Wildcard) node.wildcards.push(owner)
    else node.ends.push(owner)
  }

  const overlaps = new Map<number, Set<number> | null>()
  for (const { owner, segments } of patterns) {
    const found = overlaps.get(owner) ?? new Set<number>()
    if (overlaps.get(owner) === null) continue
    collect(root, segments, 0, found, limit + 1)
    found.delete(owner)
    overlaps.set(owner, found.size > limit ? null : found)
  }
  return overlaps
}

/** Adds to `found` the owners of patterns that can share a path with `segments` from `index` on. */
function collect (node: TrieNode, segments: readonly Segment[], index: number, found: Set<number>, limit: number): void {
  if (found.size > limit) return
  for (const owner of node.wildcards) found.add(owner)
  const segment = segments[index]
  if (segment === undefined) {
    for (const owner of node.ends) found.add(owner)
    return
  }
  if (segment.kind === Kind.Wildcard) return collectAll(node, found, limit)
  if (node.dynamic !== null) collect(node.dynamic, segments, index + 1, found, limit)
  if (segment.kind === Kind.Static) {
    const next = node.statics.get(segment.text)
    if (next !== undefined) collect(next, segments, index + 1, found, limit)
    return
  }
  for (const next of node.statics.values()) collect(next, segments, index + 1, found, limit)
}

/** Adds every owner of the subtree: a wildcard meets all of them. */
function collectAll (node: TrieNode, found: Set<number>, limit: number): void {
  if (found.size > limit) return
  for (const owner of node.ends) found.add(owner)
  for (const owner of node.wildcards) found.add(owner)
  if (node.dynamic !== null) collectAll(node.dynamic, found, limit)
  for (const next of node.statics.values()) collectAll(next, found, limit)
}
