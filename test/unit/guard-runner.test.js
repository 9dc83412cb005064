// The guards runner (respond/guards.ts) decides which hooks run for a request the plugin answers itself.
// Here its internals are plain functions over contexts written as Fastify's reader returns them
// (`{ onRequest, preValidation, preHandler }` of `{ run, source }`), with the plugin's own hook runner, so
// that what ran and what `next` was given can be read directly; test/plugin/not-found-guards.test.js and
// test/plugin/resource-guards.test.js run the same rules through Fastify.
import { test } from 'node:test'
import { createGuardRunner, UNGUARDED } from '../../dist/respond/guards.js'
import { runHooks } from '../../dist/internals/fastify.js'

/** A hook as a context holds it: its copy, which records its name when run, and its source. */
const hookOf = (ran, name, source = name) => ({
  run: (request, reply, done) => { ran.push(name); done() },
  source
})

const phases = (hooks = {}) => ({ onRequest: [], preValidation: [], preHandler: [], ...hooks })

function runnerFor (notFound, { ignored = [], routeHooks = new Map() } = {}) {
  const counts = { hookRuns: 0, reads: 0 }
  const runner = createGuardRunner({
    runHooks: (hooks, request, reply, done) => { counts.hookRuns++; runHooks(hooks, request, reply, done) },
    contextOf: (request) => request.context,
    hooksOf: (context) => {
      counts.reads++
      return context === notFound.context ? notFound.hooks : routeHooks.get(context)
    },
    notFoundOptionsOf: () => undefined,
    sendError: (reply, error) => { reply.sentError = error }
  }, new Set(ignored))
  return { runner, counts }
}

const request = (context) => ({ context })
const reply = () => ({ sent: false })

test('with nothing to run but the plugin\'s own hook, next has UNGUARDED at once and no hook runs', (t) => {
  const ran = []
  const ours = hookOf(ran, 'ours')
  const notFound = { context: {}, hooks: phases({ onRequest: [hookOf(ran, 'auth')], preHandler: [ours] }) }
  const { runner, counts } = runnerFor(notFound, { ignored: ['ours'] })
  let verdict
  runner(request(notFound.context), reply(), [], false, (given) => { verdict = given })
  t.assert.strictEqual(verdict, UNGUARDED)
  t.assert.deepStrictEqual(ran, [])
  t.assert.strictEqual(counts.hookRuns, 0)
})

test('the not-found context\'s hooks after onRequest run, the plugin\'s own among them never', (t) => {
  const ran = []
  const notFound = {
    context: {},
    hooks: phases({
      onRequest: [hookOf(ran, 'early')],
      preValidation: [hookOf(ran, 'validate')],
      preHandler: [hookOf(ran, 'auth'), hookOf(ran, 'ours')]
    })
  }
  const { runner } = runnerFor(notFound, { ignored: ['ours'] })
  let verdict
  runner(request(notFound.context), reply(), [], false, (given) => { verdict = given })
  t.assert.deepStrictEqual(ran, ['validate', 'auth'])
  t.assert.strictEqual(verdict, UNGUARDED)
})

test('a route\'s copy of a not-found hook is the not-found path\'s: run once, the caller not consulted', (t) => {
  const ran = []
  const notFound = { context: {}, hooks: phases({ preHandler: [hookOf(ran, 'not-found audit', 'audit')] }) }
  const route = { method: 'GET', context: {}, record: undefined, catchAll: false }
  const routeHooks = new Map([[route.context, phases({ preValidation: [hookOf(ran, 'route audit', 'audit')] })]])
  const { runner } = runnerFor(notFound, { routeHooks })
  let verdict
  runner(request(notFound.context), reply(), [route], false, (given) => { verdict = given })
  t.assert.deepStrictEqual(ran, ['not-found audit'])
  t.assert.strictEqual(verdict.consulted, false)
})

test('a route\'s own hook is consulted, after the not-found context\'s of its phase', (t) => {
  const ran = []
  const notFound = { context: {}, hooks: phases({ preHandler: [hookOf(ran, 'not-found')] }) }
  const route = { method: 'GET', context: {}, record: undefined, catchAll: false }
  const routeHooks = new Map([[route.context, phases({ preHandler: [hookOf(ran, 'route')] })]])
  const { runner } = runnerFor(notFound, { routeHooks })
  let verdict
  runner(request(notFound.context), reply(), [route], false, (given) => { verdict = given })
  t.assert.deepStrictEqual(ran, ['not-found', 'route'])
  t.assert.deepStrictEqual(verdict, { refused: new Set(), consulted: true })
})

test('once the not-found context\'s hooks all ran (a declined request), none runs again', (t) => {
  const ran = []
  const notFound = { context: {}, hooks: phases({ preHandler: [hookOf(ran, 'auth')] }) }
  const { runner, counts } = runnerFor(notFound)
  let verdict
  runner(request(notFound.context), reply(), [], true, (given) => { verdict = given })
  t.assert.strictEqual(verdict, UNGUARDED)
  t.assert.strictEqual(counts.hookRuns, 0)
})

test('a not-found context is read once, however many requests it answers', (t) => {
  const ran = []
  const notFound = { context: {}, hooks: phases({ preHandler: [hookOf(ran, 'auth')] }) }
  const { runner, counts } = runnerFor(notFound)
  for (let i = 0; i < 3; i++) runner(request(notFound.context), reply(), [], false, () => {})
  t.assert.deepStrictEqual(ran, ['auth', 'auth', 'auth'])
  t.assert.strictEqual(counts.reads, 1)
})
