// @fastify/aws-lambda runs the app on AWS Lambda behind API Gateway: each event becomes an `app.inject()`
// and the reply a Lambda response object. An HTTP API (payload format 2.0) event for a known URL with a
// method it lacks gets the 405 with its Allow header, an OPTIONS its automatic answer; matched routes and
// unknown URLs get what they get without the plugin (the oracle).
import { test } from 'node:test'
import Fastify from 'fastify'
import awsLambdaFastify from '@fastify/aws-lambda'
import fastifyAllowedMethods from '../../dist/index.js'

const parsed = (query) => Object.fromEntries(new URLSearchParams(query))

/** An API Gateway HTTP API event, payload format 2.0, as the Lambda receives it. */
function httpApiEvent (method, rawPath, rawQueryString = '') {
  const domainName = 'abc123.execute-api.eu-west-1.amazonaws.com'
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    // API Gateway sends the parsed query only when there is one.
    ...(rawQueryString === '' ? {} : { queryStringParameters: parsed(rawQueryString) }),
    headers: { host: domainName, 'user-agent': 'curl/8.5.0', accept: '*/*' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName,
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: '$default',
      stage: '$default',
      time: '04/Dec/2026:20:00:00 +0000',
      timeEpoch: 1796414400000
    },
    isBase64Encoded: false
  }
}

/** A Lambda handler for the app, with or without the plugin. */
async function handler (plugin) {
  const app = Fastify()
  if (plugin) await app.register(fastifyAllowedMethods)
  app.get('/users/:id', async (request) => ({ id: request.params.id }))
  app.put('/users/:id', async (request) => ({ id: request.params.id }))
  // Its README's order: the handler first (it decorates the request), then ready() at cold start.
  const proxy = awsLambdaFastify(app)
  await app.ready()
  return { app, proxy }
}

test('HTTP API (payload 2.0) events: 405 with Allow, automatic OPTIONS, 200 and 404 as without it', async (t) => {
  const withPlugin = await handler(true)
  const oracle = await handler(false)
  t.after(() => Promise.all([withPlugin.app.close(), oracle.app.close()]))

  for (const event of [httpApiEvent('GET', '/users/1', 'fields=name'), httpApiEvent('GET', '/nope')]) {
    const [got, want] = [await withPlugin.proxy(event, {}), await oracle.proxy(event, {})]
    t.assert.strictEqual(got.statusCode, want.statusCode, event.rawPath)
    t.assert.strictEqual(got.body, want.body, event.rawPath)
    t.assert.strictEqual(got.headers.allow, undefined, event.rawPath)
  }
  t.assert.strictEqual((await oracle.proxy(httpApiEvent('GET', '/users/1'), {})).statusCode, 200)
  t.assert.strictEqual((await oracle.proxy(httpApiEvent('GET', '/nope'), {})).statusCode, 404)

  const refused = await withPlugin.proxy(httpApiEvent('DELETE', '/users/1', 'force=true'), {})
  t.assert.strictEqual(refused.statusCode, 405)
  t.assert.strictEqual(refused.headers.allow, 'GET, HEAD, OPTIONS, PUT')
  t.assert.deepStrictEqual(JSON.parse(refused.body), {
    statusCode: 405,
    code: 'FST_ERR_METHOD_NOT_ALLOWED',
    error: 'Method Not Allowed',
    message: 'Method DELETE is not allowed for /users/1?force=true'
  })
  // API Gateway HTTP APIs take string header values only.
  t.assert.ok(Object.values(refused.headers).every(value => typeof value === 'string'))

  const options = await withPlugin.proxy(httpApiEvent('OPTIONS', '/users/1'), {})
  t.assert.strictEqual(options.statusCode, 200)
  t.assert.strictEqual(options.headers.allow, 'GET, HEAD, OPTIONS, PUT')
  t.assert.strictEqual(options.headers['content-length'], '0')
  t.assert.strictEqual(options.body, '')
  // Without the plugin both are Fastify's 404.
  for (const method of ['DELETE', 'OPTIONS']) {
    t.assert.strictEqual((await oracle.proxy(httpApiEvent(method, '/users/1'), {})).statusCode, 404)
  }
})
