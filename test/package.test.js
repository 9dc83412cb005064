import { test } from 'node:test'
import { createRequire } from 'node:module'
import Fastify from 'fastify'
import fastifyAllowedMethods, * as named from 'fastify-allowed-methods'

const require = createRequire(import.meta.url)

// These import the package by its name, through package.json "exports", as a user would.

test('import: default export and the named export are the plugin', async (t) => {
  t.assert.strictEqual(typeof fastifyAllowedMethods, 'function')
  t.assert.strictEqual(named.fastifyAllowedMethods, fastifyAllowedMethods)
  t.assert.strictEqual(typeof named.MethodNotAllowedError, 'function')
  t.assert.strictEqual(named.MethodNotAllowedSchema.properties.statusCode.const, 405)
  t.assert.strictEqual(named.NotImplementedSchema.properties.statusCode.const, 501)
})

test('require() returns the plugin itself, usable as app.register(require(...))', async (t) => {
  const required = require('fastify-allowed-methods')
  t.assert.strictEqual(required, fastifyAllowedMethods)
  t.assert.strictEqual(required.default, fastifyAllowedMethods)
  t.assert.strictEqual(required.fastifyAllowedMethods, fastifyAllowedMethods)
  const app = Fastify()
  await app.register(require('fastify-allowed-methods'))
  app.get('/a', async () => 'a')
  const response = await app.inject({ method: 'POST', url: '/a' })
  t.assert.strictEqual(response.statusCode, 405)
  t.assert.strictEqual(response.headers.allow, 'GET, HEAD, OPTIONS')
})

test('the published files are the build only', async (t) => {
  const pkg = require('../package.json')
  t.assert.deepStrictEqual(pkg.files, ['dist', '!dist/**/*.map'])
  t.assert.strictEqual(pkg.peerDependencies.fastify, '^5.0.0 || ^6.0.0-0')
  t.assert.deepStrictEqual(Object.keys(pkg.dependencies).sort(), ['@sinclair/typebox', 'fastify-plugin'])
})
