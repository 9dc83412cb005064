import { test } from 'node:test'
import { createRequire } from 'node:module'
import Fastify from 'fastify'
import {
  contextHooksReader, createNotFoundHandlerRunner, fastifysRouter, logControllerOf, requestContentTypes,
  rootNotFoundHandler, routeConfigOf,
  routeUrlOf
} from '../../dist/internals/fastify.js'

// Each reliance on Fastify's private behaviour fails at registration (or at ready(), for what Fastify
// builds then, or on the first request, for what only requests carry), with a message naming what is missing,
// on a Fastify that does not behave so: stand-ins of its instance, router and requests show it.

const require = createRequire(import.meta.url)
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const notSupported = (what) =>
  ({ message: new RegExp(`^fastify-allowed-methods: this Fastify has no ${what}.*not supported`) })

test("fastifysRouter: the router Fastify's findRoute() asks, with the find-my-way of Fastify's 404 router", (t) => {
  const app = Fastify({ routerOptions: { maxParamLength: 7 } })
  const { router, findMyWay } = fastifysRouter(app)
  t.assert.strictEqual(router.maxParamLength, 7)
  t.assert.strictEqual(findMyWay, FindMyWay)
  // A clear error without a 404 router, or when findRoute() asks no router of that find-my-way.
  const kFourOhFour = Object.getOwnPropertySymbols(app).find(symbol => symbol.description === 'fastify.404')
  const noRouter = notSupported("lib/four-oh-four.js's find-my-way `router`")
  t.assert.throws(() => fastifysRouter({ [kFourOhFour]: {} }), noRouter)
  t.assert.throws(() => fastifysRouter({ [kFourOhFour]: { router: {} } }), noRouter)
  const findsNothing = notSupported("lib/route.js `findRoute` calling its router's `find`")
  t.assert.throws(() => fastifysRouter({ [kFourOhFour]: app[kFourOhFour], findRoute: () => null }), findsNothing)
})

test("the runners find Fastify's kRouteContext on the first request, or a clear error on one without it", (t) => {
  const runNotFoundHandler = createNotFoundHandlerRunner()
  t.assert.throws(() => runNotFoundHandler({}, {}), notSupported("lib/symbols.js `Symbol\\('fastify.context'\\)`"))
})

test("requestContentTypes: a route context's parsers, " +
  "or a clear error on a context without Fastify's fields", async (t) => {
  const { kRouteContext } = createRequire(require.resolve('fastify'))('./lib/symbols.js')
  const app = Fastify()
  let context
  app.addContentTypeParser('*', (request, payload, done) => { done(null) })
  app.addContentTypeParser('application/x-a', (request, payload, done) => { done(null) })
  app.get('/', (request) => { context = request[kRouteContext]; return 'ok' })
  await app.inject('/')
  t.assert.deepStrictEqual(requestContentTypes(context),
    { types: ['application/x-a', 'application/json', 'text/plain'], anyType: true })
  const what = "lib/context.js `contentTypeParser` with lib/content-type-parser.js's `parserList` and `customParsers`"
  const standIns = [{}, { contentTypeParser: { parserList: [], customParsers: {} } },
    { contentTypeParser: { parserList: [/a/], customParsers: new Map() } }]
  for (const standIn of standIns) {
    t.assert.throws(() => requestContentTypes(standIn), notSupported(what))
  }
})

test("the root's not-found handler and the LogController are found on the instance, or a clear error", async (t) => {
  const app = Fastify()
  await app.ready()
  const root = rootNotFoundHandler(app)
  t.assert.strictEqual(root.settable, true)
  t.assert.strictEqual(root.current.name, 'basic404')
  t.assert.strictEqual(typeof logControllerOf(app).defaultErrorLog, 'function')
  const symbols = {
    'fastify.canSetNotFoundHandler': 'yes', 'fastify.404LogLevelInstance': {}, 'fastify.404ContextKey': {}
  }
  const standIn = Object.fromEntries(Object.entries(symbols)
    .map(([description, value]) => [Symbol(description), value]))
  t.assert.throws(() => rootNotFoundHandler({}),
    notSupported("lib/symbols.js `Symbol\\('fastify.canSetNotFoundHandler'\\)`"))
  t.assert.throws(() => rootNotFoundHandler(standIn), notSupported('lib/four-oh-four.js `kCanSetNotFoundHandler`'))
  t.assert.throws(() => logControllerOf({ [Symbol('fastify.logController')]: {} }),
    notSupported('lib/log-controller.js'))
})

test("a route context's config (the route's url in it), or a clear error on a context without one", (t) => {
  const config = { url: '/users/:id', method: 'GET' }
  t.assert.strictEqual(routeConfigOf({ config }), config)
  t.assert.strictEqual(routeUrlOf({ config }), '/users/:id')
  for (const standIn of [{}, { config: null }, { config: 'x' }]) {
    t.assert.throws(() => routeConfigOf(standIn), notSupported('lib/context.js `config`'))
  }
})

test("contextHooksReader: each of a context's bound copies with the function the app added, " +
  'or a clear error', async (t) => {
  const { kRouteContext } = createRequire(require.resolve('fastify'))('./lib/symbols.js')
  const app = Fastify()
  const atRoot = async () => {}
  const atRoute = async () => {}
  const given = async () => {}
  let routeContext
  app.addHook('onRequest', atRoot)
  app.get('/r', { preHandler: [atRoute] }, async (request) => { routeContext = request[kRouteContext] })
  let notFoundContext
  app.setNotFoundHandler({ preHandler: given }, async (request) => { notFoundContext = request[kRouteContext] })
  await app.ready()
  await app.inject('/r')
  await app.inject('/missing')
  const read = contextHooksReader(app)
  const route = read(routeContext, { preHandler: [atRoute] })
  t.assert.deepStrictEqual(route.onRequest.map(hook => hook.source), [atRoot])
  t.assert.deepStrictEqual(route.preHandler.map(hook => hook.source), [atRoute])
  t.assert.deepStrictEqual(route.preValidation, [])
  // Fastify runs bound copies: the source is what tells the root's hook in two contexts apart from two hooks.
  t.assert.notStrictEqual(route.onRequest[0].run, atRoot)
  t.assert.strictEqual(read(routeContext, undefined), route)
  // The hooks given to setNotFoundHandler are their own sources; the instance's are paired.
  const notFound = read(notFoundContext, undefined)
  t.assert.deepStrictEqual(notFound.onRequest.map(hook => hook.source), [atRoot])
  t.assert.deepStrictEqual(notFound.preHandler.map(hook => hook.source), notFound.preHandler.map(hook => hook.run))
  // Lists built otherwise than Fastify 5 and 6 build them: every copy is its own source (run, never skipped).
  const copy = async () => {}
  const odd = read({ server: app, onRequest: null, preValidation: [], preHandler: [copy] }, undefined)
  t.assert.deepStrictEqual(odd.preHandler, [{ run: copy, source: copy }])
  t.assert.deepStrictEqual(read({ server: app, onRequest: [] }, undefined).onRequest, [])
  t.assert.throws(() => contextHooksReader({}), notSupported("lib/symbols.js `Symbol\\('fastify.hooks'\\)`"))
  const kHooks = Object.getOwnPropertySymbols(app).find(symbol => symbol.description === 'fastify.hooks')
  t.assert.throws(() => contextHooksReader({ [kHooks]: {} }), notSupported('lib/hooks.js `Hooks` lists under `kHooks`'))
})
