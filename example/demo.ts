import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'

// Starts the example app twice on 127.0.0.1, without the plugin (what Fastify alone answers) and with it,
// sends each request to both over real HTTP and prints the two answers side by side.
interface DemoRequest { method: string, path: string, headers?: Record<string, string>, body?: string, note: string }
const requests: DemoRequest[] = [
  { method: 'GET', path: '/users/1', note: 'a matched route: the plugin is not involved' },
  { method: 'GET', path: '/nope', note: 'unknown URL: Fastify\'s own 404' },
  { method: 'DELETE', path: '/users/1', note: 'known URL, wrong method: 405 with Allow' },
  {
    method: 'POST',
    path: '/users/1?notify=true',
    headers: { 'content-type': 'application/json' },
    body: '{not json',
    note: '405 even with a malformed body (decided before parsing)'
  },
  { method: 'OPTIONS', path: '/users/1', note: 'automatic OPTIONS answer, with the media types PATCH takes' },
  {
    method: 'PATCH',
    path: '/users/1',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: '{"name":"Ada L."}',
    note: 'one of them'
  },
  { method: 'HEAD', path: '/users/1', note: 'HEAD is routed (Fastify\'s automatic HEAD route)' },
  { method: 'HEAD', path: '/users', note: 'HEAD where only POST exists: 405' },
  {
    method: 'GET',
    path: '/admin',
    headers: { host: 'admin.localhost' },
    note: 'a route constrained to the admin host'
  },
  { method: 'PUT', path: '/admin', headers: { host: 'admin.localhost' }, note: 'constrained route, admin host: 405' },
  { method: 'PUT', path: '/admin', note: 'same URL, another host: the admin routes do not exist here, 404' }
]

interface Response { status: number, message: string, headers: IncomingHttpHeaders, text: string }

/** One real HTTP request (node:http rather than fetch, which does not let us set Host). */
function send (
  port: number, method: string, path: string, headers: Record<string, string>, body?: string
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, message: res.statusMessage ?? '', headers: res.headers, text })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const SHOWN_HEADERS = ['allow', 'accept-patch', 'cache-control'] as const
const LABEL = { alone: 'Fastify alone:  ', plugin: 'with the plugin:' }

/** A response in two lines at most: status and the headers the plugin sets, then the body, if any. */
function describe (label: string, response: Response): string {
  const headers = SHOWN_HEADERS.filter(name => response.headers[name] !== undefined)
    .map(name => `  ${name}: ${String(response.headers[name])}`).join('')
  const body = response.text === '' ? '' : `\n${' '.repeat(label.length + 3)}${response.text}`
  return `  ${label} ${response.status} ${response.message}${headers}${body}`
}

async function listening (app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as { port: number }).port
}

const alone = await buildApp({ plugin: false })
const withPlugin = await buildApp()
try {
  const ports = { alone: await listening(alone), plugin: await listening(withPlugin) }
  for (const { method, path, headers = {}, body, note } of requests) {
    console.log(`${method} ${path}${headers.host !== undefined ? ` (Host: ${headers.host})` : ''}  # ${note}`)
    if (body !== undefined) console.log(`  request body (${headers['content-type'] ?? 'no content type'}): ${body}`)
    // Requests that change state (PATCH) go to both apps: each has its own users.
    console.log(describe(LABEL.alone, await send(ports.alone, method, path, headers, body)))
    console.log(describe(LABEL.plugin, await send(ports.plugin, method, path, headers, body)))
  }
} finally {
  await Promise.all([alone.close(), withPlugin.close()])
}
