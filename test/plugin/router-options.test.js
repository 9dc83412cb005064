import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { answer, ok } from '../support/with-plugin.js'

// The registry reads the matching options from Fastify's own router, so whichever way the app gives them
// (at the top level, deprecated, or in `routerOptions`, which wins key by key), its answers follow Fastify's
// routing. Each case: an app whose routing differs from the defaults, and a request that tells.

async function appWith (options) {
  const app = Fastify(options)
  await app.register(fastifyAllowedMethods)
  app.get('/Users/:id', ok)
  app.get('/files/', ok)
  app.get('/a/b', ok)
  await app.ready()
  return app
}

const cases = [
  { name: 'defaults', options: {}, url: '/users/1', status: 404 },
  { name: 'caseSensitive: false at the top level', options: { caseSensitive: false }, url: '/users/1', status: 405 },
  {
    name: 'caseSensitive: false in routerOptions',
    options: { routerOptions: { caseSensitive: false } },
    url: '/users/1',
    status: 405
  },
  {
    name: 'ignoreTrailingSlash in routerOptions',
    options: { routerOptions: { ignoreTrailingSlash: true } },
    url: '/files',
    status: 405
  },
  {
    name: 'ignoreDuplicateSlashes at the top level',
    options: { ignoreDuplicateSlashes: true },
    url: '/a//b',
    status: 405
  },
  {
    name: 'maxParamLength: routerOptions wins over the top level',
    options: { maxParamLength: 100, routerOptions: { maxParamLength: 3 } },
    url: '/Users/1234',
    status: 404
  },
  // The case initialConfig could not tell: routerOptions holding the default while the top level does not.
  {
    name: 'routerOptions holding the default wins over the top level',
    options: { caseSensitive: false, routerOptions: { caseSensitive: true } },
    url: '/users/1',
    status: 404
  }
]

for (const { name, options, url, status } of cases) {
  test(`router options: ${name}`, async (t) => {
    const app = await appWith(options)
    const oracle = Fastify(options)
    oracle.get('/Users/:id', ok)
    oracle.get('/files/', ok)
    oracle.get('/a/b', ok)
    // Fastify's own routing of the same URL with the method the route has: 200 means a route is there.
    const routed = (await oracle.inject({ method: 'GET', url })).statusCode === 200
    t.assert.strictEqual(routed, status === 405, 'the case describes Fastify\'s routing')
    t.assert.strictEqual((await answer(app, 'DELETE', url)).status, status)
  })
}
