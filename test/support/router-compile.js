// `node --import ./test/support/router-compile.js`: every `import Fastify from 'fastify'` of the tests gets
// a Fastify whose apps compile their router (`routerOptions.compile`, find-my-way 9.10's compiler) unless
// the test sets `compile` itself, so that the suite's router-dependent tests run in compile mode too
// (test/integration/compat/run.js). The import is redirected by a module resolve hook (Node's `module.register`): the
// tests themselves stay as they are. The plugin never imports `fastify`; it finds the running copy.
import { register } from 'node:module'
import { isMainThread } from 'node:worker_threads'

const WRAPPER = new URL('./compiled-fastify.js', import.meta.url).href

// The hooks run in a thread of their own, which loads this file again.
if (isMainThread) register(import.meta.url)

export async function resolve (specifier, context, next) {
  if (specifier === 'fastify' && context.parentURL !== WRAPPER) return { url: WRAPPER, shortCircuit: true }
  return next(specifier, context)
}
