import { test } from 'node:test'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
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

const project = join(import.meta.dirname, '..', '..')
/** The files `npm pack` would publish (without running prepack: the build is already there). */
const packed = () => JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
  cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']
}))[0].files.map(file => file.path)

test('the published files are the build of lib/, the README and the licence', async (t) => {
  const files = packed()
  t.assert.deepStrictEqual(files.filter(file => !file.startsWith('dist/')).sort(),
    ['LICENSE', 'README.md', 'package.json'])
  // The code is two files, the bundled ES module entry and the CommonJS one; the declarations are one per source.
  t.assert.deepStrictEqual(files.filter(file => /\.c?js(\.map)?$/.test(file)).sort(),
    ['dist/bundle.js', 'dist/bundle.js.map', 'dist/index.cjs', 'dist/index.cjs.map'])
  // Every declaration file comes from a source file of today (no leftover of a renamed one).
  for (const file of files.filter(file => /^dist\/.*\.d\.c?ts$/.test(file))) {
    const source = file.slice('dist/'.length).replace(/\.d\.c?ts$/, '')
    const extension = file.endsWith('.d.cts') ? '.cts' : '.ts'
    t.assert.ok(existsSync(join(project, 'lib', source + extension)), `${file} has no source in lib/`)
  }
})

test('every shipped sourceMappingURL names a shipped map, which carries its sources', async (t) => {
  const files = new Set(packed())
  let checked = 0
  for (const file of files) {
    const comment = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(project, file), 'utf8'))
    if (comment === null) continue
    const map = join(dirname(file), comment[1])
    t.assert.ok(files.has(map), `${file} points at ${map}, which is not published`)
    const { sources, sourcesContent } = JSON.parse(readFileSync(join(project, map), 'utf8'))
    t.assert.strictEqual(sourcesContent?.length, sources.length, `${map} does not carry its sources`)
    // The bundle's map goes through tsc's maps back to the TypeScript sources, so stack traces name lib/ lines.
    t.assert.deepStrictEqual(sources.filter(source => !/^\.\.\/lib\/.*\.c?ts$/.test(source)), [], map)
    checked++
  }
  t.assert.strictEqual(checked, 2, 'the two code files have source maps')
})

test('installing the package runs no script, and the shipped files point at nothing outside the package', async (t) => {
  const pkg = require('../../package.json')
  for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
    t.assert.strictEqual(pkg.scripts[script], undefined, `package.json has a "${script}" script`)
  }
  for (const file of packed()) {
    const text = readFileSync(join(project, file), 'utf8')
    t.assert.doesNotMatch(text, /\.\.\/shared\/|FACTS\.md|issue notes/, `${file} points outside the package`)
  }
})

test('the dependencies and the peer range', async (t) => {
  const pkg = require('../../package.json')
  t.assert.strictEqual(pkg.peerDependencies.fastify, '^5.12.2 || ^6.0.0-0')
  t.assert.deepStrictEqual(Object.keys(pkg.dependencies).sort(), ['@fastify/error', 'fastify-plugin'])
  // The schemas' types name @sinclair/typebox's `Kind` when the app has it (lib/schemas/types.ts): a peer
  // that strict installs (pnpm, Yarn PnP) let the package see, never one the plugin installs.
  t.assert.deepStrictEqual(pkg.peerDependenciesMeta, { '@sinclair/typebox': { optional: true } })
})
