/**
 * Which route patterns can match the same request path. A pattern that shares no path with any other
 * pattern is "solo": every request it matches is matched by its routes alone, so its Allow value can be
 * computed once at startup instead of asking the router once per method on each request.
 *
 * The analysis is conservative: it may call two patterns overlapping when no path matches both (that only
 * costs speed, never correctness), but never the reverse. It relies on find-my-way's matching rules
 * (lib/node.js, index.js `find`): a parameter never spans a `/`, a static part matches itself only
 * (case-folded when the router is case-insensitive), and a wildcard takes the rest of the path.
 */

const enum Kind { Static, Dynamic, Wildcard }

export type Segment =
  | { kind: Kind.Static, text: string }
  | { kind: Kind.Dynamic | Kind.Wildcard }

const DYNAMIC: Segment = { kind: Kind.Dynamic }
const WILDCARD: Segment = { kind: Kind.Wildcard }

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
        segments.push(WILDCARD)
        return segments
      }
      if (text.includes(':')) segments.push(DYNAMIC)
      else segments.push({ kind: Kind.Static, text: caseSensitive ? text : text.toLowerCase() })
      start = i + 1
    }
  }
  return segments
}

interface TrieNode {
  statics: Map<string, TrieNode>
  dynamic: TrieNode | null
  /** Owners of patterns that end here. */
  ends: Set<number>
  /** Owners of patterns with a wildcard at this depth: they match every path that reaches this node. */
  wildcards: Set<number>
  /** Up to two distinct owners found in this subtree, enough to tell "someone other than me". */
  sample: number[]
}

const createNode = (): TrieNode => ({ statics: new Map(), dynamic: null, ends: new Set(), wildcards: new Set(), sample: [] })

function addSample (node: TrieNode, owner: number): void {
  if (node.sample.length < 2 && !node.sample.includes(owner)) node.sample.push(owner)
}

/**
 * Given patterns tagged with an owner (several patterns may share one owner, e.g. the two expansions of an
 * optional parameter), returns the owners one of whose patterns can match a path that a pattern of
 * another owner also matches.
 */
export function findOverlappingOwners (patterns: ReadonlyArray<{ owner: number, segments: Segment[] }>): Set<number> {
  const root = createNode()
  for (const { owner, segments } of patterns) {
    let node = root
    addSample(node, owner)
    for (const segment of segments) {
      if (segment.kind === Kind.Wildcard) break
      let next = segment.kind === Kind.Static ? node.statics.get(segment.text) : node.dynamic
      if (next === undefined || next === null) {
        next = createNode()
        if (segment.kind === Kind.Static) node.statics.set(segment.text, next)
        else node.dynamic = next
      }
      node = next
      addSample(node, owner)
    }
    const last = segments[segments.length - 1]
    if (last !== undefined && last.kind === Kind.Wildcard) node.wildcards.add(owner)
    else node.ends.add(owner)
  }

  const overlapping = new Set<number>()
  for (const { owner, segments } of patterns) {
    if (!overlapping.has(owner) && meetsOther(root, segments, 0, owner)) overlapping.add(owner)
  }
  return overlapping
}

const hasOther = (owners: Iterable<number>, owner: number): boolean => {
  for (const other of owners) if (other !== owner) return true
  return false
}

function meetsOther (node: TrieNode, segments: Segment[], index: number, owner: number): boolean {
  if (hasOther(node.wildcards, owner)) return true
  const segment = segments[index]
  if (segment === undefined) return hasOther(node.ends, owner)
  if (segment.kind === Kind.Wildcard) return hasOther(node.sample, owner)
  if (node.dynamic !== null && meetsOther(node.dynamic, segments, index + 1, owner)) return true
  if (segment.kind === Kind.Static) {
    const next = node.statics.get(segment.text)
    return next !== undefined && meetsOther(next, segments, index + 1, owner)
  }
  for (const next of node.statics.values()) {
    if (meetsOther(next, segments, index + 1, owner)) return true
  }
  return false
}
