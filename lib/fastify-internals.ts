import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import type { FastifyInstance } from 'fastify'

// Every reliance on Fastify's private files and behaviour that is not a wrapper of its public API (those are
// in fastify-wrappers.ts). Checking a Fastify upgrade starts here.

const requireHere = createRequire(import.meta.url)
const FASTIFY_MAIN = `${sep}fastify${sep}fastify.js`

/**
 * `require()` from the files of the Fastify that runs `instance`, to load what that Fastify itself loads
 * (its find-my-way). A process may hold several copies of Fastify (a plugin linked for development, a
 * nested install); the running one is the copy whose private `kState` symbol (lib/symbols.js, on every
 * instance) `instance` carries. Copies are found in Node's CommonJS module cache, where Fastify (a
 * CommonJS package) is however it was imported. Identity, not `fastify.version`: several releases report
 * in `version` another number than their package.json's.
 * @throws Error when no loaded copy runs `instance` (e.g. Fastify bundled into one file).
 */
export function requireFromFastify (instance: FastifyInstance): NodeJS.Require {
  const loaded = Object.keys(requireHere.cache).filter(file => file.endsWith(FASTIFY_MAIN))
  const main = loaded.find(file => {
    const symbols = requireHere.cache[join(dirname(file), 'lib', 'symbols.js')]?.exports as { kState?: symbol } | undefined
    return symbols?.kState !== undefined && symbols.kState in instance
  })
  if (main === undefined) {
    throw new Error(`fastify-allowed-methods: cannot find the files of the Fastify ${instance.version} that runs ` +
      `this app (loaded copies: ${loaded.map(dirname).join(', ') || 'none'}). The plugin matches with Fastify's own ` +
      "find-my-way and loads it from Fastify's package: run Fastify as an installed package, not bundled into the app.")
  }
  return createRequire(main)
}
