import type { MatchingOptions } from './router-options.js'

/** One pattern of a route as find-my-way stores it. */
export interface PatternVariant {
  /** As given to find-my-way's `on()`, which normalises it again (it must not be normalised twice). */
  readonly path: string
  /** As find-my-way stores it: duplicate and trailing slashes dropped when the router ignores them. */
  readonly normalised: string
  /**
   * The identity of the pattern: the normalised form without parameter names, case-folded outside
   * regexes when the router is case-insensitive. Two routes with the same key match the same paths.
   * (find-my-way's own `findRoute()` cannot serve: it takes `/:a(^\d+$)` for `/:a(^[a-z]+$)` once both
   * exist, as both are stored under the pattern `/:()`.)
   */
  readonly key: string
}

// find-my-way index.js: the same expressions, applied by `on()` before a pattern enters the tree.
const OPTIONAL_PARAM = /(\/:[^/()]*?)\?(\/?)/
const DUPLICATE_SLASHES = /\/\/+/g

/**
 * The patterns find-my-way makes of a route URL (index.js `on()`): an optional last parameter expands into
 * two patterns, each normalised as the router's options say.
 */
export function patternVariants (url: string, matching: MatchingOptions): PatternVariant[] {
  const paths = OPTIONAL_PARAM.test(url)
    ? [url.replace(OPTIONAL_PARAM, '$1$2'), url.replace(OPTIONAL_PARAM, '$2') || '/']
    : [url]
  return paths.map(path => {
    let normalised = path
    if (matching.ignoreDuplicateSlashes) normalised = normalised.replace(DUPLICATE_SLASHES, '/')
    if (matching.ignoreTrailingSlash && normalised.length > 1 && normalised.endsWith('/')) normalised = normalised.slice(0, -1)
    // find-my-way stores `*` as `/*`.
    if (normalised === '*') normalised = '/*'
    return { path, normalised, key: patternKey(normalised, matching.caseSensitive) }
  })
}

/** See `PatternVariant.key`. A `::` is a literal colon; a name ends at `(`, `-`, `.` or `/`. */
function patternKey (pattern: string, caseSensitive: boolean): string {
  let key = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string
    if (char === ':' && pattern[i + 1] === ':') {
      key += '::'
      i++
    } else if (char === ':') {
      key += ':'
      while (i + 1 < pattern.length && !'(-./'.includes(pattern[i + 1] as string)) i++
    } else if (char === '(') {
      const end = closingParenthesis(pattern, i)
      key += pattern.slice(i, end + 1)
      i = end
    } else {
      key += caseSensitive ? char : char.toLowerCase()
    }
  }
  return key
}

function closingParenthesis (pattern: string, open: number): number {
  let depth = 0
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++
    else if (pattern[i] === '(') depth++
    else if (pattern[i] === ')' && --depth === 0) return i
  }
  return pattern.length - 1
}
