// The Fastify that test/support/router-compile.js gives the tests: Fastify itself, with
// `routerOptions.compile` on by default. CommonJS `require`, which module resolve hooks do not see.
import { createRequire } from 'node:module'

// Its named exports as they are (`LogController`): the resolve hook leaves this file's own imports alone.
export * from 'fastify'

const require = createRequire(import.meta.url)
const Fastify = require('fastify')

export default function compiledFastify (options = {}) {
  return Fastify({ ...options, routerOptions: { compile: true, ...options.routerOptions } })
}
// What test/integration/compat/run.js checks before it trusts a compile-mode run.
compiledFastify.routerCompile = true
compiledFastify.fastifyFile = require.resolve('fastify')
