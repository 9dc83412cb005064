// What importing the plugin costs an app that has already loaded Fastify, from the built output.
//
//   npm run build && node bench/import-time.js [--runs 15]
//
// Each sample is a fresh `node` process whose entry file, an ES module or a CommonJS one as an app's would be,
// loads Fastify, then times one import: the plugin's ES module entry as published (dist/bundle.js, with
// `import()`), its CommonJS entry (dist/index.cjs, with `require()`), the same code unbundled (dist/index.js,
// one module per source file, for reference: the cost of loading many modules), or TypeBox as the plugin once loaded it
// (`@sinclair/typebox` and `@sinclair/typebox/value`). Every process also times Fastify's own import, the
// yardstick of the ratios. A run starts one process of each kind, in an order rotated from run to run so that
// the kinds share the machine's background load; the table gives medians over the runs of the wall-clock time
// and of the process's CPU time (the steadier of the two on a busy machine, as it leaves out the waits for a
// core), and the wall-clock range (min-max), which shows how noisy the machine was.

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { median } from './stats.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } })
const runs = Number(values.runs)

const require = createRequire(import.meta.url)
const resolved = (specifier) => ({ url: import.meta.resolve(specifier), path: require.resolve(specifier) })
const FASTIFY = resolved('fastify')
const built = (file) => {
  const url = new URL(file, import.meta.url)
  return { url: url.href, path: fileURLToPath(url) }
}

// The entry files, written outside the repository; every module is named by its absolute URL or path, so
// nothing but the timed imports is resolved or loaded after Fastify.
const load = (system, module) =>
  system === 'ESM' ? `await import(${JSON.stringify(module.url)})` : `require(${JSON.stringify(module.path)})`
const entry = (system, targets) => `
  const begin = () => ({ wall: performance.now(), cpu: process.cpuUsage() })
  const end = (mark) => {
    const { user, system } = process.cpuUsage(mark.cpu)
    return { wall: performance.now() - mark.wall, cpu: (user + system) / 1000 }
  }
  let mark = begin()
  ${load(system, FASTIFY)}
  const fastify = end(mark)
  mark = begin()
  ${targets.map(target => load(system, target)).join('\n  ')}
  console.log(JSON.stringify({ fastify, target: end(mark) }))
`

/** The import cost, after Fastify, the shipped entries are held to. */
const GOAL_MS = 12

const KINDS = [
  {
    name: 'TypeBox (`.` and `./value`), ESM',
    system: 'ESM',
    targets: [resolved('@sinclair/typebox'), resolved('@sinclair/typebox/value')]
  },
  // What ships: the ES module entry is lib/ bundled into one file; the CommonJS entry require()s it.
  { name: 'plugin, ESM (dist/bundle.js)', system: 'ESM', targets: [built('../dist/bundle.js')], goal: GOAL_MS },
  { name: 'plugin, CJS (dist/index.cjs)', system: 'CJS', targets: [built('../dist/index.cjs')], goal: GOAL_MS },
  // The same code as one module per source file (tsc's output, which the tests load): the cost of the modules.
  { name: 'plugin unbundled, ESM (dist/index.js)', system: 'ESM', targets: [built('../dist/index.js')] }
]

const directory = mkdtempSync(join(tmpdir(), 'import-time-'))
KINDS.forEach((kind, i) => {
  kind.file = join(directory, `${i}.${kind.system === 'ESM' ? 'mjs' : 'cjs'}`)
  writeFileSync(kind.file, entry(kind.system, kind.targets))
})

function sample ({ file }) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`))
      else resolve(JSON.parse(stdout))
    })
  })
}

const samples = KINDS.map(() => [])
try {
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < KINDS.length; k++) {
      const index = (run + k) % KINDS.length
      samples[index].push(await sample(KINDS[index]))
    }
  }
} finally {
  rmSync(directory, { recursive: true, force: true })
}

const ms = (value) => value.toFixed(1)
const ratio = (a, b) => (a / b).toFixed(2)
const fastifyBy = { ESM: [], CJS: [] }
KINDS.forEach((kind, i) => fastifyBy[kind.system].push(...samples[i].map(s => s.fastify)))

/** One table row: medians of wall-clock and CPU time, the wall-clock range, the ratios to Fastify's import. */
function row (name, times, system, goal) {
  const wall = median(times.map(t => t.wall))
  const cpu = median(times.map(t => t.cpu))
  const walls = times.map(t => t.wall)
  const yardstick = fastifyBy[system]
  return `| ${name} | ${ms(wall)} | ${ms(Math.min(...walls))}-${ms(Math.max(...walls))} | ${ms(cpu)} | ` +
    `${ratio(wall, median(yardstick.map(t => t.wall)))} | ${ratio(cpu, median(yardstick.map(t => t.cpu)))} | ` +
    `${goal === undefined ? '' : `<= ${goal} ms: ${wall <= goal ? 'met' : 'missed'}`} |`
}

console.log(`\n## Import time, ms: median of ${runs} fresh processes (node ${process.version})\n`)
console.log('| import | wall | wall range | CPU | wall vs Fastify | CPU vs Fastify | goal (wall) |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |')
for (const system of ['ESM', 'CJS']) {
  console.log(row(`Fastify, ${system} (the entry's first import)`, fastifyBy[system], system))
}
KINDS.forEach((kind, i) =>
  console.log(row(`${kind.name}, after Fastify`, samples[i].map(s => s.target), kind.system, kind.goal)))
