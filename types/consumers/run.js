// Compiles the consumer projects (esm/, cjs/, node10/, bundler/) with `tsc -p`, each with `skipLibCheck: false`,
// so that every error a user's compiler would report counts, including errors inside our declaration files.
// They import the package by its name, as a user would: node_modules/fastify-allowed-methods here holds the
// files `npm pack` would publish (the build must be current), laid out as an install would lay them out.
// Its dependencies resolve from the project's node_modules above, as hoisted ones would. The copy stays, so
// that another TypeScript can be tried on a consumer: `npx -p typescript@5.4 tsc -p types/consumers/cjs`.
//
// The apps that differ by the TypeBox they have (typebox-0.34/, typebox-1/, no-typebox/) cannot resolve from
// the project's node_modules, which holds both TypeBoxes, nor can the package files they import, which look
// for @sinclair/typebox in every node_modules above them. Each is compiled in a fresh directory outside the
// project, whose node_modules holds the packed files and links to only the packages that app installed:
// TypeScript follows a link to where the package really lies, so the packages resolve their own dependencies
// from the project's node_modules, as installed ones would. tsc's `--listFiles` then shows that no file of a
// TypeBox the app lacks entered its program, so that a TypeBox found by another way fails the run.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

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

const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
/** Installed in every such app: the package's dependencies, its peer Fastify, and Node's types. */
const common = [...Object.keys(dependencies), 'fastify', '@types/node']
const TYPEBOX_034 = join(realpathSync(join(root, 'node_modules', '@sinclair', 'typebox')), '/')
const TYPEBOX_1 = join(realpathSync(join(root, 'node_modules', 'typebox')), '/')
/** Per app: the packages it installed, by name, each from the project's package of that name or alias. */
const apps = {
  'typebox-0.34': {
    packages: {
      '@sinclair/typebox': '@sinclair/typebox', '@fastify/type-provider-typebox': '@fastify/type-provider-typebox'
    },
    lacks: [TYPEBOX_1]
  },
  'typebox-1': {
    packages: { typebox: 'typebox', '@fastify/type-provider-typebox': 'type-provider-typebox-6' },
    lacks: [TYPEBOX_034]
  },
  'no-typebox': { packages: {}, lacks: [TYPEBOX_034, TYPEBOX_1] }
}

const scratch = mkdtempSync(join(tmpdir(), 'fastify-allowed-methods-consumers-'))
try {
  for (const [consumer, { packages, lacks }] of Object.entries(apps)) {
    const app = join(scratch, consumer)
    const modules = join(app, 'node_modules')
    cpSync(installed, join(modules, 'fastify-allowed-methods'), { recursive: true })
    const links = { ...Object.fromEntries(common.map(name => [name, name])), ...packages }
    for (const [name, from] of Object.entries(links)) {
      mkdirSync(dirname(join(modules, name)), { recursive: true })
      symlinkSync(join(root, 'node_modules', from), join(modules, name), 'junction')
    }
    for (const file of ['index.ts', 'tsconfig.json', 'package.json']) {
      cpSync(join(here, consumer, file), join(app, file))
    }
    console.log(`tsc -p types/consumers/${consumer} (in a directory of its own)`)
    const { status, stdout } = spawnSync(process.execPath, [tsc, '-p', app, '--listFiles'], { encoding: 'utf8' })
    const lines = stdout.split(/\r?\n/).filter(line => line !== '')
    const files = lines.filter(line => existsSync(line))
    for (const line of lines) if (!files.includes(line)) console.log(line)
    const found = files.filter(file => lacks.some(dir => realpathSync(file).startsWith(dir)))
    if (found.length > 0) console.log(`${consumer} has no such TypeBox, yet its program read ${found[0]}`)
    if (status !== 0 || found.length > 0) process.exitCode = 1
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
