// Runs the benchmarks end to end and prints the tables (Markdown) with ratios. `npm run bench` builds first.
//
// Environment (all optional):
//   BENCH_QUICK=1            smoke run: small tables, one short round of everything (numbers meaningless)
//   BENCH_ONLY=lookup,decorators,worst-case,memory,cold-start,adversarial,import-time,installed-size,http,answers,
//              keep-alive    the parts to run (default: all)
//   BENCH_TABLES=1000,github route tables of the lookup and memory parts (default: every size and real API)
//   BENCH_ROUNDS=3           lookup: interleaved rounds per competitor; BENCH_MIN_CPU_MS=120 per measurement
//                            (lookup and decorators)
//   BENCH_DECORATOR_TABLES=github,1000   decorators: the tables; BENCH_DECORATOR_ROUNDS=9 interleaved rounds
//   BENCH_WORST_TABLES=github,kubernetes,1000   worst-case: the tables; BENCH_WORST_ROUNDS=15 rounds per URL
//   BENCH_MEMORY_RUNS=5      memory: fresh processes per table and kind (the median is shown)
//   BENCH_COLD_TABLES=1000,10000,github   cold start: the tables; BENCH_COLD_RUNS=10 runs per side
//   BENCH_ADVERSARIAL_TABLES=crossing,meetings,regex-siblings,deep-wildcards   adversarial: the tables;
//                            BENCH_ADVERSARIAL_RUNS=6 cold starts per side, BENCH_ADVERSARIAL_MEMORY_RUNS=3 heap runs
//   BENCH_IMPORT_RUNS=15     import time: fresh processes per kind of import
//   BENCH_HTTP_SIZE=1000     routes in the HTTP servers
//   BENCH_HTTP_ROUNDS=10     HTTP: A/B pairs per case; BENCH_HTTP_DURATION=1 second per side and round
//                            (whole seconds: autocannon stops on its once-a-second tick)
//   BENCH_HTTP_WARMUP=1      HTTP: seconds of warm-up per side (0: none)
//   BENCH_CASES=matched,unknown,wrong,vs-allow,options,allow-on-success,problem-details,options-media-types
//                            the HTTP cases (default: all); the CORS cases: cors-preflight,cors-matched,cors-options
//   BENCH_ANSWER_TABLES=1000,github   answers (answer-cost.js): the tables; BENCH_ANSWER_ROUNDS=9 A/B rounds
//                            per pair
//   BENCH_ANSWER_PAIRS=guards,problem-details   answers: the pairs (default: all, answer-cost.js PAIRS)
//
// Each lookup and decorators table, each worst-case table, each memory measurement, each adversarial table's
// check and each answers pair runs in its own `node --expose-gc` child process, each cold start in a fresh
// `node`; import-time.js runs as it is when the file exists; installed-size.js packs the package and installs
// it with npm into a temporary directory (the npm registry must be reachable); the HTTP servers run in child
// processes on 127.0.0.1, with autocannon in this process.

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import os from 'node:os'
import { TABLES } from './routes.js'
import { ADVERSARIAL_TABLES } from './adversarial-tables.js'
import { benchAdversarial } from './adversarial.js'
import { KINDS } from './memory.js'
import { PAIRS } from './answer-cost.js'
import { coldStart } from './cold-start.js'
import { benchHttp, CASES } from './http.js'
import { median } from './stats.js'
import {
  printLookup, printDecorators, printWorstCase, printMemory, printColdStart, printAdversarial, printInstalledSize,
  printHttp, printAnswers
} from './report.js'

const env = process.env
const quick = env.BENCH_QUICK === '1'
const list = (value, fallback) =>
  value === undefined || value === '' ? fallback : value.split(',').map(item => item.trim())
const number = (value, fallback) => value === undefined || value === '' ? fallback : Number(value)

const PARTS = ['lookup', 'decorators', 'worst-case', 'memory', 'cold-start', 'adversarial', 'import-time',
  'installed-size', 'http', 'answers', 'keep-alive']
const config = {
  only: list(env.BENCH_ONLY, PARTS),
  tables: list(env.BENCH_TABLES, quick ? ['100', 'kubernetes'] : TABLES),
  rounds: number(env.BENCH_ROUNDS, quick ? 1 : 3),
  minCpuMs: number(env.BENCH_MIN_CPU_MS, quick ? 10 : 120),
  decoratorTables: list(env.BENCH_DECORATOR_TABLES, quick ? ['100'] : ['github', '1000']),
  decoratorRounds: number(env.BENCH_DECORATOR_ROUNDS, quick ? 1 : 9),
  worstTables: list(env.BENCH_WORST_TABLES, quick ? ['kubernetes'] : ['github', 'kubernetes', '1000']),
  worstRounds: number(env.BENCH_WORST_ROUNDS, quick ? 2 : 15),
  memoryRuns: number(env.BENCH_MEMORY_RUNS, quick ? 1 : 5),
  coldTables: list(env.BENCH_COLD_TABLES, quick ? ['1000'] : ['1000', '10000', 'github']),
  coldRuns: number(env.BENCH_COLD_RUNS, quick ? 2 : 10),
  adversarialTables: list(env.BENCH_ADVERSARIAL_TABLES, quick ? ['regex-siblings'] : ADVERSARIAL_TABLES),
  adversarialRuns: number(env.BENCH_ADVERSARIAL_RUNS, quick ? 1 : 6),
  adversarialMemoryRuns: number(env.BENCH_ADVERSARIAL_MEMORY_RUNS, quick ? 1 : 3),
  importRuns: number(env.BENCH_IMPORT_RUNS, quick ? 2 : 15),
  httpSize: number(env.BENCH_HTTP_SIZE, quick ? 100 : 1000),
  httpRounds: number(env.BENCH_HTTP_ROUNDS, quick ? 1 : 10),
  httpDuration: number(env.BENCH_HTTP_DURATION, 1),
  httpWarmup: number(env.BENCH_HTTP_WARMUP, quick ? 0 : 1),
  cases: list(env.BENCH_CASES, CASES),
  answerTables: list(env.BENCH_ANSWER_TABLES, quick ? ['100'] : ['1000', 'github']),
  answerRounds: number(env.BENCH_ANSWER_ROUNDS, quick ? 1 : 9),
  answerPairs: list(env.BENCH_ANSWER_PAIRS, PAIRS.map(({ id }) => id))
}

const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const CHILD_TIMEOUT_MS = 600_000

/** Runs a bench script in a `node` child (`--expose-gc` unless told otherwise) and returns its stdout. */
function run (file, args, { exposeGc = true } = {}) {
  return new Promise((resolve, reject) => {
    const flags = exposeGc ? ['--expose-gc'] : []
    const options = { timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 << 20 }
    execFile(process.execPath, [...flags, here(file), ...args], options, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

/** The JSON of a bench script's last output line, run with `--json`. */
const child = async (file, args) => JSON.parse((await run(file, [...args, '--json'])).trim().split('\n').pop())

async function main () {
  const started = Date.now()
  const elapsed = () => `[${((Date.now() - started) / 1000).toFixed(0)} s]`
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const smoke = quick ? ' (BENCH_QUICK: smoke run, numbers are not meaningful)' : ''
  console.log(`# fastify-allowed-methods benchmarks${smoke}\n`)
  console.log(`Node ${process.version}, ${os.cpus().length} cores (${os.availableParallelism()} available), ` +
    `${cpu}, ${os.platform()} ${os.release()}`)
  console.log(`Load average before the run: ${os.loadavg().map(load => load.toFixed(2)).join(', ')}`)
  console.log(`Config: ${JSON.stringify(config)}`)

  if (config.only.includes('lookup')) {
    const results = []
    for (const table of config.tables) {
      console.error(`${elapsed()} lookup: ${table}...`)
      const args = ['--table', table, '--rounds', String(config.rounds), '--min-cpu-ms', String(config.minCpuMs)]
      results.push(await child('lookup.js', args))
    }
    printLookup(results)
  }

  if (config.only.includes('decorators')) {
    const results = []
    for (const table of config.decoratorTables) {
      console.error(`${elapsed()} decorators: ${table}...`)
      results.push(await child('decorators.js', ['--table', table, '--rounds', String(config.decoratorRounds),
        '--min-cpu-ms', String(config.minCpuMs)]))
    }
    printDecorators(results)
  }

  if (config.only.includes('worst-case')) {
    const results = []
    for (const table of config.worstTables) {
      console.error(`${elapsed()} worst-case: ${table}...`)
      results.push(await child('worst-case.js', ['--table', table, '--rounds', String(config.worstRounds)]))
    }
    printWorstCase(results)
  }

  if (config.only.includes('memory')) {
    console.error(`${elapsed()} memory...`)
    const jobs = config.tables.flatMap(table => KINDS.flatMap(kind =>
      Array.from({ length: config.memoryRuns }, () => ['--table', table, '--kind', kind])))
    const measured = []
    // Heap sizes do not suffer from a busy CPU: two children at a time.
    for (let i = 0; i < jobs.length; i += 2) {
      measured.push(...await Promise.all(jobs.slice(i, i + 2).map(args => child('memory.js', args))))
    }
    const results = config.tables.flatMap(table => KINDS.map(kind => ({
      table,
      kind,
      bytes: median(measured
        .filter(result => result.table === table && result.kind === kind).map(result => result.bytes))
    })))
    printMemory(results)
  }

  if (config.only.includes('cold-start')) {
    const results = []
    for (const table of config.coldTables) {
      console.error(`${elapsed()} cold start: ${table}...`)
      results.push(await coldStart(table, config.coldRuns, { lazy: true }))
    }
    printColdStart(results)
  }

  if (config.only.includes('adversarial')) {
    const results = []
    for (const table of config.adversarialTables) {
      results.push(await benchAdversarial(table, {
        runs: config.adversarialRuns,
        memoryRuns: config.adversarialMemoryRuns,
        log: (step) => console.error(`${elapsed()} adversarial: ${step}...`)
      }))
    }
    printAdversarial(results)
  }

  // Written apart (import-time.js); run when present, its own output (a Markdown section) printed as it is.
  if (config.only.includes('import-time') && existsSync(here('import-time.js'))) {
    console.error(`${elapsed()} import time...`)
    console.log(`\n${(await run('import-time.js', ['--runs', String(config.importRuns)], { exposeGc: false })).trim()}`)
  }

  if (config.only.includes('installed-size')) {
    console.error(`${elapsed()} installed size...`)
    printInstalledSize(await child('installed-size.js', []))
  }

  if (config.only.includes('http')) {
    console.error(`${elapsed()} http...`)
    const result = await benchHttp({
      size: config.httpSize,
      rounds: config.httpRounds,
      duration: config.httpDuration,
      warmup: config.httpWarmup,
      only: config.cases,
      log: (row) => console.error(`${elapsed()}   ${row.name} (${row.what}): ${row.ratio.toFixed(3)}`)
    })
    printHttp(result)
  }

  if (config.only.includes('answers')) {
    const results = []
    for (const table of config.answerTables) {
      console.error(`${elapsed()} answers: ${table}...`)
      results.push(await child('answer-cost.js', ['--table', table, '--rounds', String(config.answerRounds),
        '--min-cpu-ms', String(quick ? 10 : 150), '--pairs', config.answerPairs.join(',')]))
    }
    printAnswers(results)
  }

  // Small-body wrong-method requests over keep-alive connections (keep-alive.js), its own table printed as it is.
  if (config.only.includes('keep-alive')) {
    console.error(`${elapsed()} keep-alive...`)
    const args = ['--size', String(config.httpSize), '--rounds', String(Math.min(config.httpRounds, 6))]
    console.log(`\n## Keep-alive, small bodies\n\n${(await run('keep-alive.js', args, { exposeGc: false })).trim()}`)
  }

  console.log(`\nTotal time: ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

await main()
