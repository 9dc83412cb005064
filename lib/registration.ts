import type { FastifyInstance } from 'fastify'
import { isRootInstance, printedRoutes } from './internals/fastify.js'

const REGISTER_AT_ROOT = 'Register it once, at the root, before any route: `await app.register(fastifyAllowedMethods)`'

/**
 * The plugin serves the whole app: one registry, Fastify's one router, the not-found handler of every
 * prefix. A second registration would fail on its decorators with a bare FST_ERR_DEC_ALREADY_PRESENT (or,
 * in a child scope, on the reply decorator's name); one inside an encapsulated plugin would see that
 * plugin's routes alone and set a not-found handler for its prefix, or, without a prefix, the root's. Say so.
 */
export function assertRegisteredOnceAtRoot (fastify: FastifyInstance): void {
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
export function assertNoRoutesYet (fastify: FastifyInstance): void {
  const routes = printedRoutes(fastify)
  if (routes !== undefined) {
    const cors = fastify.hasPlugin('@fastify/cors')
      ? ' @fastify/cors was registered before it: `* (OPTIONS)` below is its preflight route. Register ' +
        'fastify-allowed-methods first, then @fastify/cors.'
      : ''
    throw new Error('fastify-allowed-methods: routes were registered before the plugin, so they would be ' +
      'missing from every Allow header. Register the plugin first: `await app.register(fastifyAllowedMethods)` ' +
      `before any route.${cors} Routes found:\n${routes}`)
  }
}
