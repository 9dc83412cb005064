// Run by test/unit/pattern-index.test.js in a child process started with `node --expose-gc`: builds the pattern
// index of GitHub's route table, sealed or not (`sealed` / `open`), and prints as JSON the heap it retains
// after a full GC.
import { createRequire } from 'node:module'
import { DEFAULT_MATCHING as matching } from './matching.js'
import { PatternIndex } from '../../dist/lookup/pattern-index.js'
import { routeTable } from '../../bench/routes.js'

if (typeof globalThis.gc !== 'function') throw new Error('index-heap-probe.js needs `node --expose-gc`')
const require = createRequire(import.meta.url)
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const patterns = [...new Set(routeTable('github').map(({ url }) => url))]

function build () {
  const index = new PatternIndex(FindMyWay, matching)
  patterns.forEach((pattern, id) => index.add(pattern, { id }))
  if (process.argv[2] === 'sealed') index.seal()
  return index
}

// A first build loads and compiles the code, which is not the index's weight.
build()
const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed }
const before = heap()
const index = build()
const after = heap()
process.stdout.write(JSON.stringify({ bytes: after - before, found: index.find('/repos/o/r/issues') !== null }) + '\n')
