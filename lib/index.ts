import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { normaliseOptions, type FastifyAllowedMethodsOptions } from './options.js'
import { buildRegistry, keepRegistry, type MethodRegistry, type RouteRecord } from './lookup/registry.js'
import { createNotFoundHooks } from './respond/not-found-hooks.js'
import { createNarrow } from './respond/narrow.js'
import { createAllowOnSuccessHooks } from './integrations/allow-on-success.js'
import { createVaryAnswer } from './respond/vary.js'
import { answerExpectContinue } from './respond/expect-continue.js'
import { addReplyDecorator } from './decorators/reply.js'
import { addRequestDecorators } from './decorators/request.js'
import { addResourcePatternDecorator } from './decorators/resource-pattern.js'
import { keepHookInNotFoundHandlers } from './internals/fastify-wrappers.js'
import type { Constraints } from './internals/find-my-way.js'
import {
  contextHooksReader, createNotFoundHandlerRunner, errorSender, fastifysRouter, isRootInstance, requestContentTypes,
  ownGuardsReader, routeContextReader, runHooks, logControllerOf, rootNotFoundHandler, type Hook, type RouteConfig,
  type RouteHookOptions
} from './internals/fastify.js'
import { createGuardRunner } from './respond/guards.js'
import { createCloseIfBodyUnread } from './respond/unread-body.js'
import { createLingeringClose } from './internals/node.js'
import { contentMethods, mediaTypesOf } from './integrations/media-types.js'

export type { FastifyAllowedMethodsOptions } from './options.js'
export type { FastifyAllowedMethodsReply } from './decorators/reply.js'
export { OptionsSchema } from './options.js'
export {
  OptionsDescriptionSchema, MethodDescriptionSchema, type OptionsDescription, type MethodDescription
} from './integrations/describe.js'
export {
  MethodNotAllowedError, NotImplementedError, MethodNotAllowedSchema, NotImplementedSchema,
  type MethodNotAllowedBody, type NotImplementedBody
} from './respond/errors.js'
export {
  MethodNotAllowedProblemSchema, NotImplementedProblemSchema, type MethodNotAllowedProblem, type NotImplementedProblem
} from './integrations/problem-details.js'

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
     * For a request the plugin answered 405 (unmatched, or `reply.methodNotAllowed()`) or OPTIONS (automatic
     * or described), the route pattern of its URL, written as Fastify writes `routeOptions.url` (prefix
     * included, e.g. `/users/:id`), which Fastify leaves undefined for unmatched requests: a label as few as
     * the routes, for metrics and traces, read in onSend or onResponse hooks. Where the URL's methods route
     * to different patterns, the most specific (compared from the left: a static segment, then a parameter
     * with a regex or static text, a plain parameter, a wildcard; when equal, the method first in `Allow`).
     * Undefined for a 404, a 501, `OPTIONS *` and every request the plugin did not answer. For fastify-metrics:
     * `getRouteLabel: (request) => request.routeOptions.url ?? request.resourcePattern() ?? '__unknown__'`.
     */
    resourcePattern: () => string | undefined
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
  assertRegisteredOnceAtRoot(fastify)
  assertNoRoutesYet(fastify)
  const narrow = createNarrow(options.filterAllowed)

  // The registry: every route as onRoute announces it, built with Fastify's own router once the app is ready.
  const { router, findMyWay } = fastifysRouter(fastify)
  const records: RouteRecord[] = []
  let built: MethodRegistry | undefined
  const registry = (): MethodRegistry => {
    if (built === undefined) throw new Error('fastify-allowed-methods: allowedMethods() is available once the app is ready (after `await app.ready()`)')
    return built
  }
  const varyAnswer = createVaryAnswer(registry, options)

  // Fastify fills `initialConfig.bodyLimit` with its default when the app gives none.
  const closeIfBodyUnread = createCloseIfBodyUnread(fastify.initialConfig.bodyLimit as number,
    createLingeringClose({ time: options.lingerTime, bytes: options.lingerBytes }))
  const successHooks = options.allowOnSuccess
    ? createAllowOnSuccessHooks(registry, narrow, options.filterAllowed !== undefined, options.notFoundWhenEmpty, varyAnswer,
      closeIfBodyUnread)
    : undefined
  // The plugin's own route hooks, which guard nothing.
  const ownHooks = new Set<unknown>(successHooks === undefined ? [] : [successHooks.onRequest])
  // Under `guards: 'resource'`, each route's instance and options, until the app is ready: whether any route
  // has guards of its own decides whether a 405 looks its routes' hooks up at all.
  const guardable: Array<[object, RouteHookOptions]> | undefined = options.guards === 'resource' ? [] : undefined
  let routeGuards = false
  fastify.addHook('onRoute', function recordRoute (route) {
    guardable?.push([this, route])
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
        sharedSchemas: () => this.getSchemas(),
        hooks: route
      }
      records.push(record)
      // fastify lib/route.js: with `prefixTrailingSlash: 'both'` (the default), a '/' route in a prefix is
      // routed at prefix and prefix + '/', but onRoute is told of the first only. The registry keeps it
      // only if Fastify's router holds it.
      if (isPrefixRoot && method !== 'HEAD') records.push({ ...record, url: record.url + '/' })
    }
    if (included && successHooks !== undefined) {
      // Route-level hooks, added the way Fastify documents for onRoute: only the routes pay for them. A route
      // without hooks of its own gets a function, as it would be written, for the onRoute hooks that follow.
      route.onRequest = route.onRequest === undefined ? successHooks.onRequest : [route.onRequest, successHooks.onRequest].flat()
      route.onSend = route.onSend === undefined ? successHooks.onSend : [route.onSend, successHooks.onSend].flat()
    }
  })

  fastify.addHook('onReady', function buildRegistryWhenReady (done) {
    const hasOwnGuards = ownGuardsReader(fastify, ownHooks)
    routeGuards = guardable?.splice(0).some(([instance, route]) => hasOwnGuards(instance, route)) ?? false
    built = buildRegistry(router, findMyWay, records.splice(0), {
      autoOptions: options.autoOptions,
      // The records hold the schemas to describe and the hooks to guard with: kept only when needed.
      keepRecords: options.describeOptions || routeGuards,
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
    runGuards: createGuardRunner(
      { runHooks, contextOf: routeContextReader(), hooksOf: contextHooksReader(fastify), sendError: errorSender() },
      ownHooks
    ),
    runNotFoundHandler: createNotFoundHandlerRunner(),
    closeIfBodyUnread,
    routeGuards: () => routeGuards
  })
  const root = rootNotFoundHandler(fastify)
  logControllerOf(fastify) // the plugin's log lines need it: an unsupported Fastify fails here, not on a request
  if (!root.settable) {
    throw new Error('fastify-allowed-methods: a not-found handler was set before the plugin, so the plugin cannot ' +
      'answer for unmatched requests. Register the plugin first, then call `setNotFoundHandler`, or pass the ' +
      'handler as the `notFound` option.')
  }
  // Any not-found handler set later, at the root or in a prefixed plugin, runs the hooks too.
  const setNotFoundHandler = keepHookInNotFoundHandlers(fastify, hooks as unknown as Record<string, Hook>, runHooks)
  if (options.notFound !== undefined) setNotFoundHandler.call(fastify, {}, options.notFound)
  else {
    // Fastify's own 404 with our hooks; the app may still set its handler later.
    setNotFoundHandler.call(fastify, {}, root.current)
    root.release()
  }
  // RFC 9110 10.1.1: no `100 Continue` to a request that will be refused (respond/expect-continue.ts). Requests come
  // once the app is ready (`listen()` waits for it), the registry built.
  answerExpectContinue(fastify, (req, done) => registry().deriveConstraintsAsync(req, done),
    options.allowOnSuccess && options.notFoundWhenEmpty)
  addRequestDecorators(fastify, registry, options.filterAllowed)
  addResourcePatternDecorator(fastify, registry)
  if (options.replyDecorator !== false) {
    addReplyDecorator(fastify, options.replyDecorator, registry, narrow, varyAnswer, options)
  }
}

const REGISTER_AT_ROOT = 'Register it once, at the root, before any route: `await app.register(fastifyAllowedMethods)`'

/**
 * The plugin serves the whole app: one registry, Fastify's one router, the not-found handler of every
 * prefix. A second registration would fail on its decorators with a bare FST_ERR_DEC_ALREADY_PRESENT (or,
 * in a child scope, on the reply decorator's name); one inside an encapsulated plugin would see that
 * plugin's routes alone and set a not-found handler for its prefix, or, without a prefix, the root's. Say so.
 */
function assertRegisteredOnceAtRoot (fastify: FastifyInstance): void {
  if (fastify.hasDecorator('allowedMethods')) {
    throw new Error('fastify-allowed-methods: registered twice in this app (`fastify.allowedMethods` already ' +
      `exists, or another plugin decorated that name). ${REGISTER_AT_ROOT}; a plugin that needs it declares ` +
      "`dependencies: ['fastify-allowed-methods']` in its fastify-plugin options instead of registering it again.")
  }
  if (!isRootInstance(fastify)) {
    throw new Error('fastify-allowed-methods: registered inside an encapsulated plugin, where it would see that ' +
      "plugin's routes alone and set the not-found handler of its prefix (the whole app's, without one). " +
      REGISTER_AT_ROOT +
      ', or wrap the plugin that registers it with fastify-plugin (`fp()`), so that it registers at the root.')
  }
}

/**
 * onRoute sees only routes added after the hook: a route registered before the plugin would be silently
 * missing from every Allow header (fastify-allow's failure). Fail loudly instead, like @fastify/swagger.
 * @fastify/cors registers `OPTIONS *`, shown as `* (OPTIONS)`: a user who registered it first would not
 * recognise that as a route of theirs.
 */
function assertNoRoutesYet (fastify: FastifyInstance): void {
  const routes = fastify.printRoutes({ commonPrefix: false })
  if (routes !== '(empty tree)') {
    const cors = fastify.hasPlugin('@fastify/cors')
      ? ' @fastify/cors was registered before it: `* (OPTIONS)` below is its preflight route. Register ' +
        'fastify-allowed-methods first, then @fastify/cors.'
      : ''
    throw new Error('fastify-allowed-methods: routes were registered before the plugin, so they would be ' +
      'missing from every Allow header. Register the plugin first: `await app.register(fastifyAllowedMethods)` ' +
      `before any route.${cors} Routes found:\n${routes}`)
  }
}

/** The plugin. Register it before any route: `await app.register(fastifyAllowedMethods, options)`. */
// The peer range's floor is 5.12.2, but Fastify checks this range against `fastify.version`, and 5.12.2
// reports itself as 5.12.1 (its fastify.js VERSION): one patch lower here, or 5.12.2 would be refused.
export const fastifyAllowedMethods = fp(plugin, { fastify: '^5.12.1 || 6.x', name: 'fastify-allowed-methods' })
export default fastifyAllowedMethods
