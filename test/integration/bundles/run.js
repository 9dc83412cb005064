// The plugin in bundled deployments (`npm run test:bundles`, after a build of the package and of the example;
// CI runs it). esbuild is the bundler of AWS CDK's NodejsFunction, SST and serverless-esbuild: the example
// app (entry.js) is bundled with esbuild's JS API for Node in four ways, CommonJS and ES module output, each
// with Fastify inside the bundle and with Fastify left external (then loaded from node_modules), then
// minified with Fastify inside; it also runs unbundled, for reference. Each runs in a child process, under
// a time limit, and answers real HTTP requests: a matched route, an unknown URL, a known URL with a method
// it lacks, and an automatic OPTIONS, with the statuses and Allow values expected, and bodies and content
// types as the unbundled app's. A table sums them up; the exit code is non-zero when any check failed.
import { spawn } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { join, relative } from 'node:path'
import { build } from 'esbuild'

const project = join(import.meta.dirname, '..', '..', '..')
// Under node_modules: the external variants' `fastify` resolves from there, as from a deployed app's folder.
const out = join(project, 'node_modules', '.cache', 'fastify-allowed-methods-test', 'bundles')
const entry = join(import.meta.dirname, 'entry.js')
const LIMITS = { start: 15_000, request: 5_000 }

// ES module output needs a `require` of its own for the CommonJS code inside (Fastify, fastify-plugin: esbuild's
// `__require` throws "Dynamic require of ... is not supported" without one). This is the banner AWS CDK's
// NodejsFunction documentation gives; it declares `createRequire` and `require` at the bundle's top level, so a
// bundled module that does too breaks the bundle at load ("has already been declared").
const REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);"

const VARIANTS = [
  { name: 'unbundled' },
  { name: 'cjs, fastify bundled', format: 'cjs', external: [] },
  { name: 'cjs, fastify external', format: 'cjs', external: ['fastify'] },
  { name: 'esm, fastify bundled', format: 'esm', external: [] },
  { name: 'esm, fastify external', format: 'esm', external: ['fastify'] },
  // NodejsFunction's `minify`: names of functions and classes are mangled, property names and symbol
  // descriptions are not.
  { name: 'cjs, fastify bundled, minified', format: 'cjs', external: [], minify: true },
  { name: 'esm, fastify bundled, minified', format: 'esm', external: [], minify: true }
]

// The example's /users/:id has GET (with Fastify's HEAD), PUT and PATCH routes; the plugin adds OPTIONS.
const ALLOW = 'GET, HEAD, OPTIONS, PATCH, PUT'
const CHECKS = [
  { name: 'GET 200', method: 'GET', path: '/users/1', status: 200, allow: undefined },
  { name: 'GET 404', method: 'GET', path: '/nope', status: 404, allow: undefined },
  { name: 'DELETE 405', method: 'DELETE', path: '/users/1', status: 405, allow: ALLOW },
  { name: 'OPTIONS 200', method: 'OPTIONS', path: '/users/1', status: 200, allow: ALLOW }
]

async function main () {
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const rows = []
  for (const variant of VARIANTS) rows.push(await runVariant(variant))
  // The unbundled app is the reference: every bundle must answer as it does, byte for byte.
  const [reference, ...bundles] = rows
  for (const row of bundles) {
    for (const check of CHECKS) {
      const [got, want] = [row.responses[check.name], reference.responses[check.name]]
      if (got === undefined || want === undefined || row.cells[check.name] !== 'ok') continue
      for (const field of ['contentType', 'body']) {
        if (got[field] !== want[field]) {
          row.cells[check.name] = 'DIFFERS'
          const [ours, theirs] = [JSON.stringify(got[field]), JSON.stringify(want[field])]
          row.problems.push(`${check.method} ${check.path}: ${field} ${ours}, unbundled ${theirs}`)
        }
      }
    }
  }
  printTable(rows)
  for (const row of rows) for (const problem of row.problems) console.log(`${row.name}: ${problem}`)
  process.exitCode = rows.every(row => row.problems.length === 0) ? 0 : 1
}

async function runVariant (variant) {
  const row = { name: variant.name, build: '-', start: '-', cells: {}, responses: {}, problems: [] }
  let file = entry
  if (variant.format !== undefined) {
    try {
      file = await bundle(variant)
      row.build = 'ok'
    } catch (error) {
      row.build = 'FAILED'
      row.problems.push(`build: ${error.message.split('\n')[0]}`)
      return row
    }
  }
  const server = await start(file)
  if (server.problem !== undefined) {
    row.start = 'FAILED'
    row.problems.push(`start: ${server.problem}`)
    return row
  }
  row.start = 'ok'
  try {
    for (const check of CHECKS) {
      let got
      try {
        got = await send(server.port, check.method, check.path)
      } catch (error) {
        row.cells[check.name] = 'FAILED'
        row.problems.push(`${check.method} ${check.path}: ${error.message}`)
        continue
      }
      row.responses[check.name] = got
      const ok = got.status === check.status && got.allow === check.allow
      row.cells[check.name] = ok ? 'ok' : `${got.status}`
      if (!ok) {
        row.problems.push(`${check.method} ${check.path}: ${got.status} Allow: ${got.allow ?? '(none)'}, want ` +
          `${check.status} Allow: ${check.allow ?? '(none)'}${got.status >= 500 ? ` (${got.body.slice(0, 200)})` : ''}`)
      }
    }
  } finally {
    server.child.kill('SIGKILL')
  }
  return row
}

/** Bundles the entry as the variant says; checks from esbuild's metafile that Fastify is in or out. */
async function bundle ({ name, format, external, minify = false }) {
  const outfile = join(out, `${name.replace(/\W+/g, '-')}.${format === 'esm' ? 'mjs' : 'cjs'}`)
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format,
    external,
    minify,
    outfile,
    banner: format === 'esm' ? { js: REQUIRE_BANNER } : {},
    metafile: true,
    logLevel: 'silent'
  })
  // esbuild names inputs by paths relative to the working directory, with forward slashes on every system.
  const inputs = Object.keys(result.metafile.inputs)
  const fastifyInside = inputs.some(input => input.endsWith('node_modules/fastify/fastify.js'))
  if (fastifyInside !== (external.length === 0)) {
    throw new Error(`Fastify is ${fastifyInside ? 'inside' : 'outside'} the bundle ${relative(project, outfile)}`)
  }
  return outfile
}

/** Runs a file with Node; resolves with its port once it prints it, or with what went wrong. */
function start (file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const done = (result) => {
      clearTimeout(timer)
      if (result.problem !== undefined) child.kill('SIGKILL')
      resolve({ child, ...result })
    }
    const timer = setTimeout(() => done({ problem: `no port printed within ${LIMITS.start / 1000} s` }), LIMITS.start)
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk
      const port = /listening on (\d+)/.exec(stdout)?.[1]
      if (port !== undefined) done({ port: Number(port) })
    })
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk })
    child.on('exit', (code, signal) => done({ problem: `exited (${signal ?? code}): ${firstError(stderr)}` }))
  })
}

/** The line of a crash's output that says what was thrown. */
function firstError (stderr) {
  const lines = stderr.split('\n').map(line => line.trim())
  const thrown = lines.find(line => /^\w*Error\b|has already been declared/.test(line))
  return thrown ?? lines.find(line => line !== '') ?? '(no output)'
}

/** One real HTTP request, bounded in time. */
function send (port, method, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, timeout: LIMITS.request }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { body += chunk })
      res.on('end', () => {
        resolve({ status: res.statusCode, allow: res.headers.allow, contentType: res.headers['content-type'], body })
      })
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${LIMITS.request / 1000} s`)))
    req.on('error', reject)
    req.end()
  })
}

function printTable (rows) {
  const header = ['variant', 'build', 'start', ...CHECKS.map(check => check.name), 'result']
  const cells = rows.map(row => [row.name, row.build, row.start, ...CHECKS.map(check => row.cells[check.name] ?? '-'),
    row.problems.length === 0 ? 'ok' : 'FAILED'])
  const widths = header.map((name, i) => Math.max(name.length, ...cells.map(line => line[i].length)))
  const format = (line) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()
  console.log(`\n${format(header)}\n${format(widths.map(width => '-'.repeat(width)))}`)
  for (const line of cells) console.log(format(line))
  console.log()
}

await main()
