import { test } from 'node:test'
import { cpSync, mkdirSync, rmSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

// The registry matches with the find-my-way that the app's Fastify runs, not with a copy of its own: npm
// may install two copies (one for Fastify, one hoisted), and "matching is Fastify's" holds only with one.
// The fixture is an install where Fastify holds its own find-my-way, nested in fastify/node_modules, that
// differs from the top-level copy in its code: its routers match paths case-insensitively, though their
// `caseSensitive` option says otherwise. Fastify's router then routes POST /users to the GET /Users route's
// URL; only a registry built with the same copy answers 405 for it (the top-level copy would say 404).

const require = createRequire(import.meta.url)
const project = join(import.meta.dirname, '..', '..')
const fixture = join(project, 'node_modules', '.cache', 'fastify-allowed-methods-test', 'nested-find-my-way')
const modules = join(fixture, 'node_modules')
const fastifyMain = require.resolve('fastify')
const skipped = new Set(['node_modules', 'test', 'docs', 'types', 'examples', 'integration'])

rmSync(fixture, { recursive: true, force: true })
mkdirSync(modules, { recursive: true })
cpSync(dirname(fastifyMain), join(modules, 'fastify'), {
  recursive: true, filter: (source) => !skipped.has(basename(source)) || source === dirname(fastifyMain)
})
const nested = join(modules, 'fastify', 'node_modules', 'find-my-way')
cpSync(dirname(createRequire(fastifyMain).resolve('find-my-way/package.json')), nested, { recursive: true })
renameSync(join(nested, 'index.js'), join(nested, 'router.js'))
writeFileSync(join(nested, 'index.js'), `'use strict'
const Router = require('./router.js')
for (const name of ['on', 'find', 'findRoute']) {
  const method = Router.prototype[name]
  Router.prototype[name] = function caseInsensitive (verb, path, ...rest) {
    return method.call(this, verb, path.toLowerCase(), ...rest)
  }
}
module.exports = Router
`)
// The plugin installed beside that Fastify: its peer dependency resolves to it.
mkdirSync(join(modules, 'fastify-allowed-methods'))
cpSync(join(project, 'package.json'), join(modules, 'fastify-allowed-methods', 'package.json'))
cpSync(join(project, 'dist'), join(modules, 'fastify-allowed-methods', 'dist'), { recursive: true })

const Fastify = require(join(modules, 'fastify'))
const ok = async () => 'ok'

async function appWith (pluginFile) {
  const { default: plugin } = await import(pathToFileURL(pluginFile).href)
  const app = Fastify()
  await app.register(plugin)
  app.get('/Users', ok)
  await app.ready()
  return app
}

test("the registry matches with the find-my-way of the app's Fastify, not the top-level copy", async (t) => {
  t.assert.notStrictEqual(createRequire(fastifyMain).resolve('find-my-way'), join(nested, 'index.js'))
  const app = await appWith(join(modules, 'fastify-allowed-methods', 'dist', 'index.js'))
  // Fastify's own router uses the nested copy: the case-insensitive match is real.
  t.assert.strictEqual((await app.inject({ method: 'GET', url: '/users' })).statusCode, 200)
  const response = await app.inject({ method: 'POST', url: '/users' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
  t.assert.deepStrictEqual(app.allowedMethods('/users'), ['GET', 'HEAD', 'OPTIONS'])
})

test("a plugin that resolves another Fastify (npm link) still uses the running Fastify's find-my-way", async (t) => {
  // The project's own build resolves the project's Fastify, which this process never loaded.
  const app = await appWith(join(project, 'dist', 'index.js'))
  const response = await app.inject({ method: 'POST', url: '/users' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
})
