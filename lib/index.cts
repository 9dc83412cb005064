// The CommonJS entry: `require('fastify-allowed-methods')` returns the plugin itself, so that
// `app.register(require('fastify-allowed-methods'))` works, with the named exports as its properties
// (the shape @fastify/cors exports). It loads the ES module build: Node >= 20.19 can require() it.
import esm = require('./index.js')

const plugin = Object.assign(esm.default, esm)
export = plugin
