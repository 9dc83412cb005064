// Cold start: a fresh `node` process from its start to `ready()` of an app holding a table, with the plugin
// (imported and registered before the routes) and without, alternated (with first every other run).
//
//   node bench/cold-start.js [--tables 1000,10000,github] [--runs 10] [--json]
//
// The time is the child's own `performance.now()` after `ready()` (cold-start-app.js): from the process's
// start, Node's bootstrap included, the spawn itself not. The ratio is the median over runs of with/without,
// each pair run back to back.

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
      else resolve(JSON.parse(stdout.trim().split('\n').pop()).ms)
    })
  })
}

export async function coldStart (table, runs) {
  const ms = { with: [], without: [] }
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? ['with', 'without'] : ['without', 'with']
    for (const side of order) ms[side].push(await start(table, side))
  }
  const ratios = ms.with.map((value, i) => value / ms.without[i])
  return {
    table,
    runs,
    with: median(ms.with),
    without: median(ms.without),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      tables: { type: 'string', default: '1000,10000,github' },
      runs: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false }
    }
  })
  const results = []
  for (const table of values.tables.split(',')) results.push(await coldStart(table, Number(values.runs)))
  if (values.json) process.stdout.write(JSON.stringify(results) + '\n')
  else console.table(results)
}
