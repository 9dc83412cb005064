// Keep-alive wrong-method requests with a small body: the plugin reads and discards a body of up to 64 KiB
// to keep the connection, where it used to close it. Fastify alone (`plain`, its 404 reads the body) vs the
// plugin's 405, the same requests with a 20-byte JSON body and without a body, A B / B A alternation.
//
//   node bench/keep-alive.js [--size 1000] [--rounds 6] [--duration 1] [--connections 10]
//
// autocannon keeps its connections alive: a 405 that closed them would show as reconnections and a lower
// req/s. Prints req/s, p99 latency and the ratio (goal >= 0.9x for the body case).

import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { startServer, stopServer, requestSets } from './http.js'
import { median } from './stats.js'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '1' },
    connections: { type: 'string', default: '10' }
  }
})
const rounds = Number(values.rounds)
const duration = Math.max(1, Math.round(Number(values.duration)))
const connections = Number(values.connections)
const JSON_20 = '{"a":"0123456789ab"}'
const JSON_HEADERS = { 'content-type': 'application/json' }

async function load (server, requests) {
  const result = await autocannon({ url: server.origin, connections, duration, requests })
  const rps = result.requests.total / (result.duration || duration)
  return { rps, p99: result.latency.p99, problems: result.errors + result.timeouts }
}

const size = Number(values.size)
const { wrong } = await requestSets(size)
const cases = [
  ['wrong method, 20-byte JSON body',
    wrong.map(({ method, url }) => ({ method, path: url, headers: JSON_HEADERS, body: JSON_20 }))],
  ['wrong method, no body', wrong.map(({ method, url }) => ({ method, path: url }))]
]
const servers = { plain: await startServer('plain', size), ours: await startServer('ours', size) }
try {
  console.log(`${size} routes, ${wrong.length} requests per case, ${rounds} rounds of ${duration} s per side, ` +
    `${connections} keep-alive connections\n`)
  console.log('| case | Fastify 404 req/s | our 405 req/s | ratio | p99 ms 404 / 405 | errors |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const [name, requests] of cases) {
    await load(servers.plain, requests)
    await load(servers.ours, requests)
    const samples = { plain: [], ours: [] }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['plain', 'ours'] : ['ours', 'plain']
      for (const side of order) samples[side].push(await load(servers[side], requests))
    }
    const ratio = median(samples.ours.map((s, i) => s.rps / samples.plain[i].rps))
    const rps = (side) => Math.round(median(samples[side].map(s => s.rps)))
    const p99 = (side) => median(samples[side].map(s => s.p99))
    const problems = [...samples.plain, ...samples.ours].reduce((sum, s) => sum + s.problems, 0)
    const p99s = `${p99('plain')} / ${p99('ours')}`
    console.log(`| ${name} | ${rps('plain')} | ${rps('ours')} | ${ratio.toFixed(3)} | ${p99s} | ${problems} |`)
  }
} finally {
  await Promise.all(Object.values(servers).map(stopServer))
}
