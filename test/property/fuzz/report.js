// Reporting a mismatch the check found: a readable account, and a standalone script that reproduces it.

import { makeGuard } from './build-app.js'
import { rawUrl } from './requests.js'

const guardCall = (guard) => `makeGuard(${JSON.stringify(guard)})`
// The guards that ran, as build-app.js `makeGuard` records them.
const GUARDS_RAN = ", 'guards ran:', response.raw.req.guardsRan"

/** A standalone script reproducing a mismatch, to paste into a file next to package.json. */
function reproScript (details) {
  const { app, request, dropped = [] } = details
  const lines = [
    "import Fastify from 'fastify'",
    "import fastifyAllowedMethods from './dist/index.js'",
    '',
    `const app = Fastify(${JSON.stringify(app.fastify)})`,
    `await app.register(fastifyAllowedMethods, ${JSON.stringify(app.plugin)})`,
    "const handler = (request, reply) => reply.send(request.routeOptions.method + ' ' + request.routeOptions.url)"
  ]
  const guarded = JSON.stringify(app.routes).includes('"guard":')
  if (guarded) lines.push(makeGuard.toString())
  let index = 0
  const routeLine = (instance, route, indent) => {
    const message = dropped[index++]
    const { guard, ...options } = route
    const hook = guard === undefined ? '' : `, ${guard.hook}: ${guardCall(guard)}`
    const call = `${instance}.route(${JSON.stringify(options).slice(0, -1)}${hook}, handler })`
    return message === null || message === undefined
      ? `${indent}${call}`
      : `${indent}try { ${call} } catch {} // throws: ${message}`
  }
  for (const item of app.routes) {
    if (item.routes === undefined) {
      lines.push(routeLine('app', item, ''))
    } else {
      lines.push('await app.register(async (child) => {')
      if (item.guard !== undefined) lines.push(`  child.addHook('${item.guard.hook}', ${guardCall(item.guard)})`)
      for (const route of item.routes) lines.push(routeLine('child', route, '  '))
      lines.push(`}${item.prefix === undefined ? '' : `, { prefix: ${JSON.stringify(item.prefix)} }`})`)
    }
  }
  lines.push('await app.ready()')
  if (request !== undefined) {
    const method = details.method ?? 'GET'
    lines.push(
      `const response = await app.inject({ method: '${method}', url: ${JSON.stringify(request.url)}, ` +
        `headers: ${JSON.stringify(request.headers)} })`,
      `console.log(response.statusCode, response.headers.allow, response.body${guarded ? GUARDS_RAN : ''})`
    )
    const constraints = {}
    if (request.headers.host !== undefined) constraints.host = request.headers.host
    if (request.headers['accept-version'] !== undefined) constraints.version = request.headers['accept-version']
    const url = JSON.stringify(rawUrl(request.url))
    lines.push(`console.log(app.allowedMethods(${url}, ${JSON.stringify(constraints)}))`)
  }
  return lines.join('\n')
}

/** A readable account of a mismatch: what was expected, what came, the oracle's answers, the repro. */
export function describeMismatch (error) {
  const { details } = error
  if (details === undefined) return String(error.stack ?? error)
  const out = [`Mismatch: ${error.message}`]
  if (details.request !== undefined) {
    out.push(`request: ${details.method ?? '(allowedMethods)'} ${JSON.stringify(details.request.url)} ` +
      `headers ${JSON.stringify(details.request.headers)}`)
  }
  if (details.expected !== undefined) out.push(`expected: ${details.expected}`, `got:      ${details.got}`)
  if (details.oracle !== undefined) out.push(`oracle (no plugin): ${details.oracle}`)
  out.push('app:', JSON.stringify(details.app, null, 2), '',
    'reproduction (node --input-type=module < repro.js):', reproScript(details))
  return out.join('\n')
}
