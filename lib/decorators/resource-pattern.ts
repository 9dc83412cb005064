import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { PluginContext } from '../context.js'
import type { Constraints } from '../internals/find-my-way.js'
import { routeUrlOf } from '../internals/fastify.js'
import { mostSpecific } from '../build/pattern-overlap.js'

/** What the plugin answered for: the URL's methods (before `filterAllowed`) and the request's constraint values. */
interface Answered { readonly methods: readonly string[], readonly constraints: Constraints | undefined }

/**
 * Per request, while it lives: what it was answered for, then the pattern once asked for. Nothing is kept by
 * URL. A request decoration initialised to null (Fastify sets it in its request constructor, so requests keep
 * one shape): writing it on an answer costs less than an entry in a WeakMap, which the garbage collector
 * treats as an ephemeron.
 */
const kAnswered = Symbol('fastify-allowed-methods.answered')
type Noted = Answered | string | null
const notedOn = (request: FastifyRequest): Record<typeof kAnswered, Noted> =>
  request as unknown as Record<typeof kAnswered, Noted>

/**
 * Notes that the plugin answers `request` for a known URL (405, automatic OPTIONS): called before the answer
 * is sent, so that its onSend and onResponse hooks (where metrics and tracers label a request) can name it.
 */
export function noteAnswered (
  request: FastifyRequest, methods: readonly string[], constraints: Constraints | undefined
): void {
  notedOn(request)[kAnswered] = { methods, constraints }
}

/**
 * `request.resourcePattern()` (decorators/types.ts). The pattern is looked up when first asked for, so that the
 * answers nobody asks about pay one field written; a decorator on Fastify's request prototype, so that the
 * other requests pay nothing.
 */
export function addResourcePatternDecorator (fastify: FastifyInstance, { registry }: PluginContext): void {
  fastify.decorateRequest(kAnswered, null)
  fastify.decorateRequest('resourcePattern', function resourcePattern (this: FastifyRequest): string | undefined {
    const noted = notedOn(this)[kAnswered]
    if (noted === null) return undefined
    if (typeof noted === 'string') return noted
    const routes = registry().routesFor(this.url, noted.methods, noted.constraints)
    const urls = routes.map(route => routeUrlOf(route.context))
    const pattern = mostSpecific(urls)
    if (pattern !== undefined) notedOn(this)[kAnswered] = pattern
    return pattern
  })
}
