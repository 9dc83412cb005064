// find-my-way's matching options at their defaults, as the pattern index takes them (MatchingOptions).
export const DEFAULT_MATCHING = Object.freeze({
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  maxParamLength: 100,
  useSemicolonDelimiter: false,
  allowUnsafeRegex: false
})
