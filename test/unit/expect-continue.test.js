import { test } from 'node:test'
import { EventEmitter } from 'node:events'
import { answerExpectContinue } from '../../dist/respond/expect-continue.js'

// The checkContinue listener's decision, on stand-ins of the server, the request and the response: the
// socket-level behaviour is in uploads.test.js.

function serverWith (findRoute, deriveConstraints) {
  const server = new EventEmitter()
  const asked = []
  const fastify = { server, findRoute: (route) => { asked.push(route); return findRoute(route) } }
  const context = {
    options: { allowOnSuccess: false, notFoundWhenEmpty: false },
    registry: () => ({ constraints: { deriveAsync: deriveConstraints } })
  }
  answerExpectContinue(fastify, context)
  const req = new EventEmitter()
  req.method = 'POST'
  req.url = '/upload'
  const res = { headersSent: false, continued: 0, writeContinue () { this.continued++ } }
  server.emit('checkContinue', req, res)
  return { asked, res }
}

test('a routed request gets its 100 at once, with the constraint values derived', (t) => {
  const { asked, res } = serverWith(() => ({}), (_req, done) => done(null, { host: 'a.example' }))
  t.assert.deepStrictEqual(asked, [{ method: 'POST', url: '/upload', constraints: { host: 'a.example' } }])
  t.assert.strictEqual(res.continued, 1)
})

test('when deriving the constraints fails, nothing is asked and no 100 is sent: Fastify answers the error', (t) => {
  const { asked, res } = serverWith(() => ({}), (_req, done) => done(new Error('tenant lookup failed')))
  t.assert.deepStrictEqual(asked, [])
  t.assert.strictEqual(res.continued, 0)
})
