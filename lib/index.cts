// The CommonJS entry. Its declarations (index.d.cts) must read as CommonJS to every TypeScript consumer, and
// `import x = require()` of an ES module would be refused under `module: node16` (TS1471): the ES module is
// imported here for its types only, with the resolution mode stated (TypeScript >= 5.3 honours it in every
// module mode, node10 included).
import type * as Esm from './index.js' with { 'resolution-mode': 'import' }

// `require('fastify-allowed-methods')` returns the plugin itself, so that
// `app.register(require('fastify-allowed-methods'))` works, with the named exports as its properties
// (the shape @fastify/cors exports). It loads the ES module entry, which Node >= 20.19 can require(), so that
// both entries share one copy of the plugin (one class per error, for `instanceof`). That entry is the build of
// lib/ bundled into one file, dist/bundle.js (package.json "build"): Node loads one module instead of one per
// source file, the bulk of what importing the plugin used to cost.
const esm = require('./bundle.js') as typeof Esm

const plugin = Object.assign(esm.default, esm)

// `export =` carries the values (the properties of `plugin`); the types travel in a namespace merged with
// it, the classes' instance types included. Listed by hand: test/integration/cjs-declarations.test.js fails on a type
// the ES module exports and this list lacks.
declare namespace plugin {
  export type FastifyAllowedMethodsOptions = Esm.FastifyAllowedMethodsOptions
  export type FastifyAllowedMethodsReply<Name extends string = 'methodNotAllowed'> = Esm.FastifyAllowedMethodsReply<Name>
  export type OptionsDescription = Esm.OptionsDescription
  export type MethodDescription = Esm.MethodDescription
  export type MethodNotAllowedBody = Esm.MethodNotAllowedBody
  export type NotImplementedBody = Esm.NotImplementedBody
  export type MethodNotAllowedProblem = Esm.MethodNotAllowedProblem
  export type NotImplementedProblem = Esm.NotImplementedProblem
  export type MethodNotAllowedError = Esm.MethodNotAllowedError
  export type NotImplementedError = Esm.NotImplementedError
}

export = plugin
