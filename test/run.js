// Runs every `*.test.js` under test/ with node:test, found here rather than by a shell glob so that
// `npm test` works in every shell (Windows' cmd does not expand globs, and Node 20's `--test` does not
// either). Arguments, when given, name the files to run instead (paths under test/, e.g. `plugin/matching.test.js`).
// Exits non-zero when a test fails.
import { readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'

const here = import.meta.dirname
const chosen = process.argv.slice(2)
const all = () => readdirSync(here, { recursive: true }).filter(file => file.endsWith('.test.js'))
const files = (chosen.length > 0 ? chosen : all())
  .sort()
  .map(file => join(here, file))

// The same concurrency as `node --test`: one file per spare core.
const stream = run({ files, concurrency: Math.max(availableParallelism() - 1, 1) })
stream.on('test:fail', () => { process.exitCode = 1 })
stream.compose(spec).pipe(process.stdout)
