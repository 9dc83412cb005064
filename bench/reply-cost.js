// What a 405 costs to send, apart from the lookup: not part of `npm run bench`.
//
//   node bench/reply-cost.js [--rounds 10] [--size 1000] [--requests all|solo|overlap]
//
// Five servers (server.js) get the same wrong-method requests (http.js's 12: 4 shallow, 4 deep, 4 on
// overlapping patterns; `solo` keeps the first 8, `overlap` the last 4), one after the other in each round (the
// order reversed every other round), so that all five see the same background load:
// - plain: Fastify's own 404;
// - 405-error: a fixed 405 sent as lib/respond/responses.ts sends it to an app with its own error handler (a
//   MethodNotAllowedError without stack, through Fastify's error path: reply.send(error) -> error handler ->
//   reply.send(error) -> error serializer);
// - 405-object: the same status, Allow and body sent as a plain object (the normal reply path);
// - ours: the plugin itself, lookup included;
// - ours-problem: the same with `problemDetails: true`, its 405 an RFC 9457 body serialised with its schema.
// The server's CPU time per request is the steadier number on a shared machine; ratios are per round,
// plain over the other (below 1: costs more than Fastify's 404), then the median.

import { parseArgs } from 'node:util'
import { startServer, stopServer, requestSets, load, probe } from './http.js'
import { median } from './stats.js'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    size: { type: 'string', default: '1000' },
    requests: { type: 'string', default: 'all' }
  }
})
const size = Number(values.size)
const rounds = Number(values.rounds)
const KINDS = ['plain', '405-error', '405-object', 'ours', 'ours-problem']
const all = (await requestSets(size)).wrong
const wrong = values.requests === 'solo' ? all.slice(0, 8) : values.requests === 'overlap' ? all.slice(8) : all
const servers = []
try {
  for (const kind of KINDS) servers.push(await startServer(kind, size))
  const probes = []
  for (const server of servers) {
    probes.push(await probe(server, wrong))
    await load(server, wrong, 1, 10)
  }
  const samples = servers.map(() => [])
  for (let round = 0; round < rounds; round++) {
    const forward = KINDS.map((kind, i) => i)
    const order = round % 2 === 0 ? forward : forward.reverse()
    for (const i of order) samples[i].push(await load(servers[i], wrong, 1, 10))
  }
  console.log(`${size} routes, ${wrong.length} wrong-method requests (${values.requests}), ` +
    `${rounds} rounds of 1 s per server\n`)
  console.log('| server | req/s | ratio to plain | CPU µs/req | CPU ratio (plain / it) | responses |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  KINDS.forEach((kind, i) => {
    const rps = median(samples[i].map(s => s.rps))
    const rpsRatio = median(samples[i].map((s, r) => s.rps / samples[0][r].rps))
    const cpu = median(samples[i].map(s => s.cpuUs))
    const cpuRatio = median(samples[i].map((s, r) => samples[0][r].cpuUs / s.cpuUs))
    const cells = [kind, Math.round(rps), rpsRatio.toFixed(3), cpu.toFixed(1), cpuRatio.toFixed(3), probes[i]]
    console.log(`| ${cells.join(' | ')} |`)
  })
} finally {
  await Promise.all(servers.map(stopServer))
}
