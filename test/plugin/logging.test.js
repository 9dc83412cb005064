import { describe, test } from 'node:test'
import Fastify, { LogController } from 'fastify'
import fastifyAllowedMethods, { MethodNotAllowedError, NotImplementedError } from '../../dist/index.js'
import { ok } from '../support/with-plugin.js'

// Every line the plugin writes follows the settings Fastify's own line for the same answer follows, with the
// same shape. The oracle is Fastify alone whose not-found handler sends the plugin's error through Fastify's
// default error handler: the line Fastify itself writes for that answer.

/** A logger writing parsed lines into `lines`. */
const capture = (lines, level = 'info') => ({ level, stream: { write: (line) => { lines.push(JSON.parse(line)) } } })

/** What a line says, without what differs between two processes or two requests (time, ids, stack frames). */
const shape = ({ level, msg, res, err }) => ({
  level,
  msg,
  ...(res === undefined ? {} : { res }),
  ...(err === undefined ? {} : { err: { ...err, stack: undefined } })
})

const ALLOW = ['GET', 'HEAD', 'OPTIONS']

/** The request's lines in an app built by `build(lines)`, after `await app.ready()`. */
async function linesOf (build, request) {
  const lines = []
  const app = await build(lines)
  await app.ready()
  await app.inject(request)
  await app.close()
  return lines.filter(line => line.reqId !== undefined).map(shape)
}

/** The app with the plugin. */
const withPlugin = (fastifyOptions, pluginOptions = {}) => async (lines) => {
  const app = Fastify({ ...fastifyOptions, logger: capture(lines, fastifyOptions.level) })
  await app.register(fastifyAllowedMethods, pluginOptions)
  app.get('/a', ok)
  return app
}

/** Fastify alone, answering unmatched requests with the plugin's error, as its default error handler sends it. */
const oracle = (fastifyOptions) => async (lines) => {
  const app = Fastify({ ...fastifyOptions, logger: capture(lines, fastifyOptions.level) })
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'PROPFIND') return reply.send(new NotImplementedError(request.method))
    reply.header('allow', ALLOW.join(', '))
    reply.send(new MethodNotAllowedError(request.method, request.url, ALLOW))
  })
  app.get('/a', ok)
  return app
}

/** Fastify alone, its own 404. */
const fastifyAlone = (fastifyOptions) => async (lines) => {
  const app = Fastify({ ...fastifyOptions, logger: capture(lines, fastifyOptions.level) })
  app.get('/a', ok)
  return app
}

class TaggingController extends LogController {
  defaultErrorLog (error, request, reply) {
    reply.log.warn({ tagged: error.code }, 'tagged by the app')
  }
}

const SETTINGS = {
  'the default logger': {},
  'disableRequestLogging: true': { disableRequestLogging: true },
  'disableRequestLogging as a function that silences this request': {
    disableRequestLogging: (request) => request.url === '/a'
  },
  'disableRequestLogging as a function that does not': { disableRequestLogging: (request) => request.url === '/quiet' },
  'a LogController with disableRequestLogging': { logController: new LogController({ disableRequestLogging: true }) },
  'a LogController overriding defaultErrorLog': { logController: new TaggingController() },
  'the instance at level warn': { level: 'warn' }
}

describe('the 405 is logged as Fastify logs the same answer from its default error handler', () => {
  for (const [name, fastifyOptions] of Object.entries(SETTINGS)) {
    test(name, async (t) => {
      const request = { method: 'DELETE', url: '/a' }
      const ours = await linesOf(withPlugin(fastifyOptions), request)
      t.assert.deepStrictEqual(ours, await linesOf(oracle(fastifyOptions), request))
      // The same settings silence Fastify's 404 line for this request without the plugin, or neither.
      const notFound = await linesOf(fastifyAlone(fastifyOptions), request)
      t.assert.strictEqual(ours.length, notFound.length)
    })
  }

  test('its line carries the error, as Fastify\'s 4xx line does', async (t) => {
    const ours = await linesOf(withPlugin({}), { method: 'DELETE', url: '/a' })
    const line = ours.find(line => line.err !== undefined)
    t.assert.strictEqual(line?.level, 30)
    t.assert.strictEqual(line.err.code, 'FST_ERR_METHOD_NOT_ALLOWED')
    t.assert.deepStrictEqual(line.err.allowedMethods, ALLOW)
    t.assert.deepStrictEqual(line.res, { statusCode: 405 })
  })

  test('problemDetails changes the body, not the line', async (t) => {
    const request = { method: 'DELETE', url: '/a' }
    t.assert.deepStrictEqual(await linesOf(withPlugin({}, { problemDetails: true }), request),
      await linesOf(oracle({}), request))
  })

  test('a prefixed plugin\'s logLevel applies to its not-found context as to Fastify\'s 404 there', async (t) => {
    const build = (plugin) => async (lines) => {
      const app = Fastify({ logger: capture(lines) })
      if (plugin) await app.register(fastifyAllowedMethods)
      app.register(async (child) => {
        child.setNotFoundHandler((request, reply) => reply.code(404).send('nope'))
        child.get('/x', ok)
      }, { prefix: '/p', logLevel: 'error' })
      return app
    }
    const ours = await linesOf(build(true), { method: 'DELETE', url: '/p/x' })
    t.assert.deepStrictEqual(ours, [])
    t.assert.deepStrictEqual(await linesOf(build(false), { method: 'DELETE', url: '/p/x' }), [])
    // The root's level still logs.
    t.assert.strictEqual((await linesOf(withPlugin({}), { method: 'DELETE', url: '/a' })).length, 3)
  })
})

describe('the 501 is logged at info, with the shape of Fastify\'s 4xx line, under the same settings', () => {
  for (const [name, fastifyOptions] of Object.entries(SETTINGS)) {
    if (fastifyOptions.logController instanceof TaggingController) continue
    test(name, async (t) => {
      const request = { method: 'PROPFIND', url: '/a' }
      const ours = await linesOf(withPlugin(fastifyOptions, { notImplemented: true }), request)
      // Fastify writes its 5xx lines at error level: the plugin's line is the same line at info.
      // (An instance at warn then shows it no more.)
      const expected = (await linesOf(oracle(fastifyOptions), request))
        .map(line => line.level === 50 ? { level: 30, msg: line.msg, res: line.res, err: line.err } : line)
        .filter(line => fastifyOptions.level !== 'warn' || line.level >= 40)
      t.assert.deepStrictEqual(ours, expected)
      t.assert.ok(!ours.some(line => line.level >= 40), 'no line at warn or above')
    })
  }

  test('with problemDetails too', async (t) => {
    const app = withPlugin({}, { notImplemented: true, problemDetails: true })
    const ours = await linesOf(app, { method: 'PROPFIND', url: '/a' })
    const line = ours.find(line => line.err !== undefined)
    t.assert.strictEqual(line?.level, 30)
    t.assert.strictEqual(line.err.code, 'FST_ERR_NOT_IMPLEMENTED')
    t.assert.deepStrictEqual(line.res, { statusCode: 501 })
  })
})
