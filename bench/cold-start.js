// Cold start: a fresh `node` process from its start to `ready()` of an app holding a table, with the plugin
// (imported and registered before the routes) and without, alternated (with first every other run), and, with
// `--lazy`, the plugin under `lazy: true` too (the three sides rotate).
//
//   node bench/cold-start.js [--tables 1000,10000,github] [--runs 10] [--lazy] [--json]
//
// The time is the child's own `performance.now()` after `ready()` (cold-start-app.js): from the process's
// start, Node's bootstrap included, the spawn itself not. The ratio is the median over runs of with/without
// (lazy/without), each set run back to back. With the plugin, the first refused request after `ready()` is
// timed too: under `lazy`, it builds the registry.

import { execFile } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { median } from './stats.js'

const APP = fileURLToPath(new URL('./cold-start-app.js', import.meta.url))
const TIMEOUT_MS = 120_000

function start (table, side) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [APP, table, side], { timeout: TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`cold-start-app.js ${table} ${side} failed: ${error.message}\n${stderr}`))
      else resolve(JSON.parse(stdout.trim().split('\n').pop()))
    })
  })
}

/** Median and range over runs of one side's ratio to `without`, and of its first refused request. */
function summary (ms, side) {
  const ratios = ms[side].map(({ ms: value }, i) => value / ms.without[i].ms)
  const first = ms[side].map(({ firstRefused }) => firstRefused.ms)
  return {
    ms: median(ms[side].map(({ ms: value }) => value)),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    firstRefused: median(first),
    status: [...new Set(ms[side].map(({ firstRefused }) => firstRefused.status))].join(', ')
  }
}

export async function coldStart (table, runs, { lazy = false } = {}) {
  const sides = lazy ? ['with', 'without', 'lazy'] : ['with', 'without']
  const ms = Object.fromEntries(sides.map(side => [side, []]))
  for (let run = 0; run < runs; run++) {
    const order = sides.map((_, i) => sides[(i + run) % sides.length])
    for (const side of order) ms[side].push(await start(table, side))
  }
  const withPlugin = summary(ms, 'with')
  return {
    table,
    runs,
    with: withPlugin.ms,
    without: median(ms.without.map(({ ms: value }) => value)),
    ratio: withPlugin.ratio,
    ratioMin: withPlugin.ratioMin,
    ratioMax: withPlugin.ratioMax,
    firstRefused: withPlugin.firstRefused,
    lazy: lazy ? summary(ms, 'lazy') : undefined
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      tables: { type: 'string', default: '1000,10000,github' },
      runs: { type: 'string', default: '10' },
      lazy: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false }
    }
  })
  const results = []
  for (const table of values.tables.split(',')) {
    results.push(await coldStart(table, Number(values.runs), { lazy: values.lazy }))
  }
  if (values.json) process.stdout.write(JSON.stringify(results) + '\n')
  else console.table(results)
}
