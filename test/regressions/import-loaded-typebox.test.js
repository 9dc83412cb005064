// Importing the plugin loaded all of TypeBox, which took longer than loading Fastify itself. Its
// schemas are now built and checked without it (lib/schemas/builders.ts, lib/schemas/check.ts): a fresh
// process that loads Fastify, then the plugin, through either entry, must not load any TypeBox file.
// The inspector's `scriptParsed` events list every script V8 compiles, ES modules loaded through `require()`
// included, which no loader hook of Node 20 sees. Timing is bench/import-time.js's job, never a test's.
import { test } from 'node:test'
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

const require = createRequire(import.meta.url)
const FASTIFY = require.resolve('fastify')
const ESM_ENTRY = fileURLToPath(new URL('../../dist/bundle.js', import.meta.url))
const CJS_ENTRY = fileURLToPath(new URL('../../dist/index.cjs', import.meta.url))
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url))

/** The URL of every script a fresh process compiles while it loads Fastify, then `target`. */
async function scriptsLoaded (system, target) {
  const load = (path) => system === 'ESM'
    ? `await import(${JSON.stringify(pathToFileURL(path).href)})`
    : `require(${JSON.stringify(path)})`
  const program = `
    const { Session } = ${system === 'ESM' ? "await import('node:inspector')" : "require('node:inspector')"}
    const session = new Session()
    session.connect()
    const scripts = []
    session.on('Debugger.scriptParsed', ({ params }) => scripts.push(params.url))
    session.post('Debugger.enable')
    ${load(FASTIFY)}
    ${load(target)}
    console.log(JSON.stringify(scripts))`
  const args = system === 'ESM' ? ['--input-type=module', '-e', program] : ['-e', program]
  const { stdout } = await promisify(execFile)(process.execPath, args)
  return JSON.parse(stdout)
}

const isTypeBox = (url) => /[\\/]node_modules[\\/]@sinclair[\\/]typebox[\\/]/.test(url)
const isEntry = (path) => (url) => url === path || url === pathToFileURL(path).href

for (const [system, entry] of [['ESM', ESM_ENTRY], ['CJS', CJS_ENTRY]]) {
  test(`importing the plugin after Fastify loads no TypeBox file (${system} entry)`, async (t) => {
    const scripts = await scriptsLoaded(system, entry)
    t.assert.ok(scripts.some(isEntry(entry)), 'the probe saw the plugin load')
    t.assert.ok(scripts.some(isEntry(ESM_ENTRY)), 'the probe saw the ES module build load, through require() too')
    t.assert.deepStrictEqual(scripts.filter(isTypeBox), [])
    // Node pays for each module it resolves and compiles: the published ES module entry is lib/ bundled into
    // one file, which the CommonJS entry loads too.
    const ours = scripts.filter(url => url.startsWith(pathToFileURL(DIST).href) || url.startsWith(DIST))
    t.assert.deepStrictEqual(ours.map(url => url.startsWith('file:') ? fileURLToPath(url) : url),
      system === 'ESM' ? [ESM_ENTRY] : [CJS_ENTRY, ESM_ENTRY])
  })

  test(`the probe does see TypeBox when it is loaded (${system})`, async (t) => {
    const scripts = await scriptsLoaded(system, require.resolve('@sinclair/typebox'))
    t.assert.ok(scripts.filter(isTypeBox).length > 0)
  })
}
