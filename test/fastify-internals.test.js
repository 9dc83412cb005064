import { test } from 'node:test'
import { createRequire } from 'node:module'
import Fastify from 'fastify'
import { createGuardRunner, createNotFoundHandlerRunner, fastifysRouter } from '../dist/fastify-internals.js'

// Each reliance on Fastify's private behaviour fails at registration, with a message naming what is
// missing, on a Fastify that does not behave so: stand-ins of its files and of its instance show it.

const require = createRequire(import.meta.url)
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const notSupported = (what) => ({ message: new RegExp(`^fastify-allowed-methods: this Fastify has no ${what}.*not supported`) })

test("fastifysRouter: the router Fastify's findRoute() asks, or a clear error when it asks none", (t) => {
  const app = Fastify({ routerOptions: { maxParamLength: 7 } })
  t.assert.strictEqual(fastifysRouter(app, FindMyWay).maxParamLength, 7)
  t.assert.throws(() => fastifysRouter({ findRoute: () => null }, FindMyWay), notSupported("lib/route.js `findRoute` calling its router's `find`"))
})

test("the guard runner needs Fastify's preHandlerHookRunner, the not-found handler runner its kRouteContext", (t) => {
  const withoutFiles = () => ({})
  t.assert.throws(() => createGuardRunner(withoutFiles, 0), notSupported('lib/hooks.js `preHandlerHookRunner`'))
  t.assert.throws(() => createNotFoundHandlerRunner(withoutFiles), notSupported('lib/symbols.js `kRouteContext`'))
})
