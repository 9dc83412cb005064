// Differential tests: Fastify itself is the oracle. Random apps (route tables mixing static, param, regex,
// multi-param, optional, wildcard and catch-all routes, host and version constraints, prefixed plugins,
// guards in those plugins and on routes, router options at the top level or in `routerOptions`) are built
// twice, with and without the plugin, and random requests, with or without the guards' keys, are sent to
// both with every method: see test/property/fuzz/check-app.js for the rules. This
// file runs a bounded number of cases with a fixed seed; `npm run fuzz` runs many more with a random one.
// The random apps compile their router (`routerOptions.compile`) now and then; a second, smaller run has
// every app compile it, Fastify's router then matching with code generated per method tree.

import { test } from 'node:test'
import fc from 'fast-check'
import Fastify from 'fastify'
import { METHODS } from './fuzz/app-arbitraries.js'
import { caseArb, checkCase, compiledCaseArb } from './fuzz/case.js'
import { routerCompilations } from './fuzz/build-app.js'
import { describeMismatch } from './fuzz/report.js'

const SEED = 20261125
const RUNS = 300
const COMPILED_RUNS = 100

// Floors on what the run compared, so that it cannot pass by discarding apps or requests. Each sits a fair
// margin below what the seed gives, so that a change to the arbitraries does not trip it:
// - apps: the only ones discarded are those Fastify itself cannot start or leaves half-registered, a few
//   in a hundred;
// - requests: each app gets 1 to 8, well over 3 on average;
// - checks: each request is checked under every method, and most also with allowedMethods() (all but
//   those Fastify answers itself, with a 400 or a 414);
// - guarded checks: answers the plugin owed once the guards of the URL's routes ran, about 3 in 100 checks.
const MIN_APPS_SHARE = 0.9
const MIN_REQUESTS_PER_APP = 3
const MIN_ALLOWED_METHODS_CHECKS_PER_REQUEST = 0.5
const MIN_GUARDED_SHARE = 0.01

test(`the plugin answers as Fastify routes (differential, seed ${SEED}, ${RUNS} apps)`, async (t) => {
  await checkRuns(t, caseArb, RUNS)
})

/** Whether this Fastify compiles its router when asked (`routerOptions.compile`, from Fastify 5.12.8 on). */
async function compilesItsRouter () {
  const before = routerCompilations()
  const app = Fastify({ routerOptions: { compile: true } })
  await app.ready()
  await app.close()
  return routerCompilations() > before
}

const noCompile = !(await compilesItsRouter()) && 'this Fastify has no routerOptions.compile'
const compiledName = 'the plugin answers as Fastify routes with routerOptions.compile ' +
  `(seed ${SEED}, ${COMPILED_RUNS} apps)`
test(compiledName, { skip: noCompile }, async (t) => {
  const before = routerCompilations()
  const { compared } = await checkRuns(t, compiledCaseArb, COMPILED_RUNS)
  // Each app compared started twice (with the plugin and without), each time compiling two routers.
  t.assert.ok(routerCompilations() - before >= 4 * compared,
    `${routerCompilations() - before} router compilations for ${compared} apps`)
})

async function checkRuns (t, arbitrary, runs) {
  const stats = { apps: 0, discarded: 0, requests: 0, checks: 0, guarded: 0 }
  const property = fc.asyncProperty(arbitrary, async (testCase) => {
    const result = await checkCase(testCase)
    stats.apps++
    if (result.skipped !== null) stats.discarded++
    stats.requests += result.requests
    stats.checks += result.checks
    stats.guarded += result.guarded ?? 0
  })
  const details = await fc.check(property, { seed: SEED, numRuns: runs })
  if (details.failed) {
    const [testCase] = details.counterexample ?? []
    const error = testCase === undefined
      ? details.errorInstance
      : await checkCase(testCase).then(() => details.errorInstance, (again) => again)
    t.assert.fail(`seed ${SEED}, path ${details.counterexamplePath}\n${describeMismatch(error)}`)
  }
  const compared = stats.apps - stats.discarded
  t.diagnostic(`${stats.apps} apps (${stats.discarded} discarded), ${stats.requests} requests, ${stats.checks} checks` +
    ` (${stats.guarded} guarded)`)
  const minApps = Math.floor(runs * MIN_APPS_SHARE)
  t.assert.ok(compared >= minApps, `${compared} apps compared, fewer than ${minApps}`)
  const minRequests = MIN_REQUESTS_PER_APP * compared
  t.assert.ok(stats.requests >= minRequests, `${stats.requests} requests compared, fewer than ${minRequests}`)
  const minChecks = Math.ceil((METHODS.length + MIN_ALLOWED_METHODS_CHECKS_PER_REQUEST) * stats.requests)
  t.assert.ok(stats.checks >= minChecks, `${stats.checks} checks made, fewer than ${minChecks}`)
  const minGuarded = Math.ceil(MIN_GUARDED_SHARE * stats.checks)
  t.assert.ok(stats.guarded >= minGuarded, `${stats.guarded} guarded answers checked, fewer than ${minGuarded}`)
  return { compared }
}
