import { test } from 'node:test'
import { createRequire } from 'node:module'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'
import { answer, ok } from '../support/with-plugin.js'

// The pattern index is walked even when the app compiles its router (`routerOptions.compile`): compiled by
// find-my-way's compiler, it was slower than the walk on the benchmarks' hits and mixed traffic, its
// optimised code being thrown away at each full collection, and compiling it costs start-up time
// (bench/README.md, "The index walked or compiled"). Fastify's own two routers are compiled; nothing else is.

const require = createRequire(import.meta.url)
const { prototype } = createRequire(require.resolve('fastify'))('find-my-way')

/** A ready app with the plugin, and the find-my-way routers compiled meanwhile (the paths each held then). */
async function compiledWhileReady (routerOptions) {
  const compiled = []
  const compile = prototype.compile
  // A find-my-way without a compiler (before 9.10) has nothing to count.
  if (typeof compile === 'function') {
    prototype.compile = function countedCompile (...args) {
      compiled.push(this.routes.map(route => route.path))
      return compile.apply(this, args)
    }
  }
  const app = Fastify({ routerOptions })
  try {
    await app.register(fastifyAllowedMethods)
    app.get('/x/:a/c', ok)
    app.put('/x/b/:y', ok)
    app.post('/users/:id(^\\d+$)', ok)
    await app.ready()
  } finally {
    prototype.compile = compile
  }
  return { app, compiled }
}

test('an app that compiles its router: the plugin compiles no router of its own', async (t) => {
  const { app, compiled } = await compiledWhileReady({ compile: true })
  t.after(() => app.close())
  // Fastify compiles its two routers (the routes' and the 404's) at preReady, when it has the compiler.
  t.assert.ok(compiled.length === 0 || compiled.length === 2, `${compiled.length} routers compiled`)
  // The meeting of the two overlapping patterns, `/x/b/c`, is the index's alone.
  t.assert.ok(compiled.every(paths => !paths.includes('/x/b/c')))
  t.assert.deepStrictEqual(await answer(app, 'POST', '/x/b/c'), { status: 405, allow: 'GET, HEAD, OPTIONS, PUT' })
  t.assert.deepStrictEqual(await answer(app, 'PUT', '/users/12'), { status: 405, allow: 'OPTIONS, POST' })
  t.assert.deepStrictEqual(await answer(app, 'POST', '/x/b'), { status: 404, allow: undefined })
})

test('an app that does not compile its router: no router is compiled', async (t) => {
  const { app, compiled } = await compiledWhileReady({ compile: false })
  t.after(() => app.close())
  t.assert.deepStrictEqual(compiled, [])
  t.assert.deepStrictEqual(await answer(app, 'POST', '/x/b/c'), { status: 405, allow: 'GET, HEAD, OPTIONS, PUT' })
})
