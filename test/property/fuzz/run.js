// `npm run fuzz`: the differential property of ./case.js over many random apps.
//   FUZZ_SEED  the seed (random when unset; printed either way, with the command that replays the run)
//   FUZZ_RUNS  the number of apps (default 2000); each gets 1 to 8 requests, each request is sent with
//              every method of METHODS and checked against the oracle, plus one allowedMethods() check
//   FUZZ_PATH  with FUZZ_SEED, replay one failing case at once (the path a failure prints)
//   FUZZ_COMPILE=1  every app compiles its router (`routerOptions.compile`); without it, some apps do
// Exits non-zero on a mismatch, after printing the shrunk counterexample: the route table, the options,
// the request, what the oracle says, and a standalone reproduction script.

import fc from 'fast-check'
import { caseArb, checkCase, compiledCaseArb } from './case.js'
import { describeMismatch } from './report.js'

const seed = process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED)
const runs = Number(process.env.FUZZ_RUNS ?? 2000)
const path = process.env.FUZZ_PATH
const compile = process.env.FUZZ_COMPILE === '1'
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(runs) || runs < 1) {
  console.error('FUZZ_SEED and FUZZ_RUNS must be integers')
  process.exit(2)
}
const replay = `FUZZ_SEED=${seed} FUZZ_RUNS=${runs}${compile ? ' FUZZ_COMPILE=1' : ''} npm run fuzz`
console.log(`fuzz: seed ${seed}, ${runs} apps${compile ? ', every one compiling its router' : ''}. Replay: ${replay}`)

const stats = { apps: 0, skipped: 0, requests: 0, checks: 0 }
const skipReasons = new Map()
const outcomes = {}
let failing = false
const started = performance.now()
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1) + ' s'

const property = fc.asyncProperty(compile ? compiledCaseArb : caseArb, async (testCase) => {
  let result
  try {
    result = await checkCase(testCase)
  } catch (error) {
    // What follows is fast-check shrinking the counterexample: not counted.
    failing = true
    throw error
  }
  if (failing) return
  stats.apps++
  if (result.skipped !== null) {
    stats.skipped++
    const reason = result.skipped.replace(/'[^']*'/g, "'…'").slice(0, 100)
    skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1)
  }
  stats.requests += result.requests
  stats.checks += result.checks
  for (const [outcome, n] of Object.entries(result.outcomes ?? {})) outcomes[outcome] = (outcomes[outcome] ?? 0) + n
  if (stats.apps % 500 === 0) {
    console.log(`  ${stats.apps} apps, ${stats.requests} requests, ${stats.checks} checks, ${elapsed()}`)
  }
})

const details = await fc.check(property, { seed, numRuns: runs, ...(path === undefined ? {} : { path }) })
console.log(`${stats.apps} apps (${stats.skipped} discarded), ${stats.requests} request cases, ` +
  `${stats.checks} checks (one per method, plus allowedMethods), ${elapsed()}`)
const byOutcome = Object.entries(outcomes).sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `${outcome} ${n}`)
console.log('  checks by expected answer: ' + byOutcome.join(', '))
for (const [reason, count] of skipReasons) console.log(`  discarded ${count}x: ${reason}`)

if (details.failed) {
  console.log(`\nFAILED after ${details.numRuns} runs and ${details.numShrinks} shrinks ` +
    `(seed ${details.seed}, path ${details.counterexamplePath})`)
  console.log(`Replay this case: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}` +
    `${compile ? ' FUZZ_COMPILE=1' : ''} npm run fuzz`)
  const [testCase] = details.counterexample ?? []
  let error = details.errorInstance
  // Run the shrunk case once more for the mismatch's details (checkCase is deterministic).
  if (testCase !== undefined) error = await checkCase(testCase).then(() => error, (again) => again)
  console.log(describeMismatch(error))
  console.log(`\nabstract case: ${JSON.stringify(testCase)}`)
  process.exitCode = 1
} else {
  console.log('OK')
}
