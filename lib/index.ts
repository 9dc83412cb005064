import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { normaliseOptions, type FastifyAllowedMethodsOptions } from './options.js'
import { buildRegistry, keepRegistry, type MethodRegistry, type RouteRecord } from './registry.js'
import { createNotFoundHooks } from './not-found-hook.js'
import { createNarrow } from './narrow.js'
import { createAllowOnSuccessHooks } from './allow-on-success.js'
import { createVaryAnswer } from './vary.js'
import { answerExpectContinue } from './expect-continue.js'
import { addReplyDecorator } from './reply-decorator.js'
import { addRequestDecorators } from './request-decorator.js'
import { keepHookInNotFoundHandlers } from './fastify-wrappers.js'
import { loadFastifysFindMyWay, type Constraints } from './find-my-way.js'
import { createGuardRunner, createNotFoundHandlerRunner, fastifysRouter, requestContentTypes, requireFromFastify } from './fastify-internals.js'
import type { RouteConfig } from './fastify-internals.js'
import { contentMethods, mediaTypesOf } from './media-types.js'

export type { FastifyAllowedMethodsOptions } from './options.js'
export type { FastifyAllowedMethodsReply } from './reply-decorator.js'
export { OptionsSchema } from './options.js'
export {
  OptionsDescriptionSchema, MethodDescriptionSchema, type OptionsDescription, type MethodDescription
} from './describe.js'
export {
  MethodNotAllowedError, NotImplementedError, MethodNotAllowedSchema, NotImplementedSchema,
  type MethodNotAllowedBody, type NotImplementedBody
} from './errors.js'
export {
  MethodNotAllowedProblemSchema, NotImplementedProblemSchema, type MethodNotAllowedProblem, type NotImplementedProblem
} from './problem-details.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The methods Fastify routes for a concrete URL (query string allowed), sorted: the `Allow` value a 405
     * for that URL would carry, before `filterAllowed`. Empty for an unknown URL. Routes with constraints
     * count only when `constraints` (e.g. `{ host: 'example.com', version: '1.0.0' }`) satisfies them.
     * Available once the app is ready.
     */
    allowedMethods: (url: string, constraints?: Record<string, unknown>) => string[]
  }
  interface FastifyRequest {
    /**
     * The methods Fastify routes for this request's URL, with its constraint values, narrowed by
     * `filterAllowed`, sorted: the `Allow` value its 405 would carry. Empty for an unknown URL. A Promise when
     * `filterAllowed` returns one or a custom constraint strategy is asynchronous: `await` it either way.
     */
    allowedMethods: () => readonly string[] | Promise<readonly string[]>
    /**
     * The `config` of the route Fastify would run for `method` at this request's URL, with its constraint
     * values: what `request.routeOptions.config` would be there. Undefined when no route would, or the route
     * is kept out of the registry. A Promise when a custom constraint strategy is asynchronous: `await` it
     * either way. For @fastify/cors, whose preflights run its `OPTIONS *` route: the target route's `cors`.
     */
    routeConfigFor: (method: string) => RouteConfig | undefined | Promise<RouteConfig | undefined>
  }
  interface FastifyContextConfig {
    /** `false` keeps this route out of the method registry; `true` keeps it in whatever `includeRoute` says. */
    allowedMethods?: boolean
  }
}

const plugin: FastifyPluginAsync<FastifyAllowedMethodsOptions> = async (fastify, rawOptions) => {
  // Options
  const options = normaliseOptions(rawOptions)
  assertNoRoutesYet(fastify)
  const narrow = createNarrow(options.filterAllowed)

  // The registry: every route as onRoute announces it, built with Fastify's own router once the app is ready.
  const fromFastify = requireFromFastify(fastify)
  const findMyWay = loadFastifysFindMyWay(fromFastify)
  const router = fastifysRouter(fastify, findMyWay)
  const records: RouteRecord[] = []
  let built: MethodRegistry | undefined
  const registry = (): MethodRegistry => {
    if (built === undefined) throw new Error('fastify-allowed-methods: allowedMethods() is available once the app is ready (after `await app.ready()`)')
    return built
  }
  const varyAnswer = createVaryAnswer(registry, options)

  fastify.addHook('onRoute', function recordRoute (route) {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const choice = route.config?.allowedMethods
    // Routes kept out still serve their method: they count for notImplemented.
    const included = choice === true || (choice !== false && options.includeRoute(route))
    const isPrefixRoot = route.prefix !== '' && route.routePath === ''
    for (const method of methods) {
      const record: RouteRecord = {
        method,
        url: route.url,
        constraints: route.constraints as Constraints | undefined,
        included,
        schema: route.schema as Record<string, unknown> | undefined,
        sharedSchemas: () => this.getSchemas()
      }
      records.push(record)
      // fastify lib/route.js: with `prefixTrailingSlash: 'both'` (the default), a '/' route in a prefix is
      // routed at prefix and prefix + '/', but onRoute is told of the first only. The registry keeps it
      // only if Fastify's router holds it.
      if (isPrefixRoot && method !== 'HEAD') records.push({ ...record, url: record.url + '/' })
    }
    if (included && options.allowOnSuccess) {
      // Route-level hooks, added the way Fastify documents for onRoute: only the routes pay for them.
      const hooks = createAllowOnSuccessHooks(registry, narrow, options.filterAllowed !== undefined, options.notFoundWhenEmpty, varyAnswer)
      route.onRequest = route.onRequest === undefined ? [hooks.onRequest] : [route.onRequest, hooks.onRequest].flat()
      route.onSend = route.onSend === undefined ? [hooks.onSend] : [route.onSend, hooks.onSend].flat()
    }
  })

  fastify.addHook('onReady', function buildRegistryWhenReady (done) {
    built = buildRegistry(router, findMyWay, records.splice(0), {
      autoOptions: options.autoOptions,
      describe: options.describeOptions,
      contentMethods: contentMethods(options),
      mediaTypeReader: (context) => mediaTypesOf(requestContentTypes(context))
    })
    keepRegistry(fastify, built)
    done()
  })

  fastify.decorate('allowedMethods', function allowedMethods (url: string, constraints?: Record<string, unknown>): string[] {
    const ready = registry()
    if (typeof url !== 'string') throw new TypeError('fastify-allowed-methods: allowedMethods(url) needs a string URL')
    // Without constraints, constrained routes do not match (as with fastify.findRoute()).
    return [...(ready.lookup(url, ready.constraintsInUse(constraints ?? {}))?.methods ?? [])]
  })

  // The not-found path
  const hooks = createNotFoundHooks(registry, options, narrow, varyAnswer, {
    runGuards: createGuardRunner(fromFastify, options.autoOptions ? 1 : 0),
    runNotFoundHandler: createNotFoundHandlerRunner(fromFastify)
  })
  // Any not-found handler set later, at the root or in a prefixed plugin, runs the hooks too.
  const setNotFoundHandler = keepHookInNotFoundHandlers(fastify, hooks)
  // Without a handler, Fastify keeps its own 404 and the app may still set one later.
  setNotFoundHandler.call(fastify, {}, options.notFound)
  // RFC 9110 10.1.1: no `100 Continue` to a request that will be refused (expect-continue.ts). Requests come
  // once the app is ready (`listen()` waits for it), the registry built.
  answerExpectContinue(fastify, (req, done) => registry().deriveConstraintsAsync(req, done))
  addRequestDecorators(fastify, registry, options.filterAllowed)
  if (options.replyDecorator !== false) {
    addReplyDecorator(fastify, options.replyDecorator, registry, narrow, varyAnswer, options)
  }
}

/**
 * onRoute sees only routes added after the hook: a route registered before the plugin would be silently
 * missing from every Allow header (fastify-allow's failure). Fail loudly instead, like @fastify/swagger.
 */
function assertNoRoutesYet (fastify: FastifyInstance): void {
  const routes = fastify.printRoutes({ commonPrefix: false })
  if (routes !== '(empty tree)') {
    throw new Error('fastify-allowed-methods: routes were registered before the plugin, so they would be ' +
      'missing from every Allow header. Register the plugin first: `await app.register(fastifyAllowedMethods)` ' +
      `before any route. Routes found:\n${routes}`)
  }
}

/** The plugin. Register it before any route: `await app.register(fastifyAllowedMethods, options)`. */
// The peer range's floor is 5.12.2, but Fastify checks this range against `fastify.version`, and 5.12.2
// reports itself as 5.12.1 (its fastify.js VERSION): one patch lower here, or 5.12.2 would be refused.
export const fastifyAllowedMethods = fp(plugin, { fastify: '^5.12.1 || 6.x', name: 'fastify-allowed-methods' })
export default fastifyAllowedMethods
