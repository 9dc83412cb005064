/**
 * The value of an `Allow` header (RFC 9110 10.2.1): a comma-separated list of methods. We send it sorted
 * and deduplicated, so that it is stable and cacheable, as Go's ServeMux and pillarjs/router do.
 */
export function formatAllow (methods: readonly string[]): string {
  return methods.join(', ')
}

export function normaliseMethods (methods: Iterable<string>): readonly string[] {
  return Object.freeze([...new Set(methods)].sort())
}
