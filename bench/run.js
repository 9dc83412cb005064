// Runs the benchmarks end to end and prints the tables (Markdown) with ratios. `npm run bench` builds first.
//
// Environment (all optional):
//   BENCH_QUICK=1            smoke run: small tables, one short round of everything (about 20 s)
//   BENCH_ONLY=lookup,memory,http   the parts to run (default: all three)
//   BENCH_SIZES=100,1000     table sizes for the lookup and memory parts (default 10,100,1000,10000)
//   BENCH_ROUNDS=3           lookup: interleaved rounds per competitor; BENCH_MIN_CPU_MS=120 per measurement
//   BENCH_HTTP_SIZE=1000     routes in the HTTP servers
//   BENCH_HTTP_ROUNDS=10     HTTP: A/B pairs per case; BENCH_HTTP_DURATION=1 second per side and round
//                            (whole seconds: autocannon stops on its once-a-second tick)
//   BENCH_HTTP_WARMUP=1      HTTP: seconds of warm-up per side (0: none)
//   BENCH_CASES=matched,unknown,wrong,vs-allow,options   the HTTP cases to run
//
// Each lookup size and each memory measurement runs in its own `node --expose-gc` child process; the HTTP
// servers run in child processes on 127.0.0.1, with autocannon in this process.

import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import os from 'node:os'
import { SIZES } from './routes.js'
import { KINDS } from './memory.js'
import { benchHttp, CASES } from './http.js'

const env = process.env
const quick = env.BENCH_QUICK === '1'
const list = (value, fallback) => value === undefined || value === '' ? fallback : value.split(',').map(item => item.trim())
const number = (value, fallback) => value === undefined || value === '' ? fallback : Number(value)

const config = {
  only: list(env.BENCH_ONLY, ['lookup', 'memory', 'http']),
  sizes: list(env.BENCH_SIZES, quick ? [10, 100] : SIZES).map(Number),
  rounds: number(env.BENCH_ROUNDS, quick ? 1 : 3),
  minCpuMs: number(env.BENCH_MIN_CPU_MS, quick ? 10 : 120),
  httpSize: number(env.BENCH_HTTP_SIZE, quick ? 100 : 1000),
  httpRounds: number(env.BENCH_HTTP_ROUNDS, quick ? 1 : 10),
  httpDuration: number(env.BENCH_HTTP_DURATION, 1),
  httpWarmup: number(env.BENCH_HTTP_WARMUP, quick ? 0 : 1),
  cases: list(env.BENCH_CASES, CASES)
}

const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const CHILD_TIMEOUT_MS = 300_000

/** Runs a bench script in a `node --expose-gc` child and returns the JSON of its last output line. */
function child (file, args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', here(file), ...args, '--json'], { timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`))
        return
      }
      resolve(JSON.parse(stdout.trim().split('\n').pop()))
    })
  })
}

const ns = (value) => value === undefined ? '-' : value >= 10000 ? `${(value / 1000).toFixed(1)} µs` : `${Math.round(value)} ns`
const times = (value) => value === undefined ? '-' : `${value.toFixed(2)}x`
const mb = (bytes) => `${(bytes / (1 << 20)).toFixed(2)} MB`
const table = (head, rows) => [
  `| ${head.join(' | ')} |`,
  `| ${head.map((cell, i) => i === 0 ? '---' : '---:').join(' | ')} |`,
  ...rows.map(row => `| ${row.join(' | ')} |`)
].join('\n')

function printLookup (results) {
  console.log('\n## Lookup: ns per request (median of rounds), ratio to the floor\n')
  console.log('floor = one find-my-way `find(request method, path)` on a router with the same routes;')
  console.log('fmw-allowed = one `find()` with a method the path has (a successful walk to the leaf).\n')
  const rows = []
  for (const result of results) {
    for (const [group, r] of Object.entries(result.results)) {
      const cell = (name) => r[name] === undefined ? '-' : `${ns(r[name])} (${times(r[name] / r.floor)})`
      rows.push([String(result.size), group, ns(r.floor), cell('fmw-allowed'), `**${cell('ours')}**`, cell('naive'), cell('fastify-allow')])
    }
  }
  console.log(table(['routes', 'requests', 'floor', 'fmw-allowed', 'ours', 'naive (findRoute x9)', 'fastify-allow'], rows))

  console.log('\nAnswers checked against Fastify\'s router before timing:')
  for (const { size, patterns, checks, allowBuildMs } of results) {
    const mismatches = checks.oursMismatches.length
    console.log(`- ${size} routes (${patterns} patterns): ours ${checks.requests - mismatches}/${checks.requests} agree` +
      `, fastify-allow ${checks.allowAgrees}/${checks.requests}; fastify-allow's onRoute for the table took ${Math.round(allowBuildMs)} ms`)
    for (const mismatch of checks.oursMismatches.slice(0, 5)) console.log(`  MISMATCH ${JSON.stringify(mismatch)}`)
  }

  console.log('\nGoals (ours / floor at 1,000 routes <= 2; ours flat from 100 to 10,000 routes within 1.5x):')
  const bySize = new Map(results.map(result => [result.size, result.results]))
  const at1000 = bySize.get(1000)
  if (at1000 !== undefined) {
    for (const [group, r] of Object.entries(at1000)) {
      const ratio = r.ours / r.floor
      console.log(`- 1,000 routes, ${group}: ${times(ratio)} the floor ${ratio <= 2 ? 'MET' : 'NOT MET'}` +
        (r['fmw-allowed'] === undefined ? '' : ` (${times(r.ours / r['fmw-allowed'])} a successful walk)`))
    }
  }
  const small = bySize.get(100)
  const large = bySize.get(10000)
  if (small !== undefined && large !== undefined) {
    for (const group of Object.keys(large)) {
      if (small[group] === undefined) continue
      const growth = large[group].ours / small[group].ours
      const floorGrowth = large[group].floor / small[group].floor
      console.log(`- 100 -> 10,000 routes, ${group}: ours x${growth.toFixed(2)} ${growth <= 1.5 ? 'MET' : 'NOT MET'} (floor x${floorGrowth.toFixed(2)})`)
    }
  }
}

function printMemory (results) {
  console.log('\n## Memory: retained heap after build / ready() (forced GC)\n')
  const rows = []
  for (const size of [...new Set(results.map(result => result.size))]) {
    const of = (kind) => results.find(result => result.size === size && result.kind === kind)?.bytes
    const app = of('fastify')
    const ours = of('fastify+ours')
    const allow = of('fastify+fastify-allow')
    rows.push([
      String(size), mb(of('fmw')), mb(of('registry')), times(of('registry') / of('fmw')), mb(app),
      `${mb(ours - app)} (${times((ours - app) / app)})`, `${mb(allow - app)} (${times((allow - app) / app)})`
    ])
  }
  console.log(table(['routes', 'find-my-way router', 'our registry', 'registry / router', 'Fastify app', 'app + ours: delta (of app)', 'app + fastify-allow: delta (of app)'], rows))
}

function printHttp (result) {
  console.log(`\n## HTTP: autocannon, ${result.size} routes, ${result.connections} connections, ${result.rounds} A/B rounds of ${result.duration} s (after ${result.warmup} s warm-up per side)\n`)
  console.log('ratio = median over rounds of B req/s / A req/s (each round ran A and B back to back), [min - max];')
  console.log('CPU = the server process\'s user+system µs per request (median), CPU ratio = A / B per request.\n')
  const rows = result.rows.map(row => [
    row.name, row.what, String(Math.round(row.rpsA)), String(Math.round(row.rpsB)),
    `**${row.ratio.toFixed(3)}** [${row.ratioMin.toFixed(2)} - ${row.ratioMax.toFixed(2)}]`,
    row.goal === null ? '-' : `>= ${row.goal} ${row.ratio >= row.goal ? 'MET' : 'NOT MET'}`,
    `${row.cpuA.toFixed(1)} / ${row.cpuB.toFixed(1)}`, row.cpuRatio.toFixed(3),
    `${row.probes.a} / ${row.probes.b}`
  ])
  console.log(table(['case', 'A vs B', 'A req/s', 'B req/s', 'ratio B/A', 'goal', 'CPU µs/req A / B', 'CPU ratio', 'responses A / B'], rows))
  const problems = result.rows.reduce((sum, row) => sum + row.problems, 0)
  if (problems > 0) console.log(`\nWARNING: ${problems} errors or timeouts during the HTTP runs`)
}

async function main () {
  const started = Date.now()
  const elapsed = () => `[${((Date.now() - started) / 1000).toFixed(0)} s]`
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  console.log(`# fastify-allowed-methods benchmarks${quick ? ' (BENCH_QUICK: smoke run, numbers are not meaningful)' : ''}\n`)
  console.log(`Node ${process.version}, ${os.cpus().length} cores (${os.availableParallelism()} available), ${cpu}, ${os.platform()} ${os.release()}`)
  console.log(`Config: ${JSON.stringify(config)}`)

  if (config.only.includes('lookup')) {
    const results = []
    for (const size of config.sizes) {
      console.error(`${elapsed()} lookup: ${size} routes...`)
      results.push(await child('lookup.js', ['--size', String(size), '--rounds', String(config.rounds), '--min-cpu-ms', String(config.minCpuMs)]))
    }
    printLookup(results)
  }

  if (config.only.includes('memory')) {
    console.error(`${elapsed()} memory...`)
    const jobs = config.sizes.flatMap(size => KINDS.map(kind => ['--size', String(size), '--kind', kind]))
    const results = []
    // Heap sizes do not suffer from a busy CPU: two children at a time.
    for (let i = 0; i < jobs.length; i += 2) {
      results.push(...await Promise.all(jobs.slice(i, i + 2).map(args => child('memory.js', args))))
    }
    printMemory(results)
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

  console.log(`\nTotal time: ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

await main()
