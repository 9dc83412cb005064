// The plugin runs the not-found context's guards with a hook runner of its own (Fastify's is private to
// lib/hooks.js, a file a bundle does not have). Differential: Fastify's own `preHandlerHookRunner` is the
// oracle, run on the same hooks; which hooks ran, in which order, and how the chain ended must agree.
import { test } from 'node:test'
import { createRequire } from 'node:module'
import { setImmediate as tick } from 'node:timers/promises'
import { runHooks } from '../../dist/internals/fastify.js'

const require = createRequire(import.meta.url)
const { preHandlerHookRunner } = createRequire(require.resolve('fastify'))('./lib/hooks.js')

const failure = new Error('guard failed')

// Each hook records its name in `log`; a case is a list of hooks and an optional reply state.
const hooks = {
  calls: (log) => (request, reply, done) => { log.push('calls'); done() },
  callsLater: (log) => (request, reply, done) => { log.push('callsLater'); setTimeout(done, 1) },
  resolves: (log) => async () => { log.push('resolves') },
  failsByDone: (log) => (request, reply, done) => { log.push('failsByDone'); done(failure) },
  throws: (log) => () => { log.push('throws'); throw failure },
  throwsNothing: (log) => () => { log.push('throwsNothing'); throw undefined }, // eslint-disable-line no-throw-literal
  throwsAString: (log) => () => { log.push('throwsAString'); throw 'nope' }, // eslint-disable-line no-throw-literal
  rejects: (log) => async () => { log.push('rejects'); throw failure },
  // eslint-disable-next-line prefer-promise-reject-errors
  rejectsWithNothing: (log) => () => { log.push('rejectsWithNothing'); return Promise.reject() },
  passesNull: (log) => (request, reply, done) => { log.push('passesNull'); done(null) },
  passesEmptyString: (log) => (request, reply, done) => { log.push('passesEmptyString'); done('') },
  sends: (log) => (request, reply, done) => { log.push('sends'); reply.sent = true; done() },
  sendsAsync: (log) => async (request, reply) => { log.push('sendsAsync'); reply.sent = true },
  sendsThenFails: (log) => (request, reply, done) => { log.push('sendsThenFails'); reply.sent = true; done(failure) },
  returnsAValue: (log) => (request, reply, done) => { log.push('returnsAValue'); done(); return 42 },
  returnsAThenable: (log) => () => { log.push('returnsAThenable'); return { then: (resolve) => resolve() } }
}

const cases = [
  [],
  ['calls', 'resolves', 'callsLater', 'calls'],
  ['calls', 'failsByDone', 'calls'],
  ['resolves', 'throws', 'calls'],
  ['throwsAString', 'calls'],
  ['calls', 'throwsNothing', 'calls'],
  ['calls', 'rejects', 'calls'],
  ['rejectsWithNothing', 'calls'],
  ['passesNull', 'calls'],
  ['calls', 'passesEmptyString'],
  ['passesEmptyString', 'calls'],
  ['calls', 'sends', 'calls'],
  ['sendsAsync', 'calls'],
  ['sendsThenFails', 'calls'],
  ['returnsAValue', 'returnsAThenable', 'calls'],
  { hooks: ['calls'], hijacked: true }
]

const shapeOf = (given) => Array.isArray(given) ? { hooks: given } : given

/** Runs a case with a runner; what the hooks logged and how the runner ended, once everything settled. */
async function outcome (runner, { hooks: names, hijacked = false }) {
  const log = []
  const request = {}
  const reply = { sent: hijacked }
  const endings = []
  runner(names.map(name => hooks[name](log)), request, reply, (error) => { endings.push(describe(error)) })
  const ended = [...endings]
  for (let i = 0; i < 5; i++) await tick()
  await new Promise(resolve => setTimeout(resolve, 5))
  return { log, synchronous: ended.length, endings }
}

/** An error as error handlers read it: its class name, code, status and message; other values as they are. */
const describe = (error) => error instanceof Error
  ? { name: error.name, code: error.code, statusCode: error.statusCode, message: error.message }
  : error

test("the plugin's hook runner runs hooks as Fastify's preHandlerHookRunner does", async (t) => {
  for (const given of cases) {
    const ours = await outcome(runHooks, shapeOf(given))
    t.assert.deepStrictEqual(ours, await outcome(preHandlerHookRunner, shapeOf(given)), JSON.stringify(given))
  }
  // The cases reach every way a chain ends.
  const ends = await Promise.all(cases.map(given => outcome(preHandlerHookRunner, shapeOf(given))))
  t.assert.ok(ends.some(end => end.endings.length === 0), 'a chain stopped by a reply')
  t.assert.ok(ends.some(end => end.endings[0]?.code === 'FST_ERR_SEND_UNDEFINED_ERR'), 'a rejection without an error')
  t.assert.ok(ends.some(end => end.endings[0] === 'nope'), 'a thrown value that is not an Error')
})
