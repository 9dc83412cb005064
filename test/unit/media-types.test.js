// media-types.js on its own: the index of the routes' media types that the OPTIONS answer reads.
import { test } from 'node:test'
import { indexMediaTypes, mediaTypesOf } from '../../dist/integrations/media-types.js'

const DEFAULTS = { types: ['application/json', 'text/plain'], anyType: false }

test('indexMediaTypes: one shared value for routes that accept the same types, ' +
  "the method's own when all its routes agree", (t) => {
  const [a, b, c] = [{}, {}, {}]
  const parsers = new Map([[a, DEFAULTS], [b, { ...DEFAULTS }],
    [c, { types: ['application/merge-patch+json'], anyType: false }]])
  const reads = []
  const read = (context) => { reads.push(context); return mediaTypesOf(parsers.get(context)) }
  const contextsByMethod = new Map([['PATCH', new Set([a, c])], ['QUERY', new Set([a, b])]])
  const { byContext, byMethod } = indexMediaTypes(contextsByMethod, read)
  // Each route context is read once, though `a` serves both methods.
  t.assert.deepStrictEqual(reads, [a, c, b])
  t.assert.strictEqual(byContext.get(a), byContext.get(b))
  t.assert.strictEqual(byMethod.get('QUERY'), byContext.get(a))
  t.assert.strictEqual(byMethod.get('QUERY').acceptQuery, 'application/json, text/plain')
  // PATCH routes differ: which one a URL runs must be asked.
  t.assert.strictEqual(byMethod.has('PATCH'), false)
  t.assert.strictEqual(byContext.get(c).acceptPatch, 'application/merge-patch+json')
})
