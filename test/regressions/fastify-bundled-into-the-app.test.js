// An app bundled into one file with Fastify inside (esbuild's CommonJS output, the default of AWS CDK's
// NodejsFunction) crashed at load: the plugin called `createRequire(import.meta.url)` at module level, and
// esbuild turns `import.meta` into `{}`. Past that, it looked for Fastify's files (find-my-way, lib/hooks.js,
// lib/symbols.js) in Node's module cache, which a bundle leaves empty. Here Fastify and the plugin are
// bundled together, in this process, and answer every kind of request the plugin handles.
// (test/integration/bundles/run.js builds the example app in every output format, Fastify inside and
// outside, and asks it over HTTP.)
import { test } from 'node:test'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { request } from 'node:http'
import { join } from 'node:path'
import { buildSync } from 'esbuild'

const require = createRequire(import.meta.url)
const project = join(import.meta.dirname, '..', '..')
const cache = join(project, 'node_modules', '.cache', 'fastify-allowed-methods-test')
const outfile = join(cache, 'fastify-bundled-into-the-app.cjs')
mkdirSync(cache, { recursive: true })
buildSync({
  stdin: {
    contents: `export { default as Fastify } from 'fastify'
export { default as fastifyAllowedMethods } from 'fastify-allowed-methods'
`,
    resolveDir: project
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile,
  logLevel: 'error'
})
const { Fastify, fastifyAllowedMethods } = require(outfile)

/** One HTTP request with `Expect: 100-continue`; resolves with the statuses that came, in order. */
function expectContinue (port, method, path) {
  return new Promise((resolve, reject) => {
    const statuses = []
    const headers = { expect: '100-continue', 'content-type': 'text/plain', 'content-length': 5 }
    const req = request({ host: '127.0.0.1', port, method, path, headers, timeout: 5000 })
    req.on('continue', () => { statuses.push(100); req.end('hello') })
    req.on('response', (res) => { statuses.push(res.statusCode); res.resume().on('end', () => resolve(statuses)) })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 5 s`)))
    req.on('error', reject)
  })
}

test('Fastify bundled into the app: 405 with Allow, OPTIONS, guards, the 404 to Expect: 100-continue', async (t) => {
  const loaded = Object.keys(require.cache)
  t.assert.ok(!loaded.some(file => file.endsWith(join('fastify', 'fastify.js'))), 'no file of Fastify is loaded')
  const app = Fastify()
  await app.register(fastifyAllowedMethods)
  app.setNotFoundHandler({
    preHandler: async (request, reply) => {
      if (request.headers.authorization === undefined) return reply.code(401).send('who?')
    }
  }, (request, reply) => reply.code(404).send('nope'))
  app.get('/users/:id', async () => 'user')
  app.put('/users/:id', async () => 'saved')
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.after(() => app.close())
  const authorization = 'Bearer x'

  t.assert.strictEqual((await app.inject('/users/1')).statusCode, 200)
  t.assert.deepStrictEqual([(await app.inject({ url: '/nope', headers: { authorization } })).body], ['nope'])
  const refused = await app.inject({ method: 'DELETE', url: '/users/1', headers: { authorization } })
  t.assert.deepStrictEqual([refused.statusCode, refused.headers.allow], [405, 'GET, HEAD, OPTIONS, PUT'])
  const options = await app.inject({ method: 'OPTIONS', url: '/users/1', headers: { authorization } })
  t.assert.deepStrictEqual([options.statusCode, options.headers.allow], [200, 'GET, HEAD, OPTIONS, PUT'])
  t.assert.strictEqual((await app.inject({ method: 'DELETE', url: '/users/1' })).statusCode, 401, 'the guard ran')
  t.assert.deepStrictEqual(app.allowedMethods('/users/7'), ['GET', 'HEAD', 'OPTIONS', 'PUT'])
  // The not-found handler, run for a client that waits for its 100 (the guard answers it: no authorization).
  const { port } = app.server.address()
  t.assert.deepStrictEqual(await expectContinue(port, 'POST', '/nope'), [401])
  t.assert.deepStrictEqual(await expectContinue(port, 'PUT', '/users/1'), [100, 200])
})
