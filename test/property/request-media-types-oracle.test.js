// Property test, Fastify as the oracle: in generated apps (plugin contexts nested up to three deep, each
// adding, removing or replacing content-type parsers before or after its routes), every media type that
// Accept-Patch names is one Fastify parses for that PATCH route (not 415), Accept-Query names the same types
// for the QUERY route of the same context, and, where no RegExp parser is in force, every type of a pool
// that Fastify parses for the route is named (`*/*` for a catch-all).
import { test } from 'node:test'
import fc from 'fast-check'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'

const RUNS = Number(process.env.MEDIA_TYPES_RUNS ?? 150)
const SEED = process.env.MEDIA_TYPES_SEED === undefined ? undefined : Number(process.env.MEDIA_TYPES_SEED)
const POOL = ['application/json', 'text/plain', 'application/merge-patch+json', 'application/json-patch+json',
  'application/sql; charset=utf-8', 'text/x-query; profile="a b"', 'application/vnd.api+json', 'application/xml']
// Types never registered: Fastify parses them only through a catch-all or a RegExp parser.
const STRANGERS = ['application/x-stranger', 'text/csv', 'application/sql']
const REGEXPS = [/^application\/vnd\..+\+json$/, /^text\/x-/]
const keep = (request, body, done) => { done(null, body) }

/** A plugin context and, `depth` levels down, its children's. */
const contextArb = (depth) => fc.record({
  removeAll: fc.boolean(),
  remove: fc.subarray(['application/json', 'text/plain'], { maxLength: 1 }),
  add: fc.subarray(POOL.slice(2), { maxLength: 3 }),
  late: fc.subarray(POOL.slice(2), { maxLength: 1 }),
  regexps: fc.subarray(REGEXPS, { maxLength: 1 }),
  catchAll: fc.boolean(),
  query: fc.boolean(),
  children: depth === 0 ? fc.constant([]) : fc.array(contextArb(depth - 1), { maxLength: 2 })
})

/** Registers the context's parsers and routes; notes in `out`, per route path, whether a RegExp parser is in force. */
async function build (instance, context, path, out, inheritedRegExp) {
  // Fastify refuses a type already in force (added here or inherited): that type stays as it is.
  const add = (type) => { try { instance.addContentTypeParser(type, { parseAs: 'string' }, keep) } catch {} }
  if (context.removeAll) instance.removeAllContentTypeParsers()
  for (const type of context.remove) if (instance.hasContentTypeParser(type)) instance.removeContentTypeParser(type)
  for (const type of context.add) add(type)
  for (const regexp of context.regexps) { try { instance.addContentTypeParser(regexp, keep) } catch {} }
  if (context.catchAll) { try { instance.addContentTypeParser('*', keep) } catch {} }
  instance.patch(path, async () => 'patched')
  if (context.query) instance.route({ method: 'QUERY', url: path, handler: async () => 'queried' })
  // Added after the routes, in the same context: Fastify runs them for those routes too.
  for (const type of context.late) add(type)
  // A child starts from a copy of its parent's parsers; removeAll drops RegExp parsers too.
  const regexp = context.regexps.length > 0 || (inheritedRegExp && !context.removeAll)
  out.set(path, { regexp, query: context.query })
  let i = 0
  for (const child of context.children) {
    const childPath = `${path}/${i++}`
    await instance.register(async (inner) => build(inner, child, childPath, out, regexp))
  }
}

const essences = (sfList) => sfList.split(', ').map(item => item.replace(/^"|"$/g, '').split(';')[0])

test('Accept-Patch and Accept-Query name exactly what Fastify parses for the route', async () => {
  await fc.assert(fc.asyncProperty(contextArb(2), async (root) => {
    const app = Fastify()
    await app.register(fastifyAllowedMethods)
    const routes = new Map()
    await build(app, root, '/r', routes, false)
    await app.ready()
    try {
      for (const [path, { regexp, query }] of routes) {
        const response = await app.inject({ method: 'OPTIONS', url: path })
        const patch = response.headers['accept-patch']
        const named = patch === undefined ? [] : patch.split(', ')
        const parses = async (type) => {
          const headers = { 'content-type': type }
          const answer = await app.inject({ method: 'PATCH', url: path, headers, payload: 'x' })
          return answer.statusCode !== 415
        }
        for (const type of named) {
          if (type !== '*/*' && !await parses(type)) {
            throw new Error(`${path}: named ${type}, which Fastify refuses (415)`)
          }
        }
        if (!regexp) {
          for (const type of [...POOL, ...STRANGERS]) {
            const accepted = await parses(type)
            if (accepted && !named.includes(type) && !named.includes('*/*')) {
              throw new Error(`${path}: Fastify parses ${type}, not named in ${patch}`)
            }
          }
        }
        const queryField = response.headers['accept-query']
        if (!query) {
          if (queryField !== undefined) throw new Error(`${path}: Accept-Query without a QUERY route`)
        } else if ((queryField === undefined ? [] : essences(queryField)).join() !==
          named.map(type => type.split(';')[0]).join()) {
          throw new Error(`${path}: Accept-Query ${queryField} names other types than Accept-Patch ${patch}`)
        }
      }
    } finally {
      await app.close()
    }
  }), { numRuns: RUNS, seed: SEED })
})
