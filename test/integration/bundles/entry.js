// What every bundle of run.js starts from: the example app (example/app.ts, compiled to dist-example/),
// listening on a free port of 127.0.0.1, which it prints for the harness. No top-level await: esbuild
// refuses it in CommonJS output.
import { buildApp } from '../../../dist-example/app.js'

buildApp()
  .then(async (app) => {
    await app.listen({ host: '127.0.0.1', port: 0 })
    console.log(`listening on ${app.server.address().port}`)
  })
  .catch((error) => {
    console.error(error)
    process.exit(1)
  })
