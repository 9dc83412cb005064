// The package as an app installs it, next to Fastify: `npm pack` of the built package, installed into a fresh
// directory that already holds only `fastify` (the version the project develops against), with
// `node_modules` measured before and after.
//
//   node bench/installed-size.js [--json]        # after `npm run build`; the npm registry must be reachable
//
// Reported: the package's own size (npm's unpacked size of the tarball, and its directory once installed);
// `node_modules` before and after (apparent bytes, as npm counts them, and disk usage, as `du` does); every
// package the install adds, changes or removes; and for each added package whether it runs: whether importing
// the plugin and registering it on a ready app, as an ES module and with `require()`, loads any of its files
// (resolutions traced by a module hook, plus `require.cache`). A package loaded by neither is installed for
// nothing (types only, say). The temporary directory is removed in the end, whatever happens.

import { execFile } from 'node:child_process'
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
/** Each npm command and each probe is bounded; together they stay under a few minutes. */
const COMMAND_TIMEOUT_MS = 180_000

function exec (file, args, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    const options = { cwd, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 << 20, env: { ...process.env, ...env } }
    execFile(file, args, options, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

const npm = (args, cwd) => exec(process.platform === 'win32' ? 'npm.cmd' : 'npm',
  [...args, '--no-audit', '--no-fund', '--loglevel=error'], cwd)

/** Apparent bytes and disk usage of a directory, its `node_modules` left out (those packages count apart). */
function sizeOf (dir, { skipNodeModules = true } = {}) {
  let bytes = 0
  let disk = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (skipNodeModules && entry.name === 'node_modules') continue
      const inner = sizeOf(path, { skipNodeModules })
      bytes += inner.bytes
      disk += inner.disk
    } else {
      const stats = lstatSync(path)
      bytes += stats.size
      disk += stats.blocks * 512
    }
  }
  return { bytes, disk }
}

/** Every package under `node_modules` (nested ones too), by its path: name, version, own size. */
function packagesIn (nodeModules) {
  const found = new Map()
  const visit = (dir) => {
    if (!existsSync(dir)) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.name.startsWith('@')) {
        visit(path)
        continue
      }
      const manifest = join(path, 'package.json')
      if (!existsSync(manifest)) continue
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8'))
      found.set(relative(nodeModules, path).split(sep).join('/'), { name, version, ...sizeOf(path), dir: path })
      visit(join(path, 'node_modules'))
    }
  }
  visit(nodeModules)
  return found
}

// Records every module the ES module loader resolves (module.register hooks run in a thread of their own).
const HOOKS = `import { appendFileSync } from 'node:fs'
export async function resolve (specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(process.env.TRACE_FILE, result.url + '\\n')
  return result
}
`
const PROBES = {
  'probe.mjs': `import { register, createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
register('./trace-hooks.mjs', import.meta.url)
const { default: Fastify } = await import('fastify')
const { default: plugin } = await import('fastify-allowed-methods')
const app = Fastify()
await app.register(plugin)
await app.ready()
await app.close()
writeFileSync(process.env.CACHE_FILE, Object.keys(createRequire(import.meta.url).cache).join('\\n'))
`,
  'probe.cjs': `const { writeFileSync } = require('node:fs')
const Fastify = require('fastify')
const plugin = require('fastify-allowed-methods')
const app = Fastify()
app.register(plugin)
app.ready().then(() => app.close()).then(() => {
  writeFileSync(process.env.CACHE_FILE, Object.keys(require.cache).join('\\n'))
})
`
}

/** The files the plugin's import, registration and `ready()` load, as an ES module and with `require()`. */
async function loadedFiles (dir) {
  writeFileSync(join(dir, 'trace-hooks.mjs'), HOOKS)
  const loaded = {}
  for (const [probe, source] of Object.entries(PROBES)) {
    writeFileSync(join(dir, probe), source)
    const trace = join(dir, `${probe}.trace`)
    const cache = join(dir, `${probe}.cache`)
    writeFileSync(trace, '')
    await exec(process.execPath, [probe], dir, { TRACE_FILE: trace, CACHE_FILE: cache })
    const urls = readFileSync(trace, 'utf8').split('\n').filter(url => url.startsWith('file:'))
    loaded[probe] = [...urls.map(url => fileURLToPath(url)), ...readFileSync(cache, 'utf8').split('\n')]
  }
  return loaded
}

export async function installedSize () {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    throw new Error('bench/installed-size.js needs `npm run build` first')
  }
  const fastifyVersion = require('fastify/package.json').version
  const { name } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const tmp = mkdtempSync(join(tmpdir(), 'installed-size-'))
  try {
    // The build is already there (`npm run bench` builds first): prepack's rebuild is skipped.
    const [pack] = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], ROOT))
    const app = join(tmp, 'app')
    mkdirSync(app)
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'installed-size-probe', private: true }))
    await npm(['install', `fastify@${fastifyVersion}`, '--ignore-scripts'], app)
    const nodeModules = join(app, 'node_modules')
    const before = { ...sizeOf(nodeModules, { skipNodeModules: false }), packages: packagesIn(nodeModules) }
    await npm(['install', join(tmp, pack.filename), '--ignore-scripts'], app)
    const after = { ...sizeOf(nodeModules, { skipNodeModules: false }), packages: packagesIn(nodeModules) }
    const loaded = await loadedFiles(app)

    const runs = (dir) => Object.fromEntries(Object.entries(loaded)
      .map(([probe, files]) => [probe, files.some(file => file.startsWith(dir + sep))]))
    const describe = ([path, { name: pkg, version, bytes, disk, dir }]) =>
      ({ path, name: pkg, version, bytes, disk, loaded: runs(dir) })
    const own = [...after.packages].find(([, { name: pkg }]) => pkg === name)
    const added = [...after.packages].filter(([path]) => !before.packages.has(path))
    const changed = [...after.packages].filter(([path, { version }]) =>
      before.packages.has(path) && before.packages.get(path).version !== version)
    const removed = [...before.packages.keys()].filter(path => !after.packages.has(path))
    return {
      name,
      fastify: fastifyVersion,
      pack: { filename: pack.filename, size: pack.size, unpackedSize: pack.unpackedSize, files: pack.entryCount },
      own: own === undefined ? null : describe(own),
      before: { bytes: before.bytes, disk: before.disk, packages: before.packages.size },
      after: { bytes: after.bytes, disk: after.disk, packages: after.packages.size },
      added: added.filter(([, { name: pkg }]) => pkg !== name).map(describe),
      changed: changed.map(describe),
      removed
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } })
  const result = await installedSize()
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.dir(result, { depth: null })
}
