import { contains, findOverlaps, intersect, isSimple, writePattern, type Segment } from './pattern-overlap.js'

/** What the planner knows of one path pattern of the app (constraints aside). */
export interface PatternFacts {
  readonly segments: readonly Segment[]
  readonly methods: ReadonlySet<string>
  readonly excluded: ReadonlySet<string>
  /** Some route of the pattern has constraints: whether it matches depends on the request. */
  readonly constrained: boolean
  /**
   * The pattern is not in the pattern index's first tree (see lookup/pattern-index.ts): a look-up that lands on it
   * says nothing of the patterns find-my-way tries first.
   */
  readonly overflow: boolean
}

/** How to answer for the URLs whose best pattern (in the pattern index) is a given one. */
export interface Plan {
  /** Methods Fastify routes for every such URL: the answer without asking. */
  readonly certain: readonly string[]
  /** Whether `certain` alone makes the URL known (a route that is neither OPTIONS nor a root catch-all). */
  readonly known: boolean
  /** Methods whose route depends on the URL or the request: asked of Fastify's router per request. */
  readonly asked: readonly string[]
}

export interface PlanContext {
  /** Every method of the registry's routes: what a plan that knows nothing asks. */
  readonly methods: readonly string[]
  /** Methods of root catch-alls without constraints (`/*`): they match every URL, without making it known. */
  readonly catchAllMethods: readonly string[]
  readonly maxParamLength: number
  /**
   * False when no plan can hold: a constrained root catch-all may join any answer or not, and a strategy
   * that must match whenever the request derives it (accept-version) makes a request carrying it match no
   * unversioned route (find-my-way lib/handler-storage.js).
   */
  readonly planned: boolean
}

/** Beyond these, a pattern's answers are not planned: it meets too many others to be worth it. */
const MAX_OVERLAPS = 64

const makesKnown = (method: string): boolean => method !== 'OPTIONS'

export interface Planned {
  readonly plans: readonly Plan[]
  /** Patterns for the URLs two patterns share (see `planPatterns`), each with its plan, for the index. */
  readonly meetings: ReadonlyArray<{ readonly pattern: string, readonly plan: Plan }>
}

/**
 * Plans the answer for the URLs whose best pattern is each of `patterns`. Of the patterns such a URL may
 * also match (see `findOverlaps`), every route of one that contains the best pattern (a `/users/:id` for a
 * `/users/me`) matches all those URLs: its methods are certain. Routes of patterns that merely overlap it,
 * or have constraints, may or may not match: their methods are asked. So are the methods of routes kept out
 * of the registry: where one is the route Fastify runs, its method is not listed.
 *
 * Where two patterns of static segments and parameters merely overlap (`/a/:x/c` and `/a/b/:y`), the URLs
 * they share are exactly those of a third pattern, their meeting (`/a/b/c`), which find-my-way tries before
 * both (it has a static segment where each has a parameter).
 * Added to the index with a plan of its own, it takes those URLs: the URLs left to either pattern cannot
 * match the other, and nothing is asked there.
 */
export function planPatterns (patterns: readonly PatternFacts[], context: PlanContext): Planned {
  const exact: Plan = Object.freeze({ certain: [], known: false, asked: context.methods })
  if (!context.planned) return { plans: patterns.map(() => exact), meetings: [] }
  const ranked = !patterns.some(pattern => pattern.overflow)
  const overlapsOf = (all: readonly PatternFacts[]): Map<number, Set<number> | null> =>
    findOverlaps(all.map((pattern, owner) => ({ owner, segments: pattern.segments })), MAX_OVERLAPS, ranked)
  const plannable = (pattern: PatternFacts, others: Set<number> | null | undefined): others is Set<number> =>
    !pattern.constrained && !pattern.overflow && others !== null && others !== undefined

  // Where a meeting covers what a pattern shares with another (or nothing is shared), that other is left out.
  const left = new Map<number, Set<number>>()
  const meetings = new Map<string, PatternFacts>()
  const written = new Set(patterns.filter(pattern => isSimple(pattern.segments))
    .map(pattern => writePattern(pattern.segments)))
  const firstOverlaps = overlapsOf(patterns)
  if (ranked) {
    patterns.forEach((pattern, id) => {
      const others = firstOverlaps.get(id)
      if (!plannable(pattern, others)) return
      for (const other of others) {
        const facts = patterns[other] as PatternFacts
        const shared = intersect(pattern.segments, facts.segments, context.maxParamLength)
        if (shared === undefined) continue
        if (shared !== null) {
          const meeting = writePattern(shared)
          // The other contains this pattern (but has constraints): its URLs land here.
          if (meeting === writePattern(pattern.segments)) continue
          if (!written.has(meeting)) {
            meetings.set(meeting, {
              segments: shared, methods: NONE, excluded: NONE, constrained: false, overflow: false
            })
          }
        }
        left.set(id, (left.get(id) ?? new Set()).add(other))
      }
    })
    // Meetings are bounded by the patterns: past that, the plans ask instead.
    if (meetings.size > patterns.length) {
      meetings.clear()
      left.clear()
    }
  }

  const all = [...patterns, ...meetings.values()]
  const overlaps = meetings.size === 0 ? firstOverlaps : overlapsOf(all)
  const plans = all.map((pattern, id) => {
    const others = overlaps.get(id)
    if (!plannable(pattern, others)) return exact
    const out = left.get(id)
    const kept = out === undefined ? [...others] : [...others].filter(other => !out.has(other))
    return planOne(pattern, kept.map(other => all[other] as PatternFacts), context)
  })
  return {
    plans: plans.slice(0, patterns.length),
    meetings: [...meetings.keys()].map((pattern, i) => ({ pattern, plan: plans[patterns.length + i] as Plan }))
  }
}

const NONE: ReadonlySet<string> = new Set()

function planOne (pattern: PatternFacts, others: readonly PatternFacts[], context: PlanContext): Plan {
  const certain = new Set([...pattern.methods, ...context.catchAllMethods])
  const knowing = new Set(pattern.methods)
  const asked = new Set<string>()
  const excluded = new Set(pattern.excluded)
  for (const other of others) {
    for (const method of other.excluded) excluded.add(method)
    if (!other.constrained && contains(other.segments, pattern.segments, context.maxParamLength)) {
      for (const method of other.methods) {
        certain.add(method)
        knowing.add(method)
      }
    } else {
      for (const method of other.methods) asked.add(method)
    }
  }
  for (const method of excluded) {
    certain.delete(method)
    asked.add(method)
  }
  const known = [...knowing].some(method => makesKnown(method) && certain.has(method))
  for (const method of certain) {
    // A method certain through a root catch-all only is asked when some route of it may match and make an
    // otherwise unknown URL known: its answer tells (a catch-all, or that route).
    if (!known && !knowing.has(method) && asked.has(method)) certain.delete(method)
    else asked.delete(method)
  }
  return { certain: [...certain].sort(), known, asked: [...asked].sort() }
}
