import type { FastifyInstance } from 'fastify'
import type { PluginContext } from '../context.js'
import type { RouteRecord } from './route-table.js'
import type { Constraints } from '../internals/find-my-way.js'
import { ownGuardsReader, routedUrls, type RouteHookOptions } from '../internals/fastify.js'

/** The routes onRoute announced, handed over once, when the app is ready and no route can be added. */
export interface RecordedRoutes {
  /** The records in Fastify's order, and whether some route has guard hooks of its own. */
  readonly take: () => { records: RouteRecord[], routeGuards: boolean }
}

/**
 * Records every route as onRoute announces it: a record per method and per URL Fastify's router may hold it
 * at. Under `allowOnSuccess`, adds its hooks to each route of the registry, the way Fastify documents for
 * onRoute, so that only those routes pay for them.
 */
export function recordRoutes (
  fastify: FastifyInstance, { options, allowOnSuccess, ownHooks }: PluginContext
): RecordedRoutes {
  const records: RouteRecord[] = []
  // Under `guards: 'resource'`, each route's instance and options, until the app is ready: whether any route
  // has guards of its own decides whether a 405 looks its routes' hooks up at all.
  const guardable: Array<[object, RouteHookOptions]> | undefined = options.guards === 'resource' ? [] : undefined
  fastify.addHook('onRoute', function recordRoute (route) {
    guardable?.push([this, route])
    const choice = route.config?.allowedMethods
    // Routes kept out still serve their method: they count for notImplemented.
    const included = choice === true || (choice !== false && options.includeRoute(route))
    const sharedSchemas = (): Record<string, unknown> => this.getSchemas()
    for (const method of [route.method].flat()) {
      for (const url of routedUrls(route, method)) {
        records.push({
          method,
          url,
          constraints: route.constraints as Constraints | undefined,
          included,
          schema: route.schema as Record<string, unknown> | undefined,
          sharedSchemas,
          hooks: route
        })
      }
    }
    if (included && allowOnSuccess !== undefined) {
      route.onRequest = withHook(route.onRequest, allowOnSuccess.onRequest)
      route.onSend = withHook(route.onSend, allowOnSuccess.onSend)
    }
  })
  return {
    take () {
      const hasOwnGuards = ownGuardsReader(fastify, ownHooks)
      const routeGuards = guardable?.splice(0).some(([instance, route]) => hasOwnGuards(instance, route)) ?? false
      return { records: records.splice(0), routeGuards }
    }
  }
}

/**
 * A route's hook option with `hook` after the route's own. A route without hooks of its own gets a function,
 * as it would be written, for the onRoute hooks that follow.
 */
const withHook = <H>(own: H | H[] | undefined, hook: H): H | H[] => own === undefined ? hook : [own, hook].flat() as H[]
