// Differential tests: Fastify itself is the oracle. Random apps (route tables mixing static, param, regex,
// multi-param, optional, wildcard and catch-all routes, host and version constraints, prefixed plugins,
// router options at the top level or in `routerOptions`) are built twice, with and without the plugin,
// and random requests are sent to both with every method: see test/fuzz/check-app.js for the rules. This
// file runs a bounded number of cases with a fixed seed; `npm run fuzz` runs many more with a random one.

import { test } from 'node:test'
import fc from 'fast-check'
import { caseArb, checkCase } from './fuzz/case.js'
import { describeMismatch } from './fuzz/report.js'

const SEED = 20261125
const RUNS = 300

test(`the plugin answers as Fastify routes (differential, seed ${SEED}, ${RUNS} apps)`, async (t) => {
  const stats = { apps: 0, requests: 0, checks: 0 }
  const property = fc.asyncProperty(caseArb, async (testCase) => {
    const result = await checkCase(testCase)
    stats.apps++
    stats.requests += result.requests
    stats.checks += result.checks
  })
  const details = await fc.check(property, { seed: SEED, numRuns: RUNS })
  if (details.failed) {
    const [testCase] = details.counterexample ?? []
    const error = testCase === undefined
      ? details.errorInstance
      : await checkCase(testCase).then(() => details.errorInstance, (again) => again)
    t.assert.fail(`seed ${SEED}, path ${details.counterexamplePath}\n${describeMismatch(error)}`)
  }
  t.diagnostic(`${stats.apps} apps, ${stats.requests} requests, ${stats.checks} checks`)
})
