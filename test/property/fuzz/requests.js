// Random requests to an app: an abstract form, and the concrete URL and headers made of it from one of the
// app's routes (concretise.js gives their tokens), then mutated.

import fc from 'fast-check'
import { KEYS } from './app-arbitraries.js'

/** @typedef {{ url: string, headers: Record<string, string> }} ConcreteRequest */

/**
 * Request segment values for each kind of token: values that match, values that do not match a regex or
 * a static part, values longer than small `maxParamLength`s (5, 8) or the default 100, encoded values.
 * `null` (optional) leaves the segment out.
 */
const LONG = 'x'.repeat(101)
const VALUES = {
  param: ['x', '42', 'abc', 'aaaaaa', 'abcdefghi', '%41b', 'a-b', 'f.txt', 'a%2Fb', 'Me', LONG, 'me', 'caf%C3%A9',
    'café'],
  digits: ['42', 'abc', '123456', '4%32', '123456789'],
  alpha: ['abc', '42', 'ABC', 'abcdefgh', 'a%62c'],
  dash: ['x-y', 'xy', 'x-y-z', '-y', 'x-', 'aaaaaa-b', 'x-' + LONG],
  ext: ['file.txt', 'file.', 'FILE.txt', 'file.tar.gz', 'file', 'file.txtxxxx'],
  dot: ['a.b', 'ab', 'a.b.c', '.b', 'abcdef.g'],
  optional: [null, 'x', '42', 'aaaaaa', ''],
  wildcard: ['', 'x', 'x/y', 'x/', 'abcdefghij', 'A/B']
}

function valueOf (token, choice) {
  switch (token.t) {
    case 'static': {
      const text = token.v.replaceAll('::', ':')
      return [text, text, text, text.toUpperCase(), text + 'x'][choice % 5]
    }
    case 'empty': return ''
    case 'regex': return pick(VALUES[token.re], choice)
    default: return pick(VALUES[token.t], choice)
  }
}

const pick = (list, choice) => list[choice % list.length]

const MUTATIONS = [
  'upper', 'lower', 'trailingSlash', 'stripTrailingSlash', 'dupSlash', 'encode', 'encodeSlash', 'query',
  'semicolon', 'unknownSegment', 'replaceSegment', 'dropSegment', 'badEncoding', 'dot'
]

export const requestArb = fc.record({
  // A URL made from one of the app's routes (index modulo the route count), or a fixed one.
  base: fc.oneof({ withCrossShrink: true }, { weight: 12, arbitrary: fc.nat() },
    { weight: 1, arbitrary: fc.constantFrom('/', '/zzz', '/p', '/p/', '//', '/a') }),
  // Choices of segment values, biased to the first (matching) one, and of mutations, often none: most
  // requests should hit a pattern for some method.
  fills: fc.array(fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.nat(60) }), { maxLength: 6 }),
  mutations: fc.oneof(
    { withCrossShrink: true },
    { weight: 2, arbitrary: fc.constant([]) },
    {
      weight: 3,
      arbitrary: fc.array(fc.record({ kind: fc.constantFrom(...MUTATIONS), at: fc.nat(60) }),
        { minLength: 1, maxLength: 3 })
    }
  ),
  host: fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom('a.example', 'b.example', 'a.example:3000', 'A.EXAMPLE') }),
  version: fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom('1.0.0', '1.x', '2.0.0', '3.0.0', '*') }),
  // The guards' keys the caller holds (indices into KEYS), sent in one `x-key` header; none, no header.
  keys: fc.oneof(
    { withCrossShrink: true },
    { weight: 1, arbitrary: fc.constant([]) },
    { weight: 2, arbitrary: fc.subarray(KEYS.map((key, i) => i), { minLength: 1 }) }
  )
})

/** The URL of an abstract request against an app's route shapes. */
export function concreteRequest (shapes, request) {
  let url
  if (typeof request.base === 'string') {
    url = request.base
  } else {
    const { tokens, trailing } = shapes[request.base % shapes.length]
    const fills = request.fills.length === 0 ? [0] : request.fills
    const parts = []
    tokens.forEach((token, i) => {
      const value = valueOf(token, fills[i % fills.length])
      if (value !== null) parts.push(value)
    })
    url = '/' + parts.join('/') + (trailing && parts.length > 0 ? '/' : '')
  }
  for (const { kind, at } of request.mutations) url = mutate(url, kind, at)
  const headers = {}
  if (request.host !== undefined) headers.host = request.host
  if (request.version !== undefined) headers['accept-version'] = request.version
  if (request.keys.length > 0) headers['x-key'] = request.keys.map(key => KEYS[key]).join(',')
  return { url, headers }
}

function mutate (url, kind, at) {
  const q = url.search(/[?#]/)
  const path = q === -1 ? url : url.slice(0, q)
  const rest = q === -1 ? '' : url.slice(q)
  const segments = path.split('/') // segments[0] === ''
  const index = 1 + (at % Math.max(1, segments.length - 1))
  switch (kind) {
    case 'upper': return path.toUpperCase() + rest
    case 'lower': return path.toLowerCase() + rest
    case 'trailingSlash': return path + '/' + rest
    case 'stripTrailingSlash': return (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path) + rest
    case 'dupSlash': {
      const slashes = [...path.matchAll(/\//g)].map(m => m.index)
      const i = slashes[at % slashes.length]
      return path.slice(0, i) + '/' + path.slice(i) + rest
    }
    case 'encode': {
      const letters = [...path.matchAll(/[a-zA-Z0-9.\-:]/g)].map(m => m.index)
      if (letters.length === 0) return url
      const i = letters[at % letters.length]
      const hex = path.charCodeAt(i).toString(16)
      return path.slice(0, i) + '%' + (at % 2 === 0 ? hex.toUpperCase() : hex) + path.slice(i + 1) + rest
    }
    case 'encodeSlash': {
      if (segments.length < 3) return url
      const i = 1 + (at % (segments.length - 2))
      return segments.slice(0, i + 1).join('/') + '%2F' + segments.slice(i + 1).join('/') + rest
    }
    case 'query': return path + rest + pick(['?q=1', '?', '?a=/x/y', '?x=%zz', '?;a'], at)
    case 'semicolon': return path + pick([';a=1', ';', ';jsessionid=x/y', ';/a'], at) + rest
    case 'unknownSegment': return path + (path.endsWith('/') ? '' : '/') + 'zzz' + rest
    case 'replaceSegment': segments[index] = 'zzz'; return segments.join('/') + rest
    case 'dropSegment': {
      if (segments.length < 2) return url
      segments.splice(index, 1)
      return (segments.join('/') || '/') + rest
    }
    case 'badEncoding':
      segments[index] += pick(['%zz', '%', '%E0%A4%A', '%c0%af', '%00', '%25'], at)
      return segments.join('/') + rest
    case 'dot': segments.splice(index, 0, at % 2 === 0 ? '.' : '..'); return segments.join('/') + rest
  }
  throw new Error('unknown mutation ' + kind)
}

/** The URL the server sees for an injected URL (light-my-request lib/parse-url.js: WHATWG URL parsing). */
export function rawUrl (url) {
  const parsed = new URL(url.startsWith('//') ? 'http://localhost' + url : url, 'http://localhost')
  return parsed.pathname + parsed.search
}
