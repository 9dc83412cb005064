// Compiles the consumer projects (esm/, cjs/, node10/, bundler/) with `tsc -p`, each with `skipLibCheck: false`,
// so that every error a user's compiler would report counts, including errors inside our declaration files.
// They import the package by its name, as a user would: node_modules/fastify-allowed-methods here holds the
// files `npm pack` would publish (the build must be current), laid out as an install would lay them out.
// Its dependencies resolve from the project's node_modules above, as hoisted ones would. The copy stays, so
// that another TypeScript can be tried on a consumer: `npx -p typescript@5.4 tsc -p types/consumers/cjs`.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const here = import.meta.dirname
const root = join(here, '..', '..')
const installed = join(here, 'node_modules', 'fastify-allowed-methods')

// `npm pack` decides what is published ("files", .npmignore, the always-included files): ask it.
// Run by npm, npm_execpath is npm's own script: no shell needed to find npm on Windows.
const npmArgs = ['pack', '--dry-run', '--json', '--ignore-scripts']
const npm = process.env.npm_execpath
const listing = npm === undefined
  ? execFileSync('npm', npmArgs, { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' })
  : execFileSync(process.execPath, [npm, ...npmArgs], { cwd: root, encoding: 'utf8' })
const [{ files }] = JSON.parse(listing)

rmSync(installed, { recursive: true, force: true })
for (const { path } of files) {
  mkdirSync(join(installed, path, '..'), { recursive: true })
  cpSync(join(root, path), join(installed, path))
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
for (const consumer of ['esm', 'cjs', 'node10', 'bundler']) {
  console.log(`tsc -p types/consumers/${consumer}`)
  const { status } = spawnSync(process.execPath, [tsc, '-p', join(here, consumer)], { stdio: 'inherit' })
  if (status !== 0) process.exitCode = 1
}
