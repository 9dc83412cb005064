import type { FastifyReply } from 'fastify'
import type { RouteConfig } from '../internals/fastify.js'

// The public types of the plugin's decorators: the module augmentation below reaches every app that imports
// the package, as this file's types are among its exports.

/**
 * The reply decorator, under the name given as the `replyDecorator` option. The plugin does not add it to
 * `FastifyReply` itself: it cannot know the name, and a global `reply.methodNotAllowed()` would hide
 * @fastify/sensible's own and type-check where the decorator is off. Declare it once, with your name:
 *
 * ```ts
 * declare module 'fastify' {
 *   interface FastifyReply extends FastifyAllowedMethodsReply<'sendMethodNotAllowed'> {}
 * }
 * ```
 *
 * The decorator sends 405 Method Not Allowed for the current request, e.g. for a method the caller's
 * credentials do not permit (RFC 9110 15.5.6): `Allow` lists the URL's other methods, narrowed by
 * `filterAllowed`. It returns the reply: `return reply.sendMethodNotAllowed()`.
 */
export type FastifyAllowedMethodsReply<Name extends string = 'methodNotAllowed'> = {
  [K in Name]: () => FastifyReply
}

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
