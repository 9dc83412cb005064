// `node --import ./test/support/shipped-bundle.js`: every import of dist/index.js (tsc's output, one module per
// source file, which the tests load for coverage and for their seams into the plugin's state) gets the entry as
// published instead, dist/bundle.js: the same code bundled into one file, so that the suite also runs on
// what users load (test/integration/compat/run.js). A module resolve hook (Node's `module.register`): the tests
// stay as they are. CommonJS entries need nothing: dist/index.cjs already loads the bundle.
import { register } from 'node:module'
import { isMainThread } from 'node:worker_threads'

const MODULES = new URL('../../dist/index.js', import.meta.url).href
const BUNDLE = new URL('../../dist/bundle.js', import.meta.url).href

// The hooks run in a thread of their own, which loads this file again.
if (isMainThread) register(import.meta.url)

export async function resolve (specifier, context, next) {
  const resolved = await next(specifier, context)
  return resolved.url === MODULES ? { ...resolved, url: BUNDLE } : resolved
}
