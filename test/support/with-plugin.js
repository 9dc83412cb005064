import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'

/**
 * A ready Fastify app with the plugin registered first, then `routes(app)` applied.
 * `fastifyOptions` go to Fastify, `pluginOptions` to the plugin.
 */
export async function appWith (routes, { fastifyOptions = {}, pluginOptions = {} } = {}) {
  const app = Fastify(fastifyOptions)
  await app.register(fastifyAllowedMethods, pluginOptions)
  await routes(app)
  await app.ready()
  return app
}

export const ok = async (request) => `${request.method} ${request.routeOptions.url}`

/** Status and Allow header of one injected request, the shape most assertions compare. */
export async function answer (app, method, url, headers = {}) {
  const response = await app.inject({ method, url, headers })
  return { status: response.statusCode, allow: response.headers.allow }
}
