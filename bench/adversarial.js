// The adversarial tables (adversarial-tables.js): startup time and retained heap with and without the plugin.
//
//   node bench/adversarial.js [--tables crossing,meetings,regex-siblings,deep-wildcards] [--runs 10]
//     [--memory-runs 5] [--json]
//   node --expose-gc bench/adversarial.js --check --table crossing [--json]   # one table's check, in this process
//
// Per table, first a check in a child process of its own: the table's routes on a plain ready app (a route
// Fastify refuses is an error of the table) and on a ready app with the plugin, then for one URL per pattern
// and every URL where patterns meet, the plugin's answer against Fastify's router (`findRoute()` for every
// method of `supportedMethods`, OPTIONS aside: the plugin answers it for every known URL), and how many of
// those URLs the registry answers by asking the router per request (`planOf(url).asked`). Then:
// - startup: cold-start.js (a fresh `node` per run, process start to `ready()`, the plugin's import
//   included), with and without alternating; the ratio is the median over runs of with / without, each pair
//   back to back;
// - heap: memory.js (a fresh process per measurement, retained heap after forced GCs) for an empty app, the
//   app with the table and the same with the plugin, one of each per run; a run's ratio is the app's own heap
//   with the plugin over without (each minus the empty app's), the median over runs is shown.

import { execFile } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import plugin from '../dist/index.js'
import { registryOf } from '../dist/lookup/registry.js'
import { ADVERSARIAL_TABLES, meetingUrls } from './adversarial-tables.js'
import { routeTable } from './routes.js'
import { plainApp, patternRequests } from './requests.js'
import { coldStart } from './cold-start.js'
import { median } from './stats.js'

const HEAP_KINDS = ['empty', 'fastify', 'fastify+ours']
const TIMEOUT_MS = 300_000
const here = (file) => fileURLToPath(new URL(file, import.meta.url))

const withoutOptions = (methods) => methods.filter(method => method !== 'OPTIONS').join(', ')

/** Builds the table with and without the plugin and checks the plugin's answers where its patterns meet. */
export async function checkTable (table) {
  const routes = routeTable(table)
  const plain = await plainApp(routes)
  const app = Fastify()
  await app.register(plugin)
  for (const { method, url } of routes) app.route({ method, url, handler: () => {} })
  await app.ready()
  const registry = registryOf(app)

  const { requests, unreached } = patternRequests(routes, plain)
  const urls = [...new Set([...requests.map(({ url }) => url), ...meetingUrls(table)])]
  const supported = [...plain.supportedMethods].sort()
  const result = { table, routes: routes.length, patterns: new Set(routes.map(({ url }) => url)).size }
  Object.assign(result, { urls: urls.length, unreached: unreached.length, known: 0, asking: 0, mismatches: [] })
  for (const url of urls) {
    const expected = withoutOptions(supported.filter(method => plain.findRoute({ method, url }) !== null))
    const ours = withoutOptions(registry.lookup(url, undefined)?.methods ?? [])
    if (ours !== expected) result.mismatches.push({ url, expected, ours })
    if (ours !== '') result.known++
    if ((registry.planOf(url)?.asked.length ?? 0) > 0) result.asking++
  }
  await plain.close()
  await app.close()
  return result
}

/** Runs a bench script in a `node --expose-gc` child and returns the JSON of its last output line. */
function child (file, args) {
  return new Promise((resolve, reject) => {
    const options = { timeout: TIMEOUT_MS, maxBuffer: 16 << 20 }
    execFile(process.execPath, ['--expose-gc', here(file), ...args, '--json'], options, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`))
      else resolve(JSON.parse(stdout.trim().split('\n').pop()))
    })
  })
}

async function heaps (table, runs) {
  const ratios = []
  const bytes = { without: [], with: [] }
  for (let run = 0; run < runs; run++) {
    // Heap sizes do not suffer from a busy CPU: the three kinds of a run at once.
    const [empty, fastify, ours] = await Promise.all(HEAP_KINDS.map(kind =>
      child('memory.js', ['--table', table, '--kind', kind])))
    bytes.without.push(fastify.bytes - empty.bytes)
    bytes.with.push(ours.bytes - empty.bytes)
    ratios.push((ours.bytes - empty.bytes) / (fastify.bytes - empty.bytes))
  }
  return {
    runs,
    without: median(bytes.without),
    with: median(bytes.with),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios)
  }
}

export async function benchAdversarial (table, { runs = 10, memoryRuns = 5, log = () => {} } = {}) {
  log(`${table}: check`)
  const check = await child('adversarial.js', ['--check', '--table', table])
  log(`${table}: startup, ${runs} runs per side`)
  const startup = await coldStart(table, runs)
  log(`${table}: heap, ${memoryRuns} runs`)
  const heap = await heaps(table, memoryRuns)
  return { table, check, startup, heap }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      table: { type: 'string', default: 'crossing' },
      tables: { type: 'string', default: ADVERSARIAL_TABLES.join(',') },
      runs: { type: 'string', default: '10' },
      'memory-runs': { type: 'string', default: '5' },
      json: { type: 'boolean', default: false }
    }
  })
  const settings = { runs: Number(values.runs), memoryRuns: Number(values['memory-runs']), log: console.error }
  let result
  if (values.check) result = await checkTable(values.table)
  else {
    result = []
    for (const table of values.tables.split(',')) result.push(await benchAdversarial(table.trim(), settings))
  }
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
  else console.dir(result, { depth: null })
}
