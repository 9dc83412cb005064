import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { normaliseOptions, type FastifyAllowedMethodsOptions } from './options.js'
import { assertNoRoutesYet, assertRegisteredOnceAtRoot } from './registration.js'
import { createContext } from './context.js'
import { recordRoutes } from './build/record-routes.js'
import { buildRegistry, keepRegistry, type MethodRegistry } from './lookup/registry.js'
import { fastifysRouter, requestContentTypes } from './internals/fastify.js'
import { contentMethods, mediaTypesOf } from './integrations/media-types.js'
import { installNotFoundHooks } from './respond/not-found-hooks.js'
import { answerExpectContinue } from './respond/expect-continue.js'
import { addInstanceDecorator } from './decorators/instance.js'
import { addRequestDecorators } from './decorators/request.js'
import { addResourcePatternDecorator } from './decorators/resource-pattern.js'
import { addReplyDecorator } from './decorators/reply.js'

export type { FastifyAllowedMethodsOptions } from './options.js'
export type { FastifyAllowedMethodsReply } from './decorators/types.js'
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

const plugin: FastifyPluginAsync<FastifyAllowedMethodsOptions> = async (fastify, rawOptions) => {
  const options = normaliseOptions(rawOptions)
  assertRegisteredOnceAtRoot(fastify)
  assertNoRoutesYet(fastify)
  const context = createContext(fastify, options)

  const routes = recordRoutes(fastify, context)
  const { router, findMyWay } = fastifysRouter(fastify)
  fastify.addHook('onReady', function buildRegistryWhenReady (done) {
    // Once ready, Fastify takes no route: the records are final, whenever the registry is built from them.
    const { records, routeGuards } = routes.take()
    const build = (): MethodRegistry => {
      const registry = buildRegistry(router, findMyWay, records, {
        autoOptions: options.autoOptions,
        // The records hold the schemas to describe and the hooks to guard with: kept only when needed.
        keepRecords: options.describeOptions || routeGuards,
        contentMethods: contentMethods(options),
        mediaTypeReader: (routeContext) => mediaTypesOf(requestContentTypes(routeContext))
      })
      keepRegistry(fastify, registry)
      return registry
    }
    Object.assign(context.ready, { build, routeGuards })
    if (!options.lazy) context.registry()
    done()
  })

  installNotFoundHooks(fastify, context)
  answerExpectContinue(fastify, context)
  addInstanceDecorator(fastify, context)
  addRequestDecorators(fastify, context)
  addResourcePatternDecorator(fastify, context)
  addReplyDecorator(fastify, context)
}

/** The plugin. Register it before any route: `await app.register(fastifyAllowedMethods, options)`. */
// The peer range's floor is 5.12.2, but Fastify checks this range against `fastify.version`, and 5.12.2
// reports itself as 5.12.1 (its fastify.js VERSION): one patch lower here, or 5.12.2 would be refused.
export const fastifyAllowedMethods = fp(plugin, { fastify: '^5.12.1 || 6.x', name: 'fastify-allowed-methods' })
export default fastifyAllowedMethods
