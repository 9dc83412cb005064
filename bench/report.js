// The Markdown tables run.js prints, one function per benchmark part, each with its ratios and the goals of
// the lean registry where one applies (see bench/README.md, "Goals of the lean registry").

import { median } from './stats.js'

const ns = (value) =>
  value === undefined ? '-' : value >= 10000 ? `${(value / 1000).toFixed(1)} µs` : `${Math.round(value)} ns`
const times = (value) => value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(2)}x`
const mb = (bytes) => bytes === undefined ? '-' : `${(bytes / (1 << 20)).toFixed(2)} MB`
const met = (ok) => ok ? 'MET' : 'NOT MET'
const table = (head, rows) => [
  `| ${head.join(' | ')} |`,
  `| ${head.map((cell, i) => i === 0 ? '---' : '---:').join(' | ')} |`,
  ...rows.map(row => `| ${row.join(' | ')} |`)
].join('\n')

/** The goal of the lookup: ours within 2x of one find, per request group (the tables of 1,000 routes and more). */
const LOOKUP_GOAL = 2
/** The goal of the 405/404 decision against a failed find of the same kind, walked or compiled. */
const COMPILED_GOAL = 0.75
const goalTables = (results) => results.filter(result => !/^\d+$/.test(result.table) || Number(result.table) >= 1000)

export function printLookup (results) {
  console.log('\n## Lookup: ns per request (median of rounds), ratio to the floor\n')
  console.log('floor = one find-my-way `find(request method, path)` on a router with the same routes;')
  console.log('fmw-allowed = one `find()` with a method the path has (a successful walk to the leaf);')
  console.log('asking = requests of the group whose plan asks the router per request ' +
    '(`planOf(url).asked` not empty).\n')
  const rows = []
  for (const result of results) {
    for (const [group, r] of Object.entries(result.results)) {
      const cell = (name) => r[name] === undefined ? '-' : `${ns(r[name])} (${times(r[name] / r.floor)})`
      const asking = `${result.checks.asking[group]}/${result.groupSizes[group]}`
      rows.push([result.table, group, asking, ns(r.floor), cell('fmw-allowed'),
        `**${cell('ours')}**`, cell('naive'), cell('fastify-allow')])
    }
  }
  console.log(table(['table', 'requests', 'asking', 'floor', 'fmw-allowed', 'ours', 'naive (findRoute x9)',
    'fastify-allow'], rows))

  console.log('\nAnswers checked against Fastify\'s router before timing:')
  for (const { table: name, patterns, checks, allowBuildMs } of results) {
    const mismatches = checks.oursMismatches.length
    console.log(`- ${name} (${patterns} patterns): ours ${checks.requests - mismatches}/${checks.requests} agree` +
      `, fastify-allow ${checks.allowAgrees}/${checks.requests}; ` +
      `fastify-allow's onRoute for the table took ${Math.round(allowBuildMs)} ms`)
    for (const mismatch of checks.oursMismatches.slice(0, 5)) console.log(`  MISMATCH ${JSON.stringify(mismatch)}`)
  }

  const ratios = goalTables(results).flatMap(result => Object.entries(result.results)
    .map(([group, r]) => ({ name: `${result.table} ${group}`, ratio: r.ours / r.floor })))
  if (ratios.length > 0) {
    const worst = ratios.reduce((a, b) => b.ratio > a.ratio ? b : a)
    console.log(`\nGoal (ours / floor <= ${LOOKUP_GOAL} for every group, tables of 1,000 routes and more): ` +
      `${met(worst.ratio <= LOOKUP_GOAL)}, highest ${times(worst.ratio)} (${worst.name})`)
  }

  const compiled = results.filter(result => result.samples !== undefined)
  if (compiled.length === 0) return
  console.log('\n### The index walked or compiled, next to a failed find walked or compiled\n')
  console.log('floor-compiled = the floor on a router compiled by find-my-way\'s compiler (`routerOptions.compile`);')
  console.log('ours-compiled = ours with its pattern index compiled by the bench (the plugin walks it).')
  console.log('ratio = median over rounds of the round\'s ratio [min - max]; after the warm-up below.\n')
  const rows2 = []
  const pairs = []
  for (const result of compiled) {
    for (const [group, s] of Object.entries(result.samples)) {
      const ratio = (name, floor) => {
        const perRound = s[name].map((value, round) => value / s[floor][round])
        pairs.push({ result, name: `${result.table} ${group}`, pair: `${name} / ${floor}`, ratio: median(perRound) })
        return `${times(median(perRound))} [${Math.min(...perRound).toFixed(2)} - ${Math.max(...perRound).toFixed(2)}]`
      }
      const r = result.results[group]
      rows2.push([result.table, group, ns(r.floor), ns(r['floor-compiled']), ns(r.ours), ns(r['ours-compiled']),
        ratio('ours', 'floor'), `**${ratio('ours-compiled', 'floor-compiled')}**`, ratio('ours-compiled', 'floor'),
        ratio('ours', 'floor-compiled')])
    }
  }
  console.log(table(['table', 'requests', 'floor', 'floor-compiled', 'ours', 'ours-compiled', 'ours / floor',
    'ours-compiled / floor-compiled', 'ours-compiled / floor', 'ours / floor-compiled'], rows2))
  for (const pair of ['ours / floor', 'ours-compiled / floor-compiled', 'ours-compiled / floor']) {
    const goals = goalTables(compiled)
    const of = pairs.filter(entry => entry.pair === pair && goals.includes(entry.result))
    if (of.length === 0) continue
    const worst = of.reduce((a, b) => b.ratio > a.ratio ? b : a)
    console.log(`\nGoal (${pair} <= ${COMPILED_GOAL} for every group, tables of 1,000 routes and more): ` +
      `${met(worst.ratio <= COMPILED_GOAL)}, ` +
      `highest ${times(worst.ratio)} (${worst.name})`)
  }

  console.log('\nWarm-up: ns per call over the first calls, over the mixed requests, before the timing above;')
  console.log('compile = what compiling the table\'s index costs at start-up.\n')
  const marks = [...new Set(compiled.flatMap(result => result.warmUp.ours.map((point, i) => i)))]
  const rows3 = compiled.flatMap(result => Object.entries(result.warmUp).map(([name, curve]) => [
    result.table, name, ...marks.map(i => curve[i] === undefined ? '-' : ns(curve[i].ns)),
    name === 'ours-compiled' ? `${Math.round(result.indexCompileMs)} ms` : '-'
  ]))
  const head = marks.map(i => `first ~${compiled[0].warmUp.ours[i]?.calls.toExponential(0) ?? '?'} calls`)
  console.log(table(['table', 'competitor', ...head, 'compile'], rows3))
}

/** The goal of the public decorators: within 1.2x of the internal lookup they answer from, per request group. */
const DECORATOR_GOAL = 1.2
const range = ({ min, max }) => `[${min.toFixed(2)} - ${max.toFixed(2)}]`

export function printDecorators (results) {
  console.log('\n## Public decorators: ns per call (median of rounds), ratio to the internal lookup\n')
  console.log('lookup = `registryOf(app).lookup(url, undefined)`;')
  console.log('instance = `app.allowedMethods(url)` (a fresh array);')
  console.log('instance-own = the same function through a reference taken once (no property look-up on the app);')
  console.log('request = `request.allowedMethods()` on a real request of the app for that URL;')
  console.log('request-url = the lookup given `request.url` of the same requests (reaching the URL through them);')
  console.log('ratio = median over rounds of the side\'s p50 over the lookup\'s in the same round, [min - max].\n')
  const rows = []
  for (const { table: name, results: groups } of results) {
    for (const [group, r] of Object.entries(groups)) {
      const cell = (side) => `${ns(r.ns[side])} (${times(r.ratios[side].median)} ${range(r.ratios[side])})`
      rows.push([name, group, String(r.requests), ns(r.ns.lookup), `**${cell('instance')}**`, cell('instance-own'),
        `**${cell('request')}**`, cell('request-url')])
    }
  }
  console.log(table(['table', 'requests', 'n', 'lookup', 'instance', 'instance-own', 'request', 'request-url'], rows))
  for (const { table: name, mismatches } of results) {
    if (mismatches.length > 0) console.log(`\n${name}: ${mismatches.length} answers differ from the lookup's`)
    for (const mismatch of mismatches.slice(0, 5)) console.log(`  MISMATCH ${JSON.stringify(mismatch)}`)
  }
  const ratios = results.flatMap(({ table: name, results: groups }) => Object.entries(groups).flatMap(([group, r]) =>
    ['instance', 'request'].map(side => ({ name: `${name} ${group} ${side}`, ratio: r.ratios[side].median }))))
  if (ratios.length > 0) {
    const worst = ratios.reduce((a, b) => b.ratio > a.ratio ? b : a)
    console.log(`\nGoal (instance and request / lookup <= ${DECORATOR_GOAL} for every group): ` +
      `${met(worst.ratio <= DECORATOR_GOAL)}, highest ${times(worst.ratio)} (${worst.name})`)
  }
}

/** The goals of the per-URL ratio. */
const WORST_GOAL = { p99: 3, max: 4 }

export function printWorstCase (results) {
  console.log('\n## Per-URL worst cases: our lookup / the slowest single-method find of the same URL\n')
  console.log('Every pattern\'s concrete URL; each time the median over rounds of a batch of repetitions.')
  console.log('asking = URLs whose plan asks the router per request.\n')
  const rows = results.map(r => [
    r.table, String(r.urls), String(r.asking), ns(r.oursP50Ns), ns(r.slowestP50Ns), times(r.p50),
    `**${times(r.p99)}**`, `**${times(r.max)}**`,
    `p99 <= ${WORST_GOAL.p99} ${met(r.p99 <= WORST_GOAL.p99)}, max <= ${WORST_GOAL.max} ${met(r.max <= WORST_GOAL.max)}`
  ])
  console.log(table(['table', 'URLs', 'asking', 'ours p50', 'slowest find p50', 'ratio p50', 'p99', 'max', 'goal'],
    rows))
  for (const r of results) {
    console.log(`\n${r.table}, the ${r.worst.length} worst URLs:`)
    for (const w of r.worst) {
      const plan = w.plan === null
        ? 'unknown URL'
        : `certain [${w.plan.certain.join(', ')}], asked [${w.plan.asked.join(', ')}]` +
          (w.plan.known ? '' : ', not known')
      console.log(`- ${times(w.ratio)} \`${w.url}\`: ours ${ns(w.oursNs)}, ` +
        `slowest find ${ns(w.slowestNs)} (${w.slowestMethod}); plan: ${plan}`)
    }
    for (const mismatch of r.mismatches.slice(0, 5)) console.log(`  MISMATCH ${JSON.stringify(mismatch)}`)
  }
}

const MEMORY_GOAL = 0.2

export function printMemory (results) {
  console.log('\n## Memory: retained heap after ready() (forced GC), median of fresh processes\n')
  console.log('app\'s own heap = ready app with the routes, no plugin, minus an empty ready app;')
  console.log('plugin heap = the same app with the plugin minus the app without.\n')
  const rows = []
  for (const name of [...new Set(results.map(result => result.table))]) {
    const of = (kind) => results.find(result => result.table === name && result.kind === kind)?.bytes
    const own = of('fastify') - of('empty')
    const ours = of('fastify+ours') - of('fastify')
    const allow = of('fastify+fastify-allow') - of('fastify')
    rows.push([
      name, mb(of('empty')), mb(own), `${mb(of('fmw'))} (${times(of('fmw') / own)})`,
      `**${mb(ours)} (${times(ours / own)})**`,
      `${mb(allow)} (${times(allow / own)})`, `<= ${MEMORY_GOAL} ${met(ours / own <= MEMORY_GOAL)}`
    ])
  }
  console.log(table(['table', 'empty app', 'app\'s own heap', 'one find-my-way router (of own)',
    'plugin heap (of own)', 'fastify-allow heap (of own)', 'goal'], rows))
}

const COLD_GOAL = 1.1

export function printColdStart (results) {
  console.log('\n## Cold start: process start to ready(), plugin import included, with / without\n')
  console.log('The child\'s `performance.now()` after `ready()` (Node\'s bootstrap included, the spawn not); medians,')
  console.log('ratio = median over runs of with / without (each set back to back), [min - max]. lazy = the plugin')
  console.log('with `lazy: true`, which builds its registry at the first use instead. first 405 = the first refused')
  console.log('request after ready() (inject(), which loads light-my-request on either side; under lazy, the build).\n')
  const rows = results.map(r => [
    r.table, String(r.runs), `${Math.round(r.without)} ms`, `${Math.round(r.with)} ms`,
    `**${times(r.ratio)}** [${r.ratioMin.toFixed(2)} - ${r.ratioMax.toFixed(2)}]`,
    `<= ${COLD_GOAL} ${met(r.ratio <= COLD_GOAL)}`,
    r.lazy === undefined ? '-' : `${Math.round(r.lazy.ms)} ms`,
    r.lazy === undefined
      ? '-'
      : `**${times(r.lazy.ratio)}** [${r.lazy.ratioMin.toFixed(2)} - ${r.lazy.ratioMax.toFixed(2)}] ` +
        `${met(r.lazy.ratio <= COLD_GOAL)}`,
    `${r.firstRefused.toFixed(1)} ms${r.lazy === undefined ? '' : ` / ${r.lazy.firstRefused.toFixed(1)} ms`}`
  ])
  console.log(table(['table', 'runs', 'without', 'with', 'ratio', 'goal', 'lazy', 'lazy ratio',
    'first 405: with / lazy'], rows))
}

/** The goal on the adversarial tables: startup time and the app's own heap, with / without the plugin. */
const ADVERSARIAL_GOAL = 1.25

export function printAdversarial (results) {
  console.log('\n## Adversarial tables: startup and heap, with / without the plugin\n')
  console.log('startup = cold process to `ready()` (cold-start.js), ratio = median over runs of with / without, each')
  console.log('pair back to back; heap = retained heap of the app with the table minus an empty app\'s (memory.js),')
  console.log('ratio = median over runs of with / without; [min - max] over runs. check = both apps ready, the')
  console.log('plugin\'s answers against Fastify\'s router on one URL per pattern and where patterns meet (agree),')
  console.log('and how many of those URLs the registry answers by asking the router per request (asking).\n')
  const rows = results.map(({ table: name, check, startup, heap }) => {
    const agree = check.urls - check.mismatches.length
    return [
      name, `${check.patterns} (${check.routes})`, `${agree}/${check.urls} agree, ${check.asking} asking`,
      `${Math.round(startup.without)} / ${Math.round(startup.with)} ms`,
      `**${times(startup.ratio)}** ${range({ min: startup.ratioMin, max: startup.ratioMax })}`,
      `${mb(heap.without)} / ${mb(heap.with)}`,
      `**${times(heap.ratio)}** ${range({ min: heap.ratioMin, max: heap.ratioMax })}`,
      `<= ${ADVERSARIAL_GOAL}: startup ${met(startup.ratio <= ADVERSARIAL_GOAL)}, ` +
        `heap ${met(heap.ratio <= ADVERSARIAL_GOAL)}`
    ]
  })
  console.log(table(['table', 'patterns (routes)', 'check', 'startup without / with', 'ratio', 'heap without / with',
    'ratio', 'goal'], rows))
  console.log(`\nRuns: startup ${results[0]?.startup.runs} per side, heap ${results[0]?.heap.runs}.`)
  for (const { table: name, check } of results) {
    for (const mismatch of check.mismatches.slice(0, 5)) console.log(`  MISMATCH ${name} ${JSON.stringify(mismatch)}`)
  }
}

const kb = (bytes) => bytes >= 1 << 20 ? mb(bytes) : `${(bytes / 1024).toFixed(1)} kB`

export function printInstalledSize (r) {
  console.log(`\n## Installed size: the packed package installed next to fastify@${r.fastify}\n`)
  console.log('size = apparent bytes, as npm counts them (disk usage, as `du` counts it, in parentheses); one')
  console.log('measurement, exact (no median or range); loaded = files of the package loaded when the plugin is')
  console.log('imported, registered and the app made ready, as an ES module / with `require()`.\n')
  console.log(`${r.name}: tarball ${kb(r.pack.size)}, unpacked ${kb(r.pack.unpackedSize)} (${r.pack.files} files)` +
    (r.own === null ? '' : `, installed ${kb(r.own.bytes)} (${kb(r.own.disk)})`) + '.\n')
  const added = r.after.bytes - r.before.bytes
  const dependencies = r.added.reduce((sum, p) => sum + p.bytes, 0)
  console.log(table(['node_modules', 'packages', 'size'], [
    [`fastify@${r.fastify} alone`, String(r.before.packages), `${kb(r.before.bytes)} (${kb(r.before.disk)})`],
    [`with ${r.name}`, String(r.after.packages), `${kb(r.after.bytes)} (${kb(r.after.disk)})`],
    ['added (the plugin included)', String(r.after.packages - r.before.packages),
      `${kb(added)} (with / alone: ${times(r.after.bytes / r.before.bytes)})`],
    ['added by its dependencies', String(r.added.length), `**${kb(dependencies)}**`]
  ]))
  const yes = (loaded) => Object.values(loaded).map(value => value ? 'yes' : 'no').join(' / ')
  if (r.added.length > 0) {
    console.log('\nPackages added beyond Fastify\'s own install (the plugin aside):\n')
    console.log(table(['package', 'version', 'size', 'loaded (ESM / CJS)'],
      r.added.map(p => [p.path, p.version, `${kb(p.bytes)} (${kb(p.disk)})`, yes(p.loaded)])))
  }
  for (const p of r.changed) console.log(`- changed: ${p.path} is ${p.version} now`)
  for (const path of r.removed) console.log(`- removed: ${path}`)
  const idle = r.added.filter(p => !Object.values(p.loaded).some(Boolean))
  const idleBytes = idle.reduce((sum, p) => sum + p.bytes, 0)
  console.log('\nGoal (nothing installed that runs nothing: every added package loaded): ' +
    `${met(idle.length === 0)}` +
    (idle.length === 0 ? '' : `, ${kb(idleBytes)} loaded by neither: ${idle.map(p => p.path).join(', ')}`))
}

export function printHttp (result) {
  console.log(`\n## HTTP: autocannon, ${result.size} routes, ${result.connections} connections, ` +
    `${result.rounds} A/B rounds of ${result.duration} s (after ${result.warmup} s warm-up per side)\n`)
  console.log('ratio = median over rounds of B req/s / A req/s (each round ran A and B back to back), [min - max];')
  console.log('CPU = the server process\'s user+system µs per request (median), CPU ratio = A / B per request.\n')
  const rows = result.rows.map(row => [
    row.name, row.what, String(Math.round(row.rpsA)), String(Math.round(row.rpsB)),
    `**${row.ratio.toFixed(3)}** [${row.ratioMin.toFixed(2)} - ${row.ratioMax.toFixed(2)}]`,
    row.goal === null ? '-' : `>= ${row.goal} ${met(row.ratio >= row.goal)}`,
    `${row.cpuA.toFixed(1)} / ${row.cpuB.toFixed(1)}`, row.cpuRatio.toFixed(3),
    `${row.probes.a} / ${row.probes.b}`
  ])
  console.log(table(['case', 'A vs B', 'A req/s', 'B req/s', 'ratio B/A', 'goal', 'CPU µs/req A / B', 'CPU ratio',
    'responses A / B'], rows))
  if (result.rows.some(row => /ACA[MO]/.test(row.probes.a + row.probes.b))) {
    console.log('\n+ACAO: Access-Control-Allow-Origin; +ACAM(...): Access-Control-Allow-Methods, cors-fixed\'s fixed ' +
      'list or the preflight\'s requested method alone.')
  }
  const problems = result.rows.reduce((sum, row) => sum + row.problems, 0)
  if (problems > 0) console.log(`\nWARNING: ${problems} errors or timeouts during the HTTP runs`)
}

export function printAnswers (results) {
  console.log('\n## The opt-in features and the guards on the 405 and OPTIONS paths: app.inject(), ' +
    `one process per pair, ${results[0]?.rounds} rounds\n`)
  console.log('µs = median time per request of each side; ' +
    'ratio = median over rounds of A / B (below 1: B costs more).\n')
  const rows = results.flatMap(({ table, pairs }) => pairs.flatMap(pair => pair.ratios.map(({ a, b, ratio }) => [
    table, pair.id, `${pair.sides[a]} vs ${pair.sides[b]}`, String(pair.requests),
    `${(pair.ns[a] / 1000).toFixed(1)} / ${(pair.ns[b] / 1000).toFixed(1)}`, `**${ratio.toFixed(3)}**`,
    `${pair.probes[a]} / ${pair.probes[b]}`
  ])))
  console.log(table(['table', 'pair', 'A vs B', 'requests', 'µs A / B', 'ratio A/B', 'responses A / B'], rows))
  for (const { table, pairs } of results) {
    const micro = pairs.find(pair => pair.micro !== undefined)?.micro
    if (micro !== undefined) {
      console.log(`\n${table}: the work Accept-Patch adds, registry.mediaTypesFor('PATCH', url) ` +
        `${micro.mediaTypesFor.toFixed(0)} ns per URL, next to the lookup every OPTIONS answer makes, ` +
        `${micro.lookup.toFixed(0)} ns.`)
    }
  }
}
