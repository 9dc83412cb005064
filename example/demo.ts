import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { buildApp } from './app.js'

// Starts the example app on 127.0.0.1, sends real HTTP requests to it and prints what comes back.
const requests: Array<{ method: string, path: string, headers?: Record<string, string>, body?: string, note: string }> = [
  { method: 'GET', path: '/users/1', note: 'a matched route: the plugin is not involved' },
  { method: 'GET', path: '/nope', note: 'unknown URL: Fastify\'s own 404' },
  { method: 'DELETE', path: '/users/1', note: 'known URL, wrong method: 405 with Allow' },
  { method: 'POST', path: '/users/1?notify=true', headers: { 'content-type': 'application/json' }, body: '{not json', note: '405 even with a malformed body (decided before parsing)' },
  { method: 'OPTIONS', path: '/users/1', note: 'automatic OPTIONS answer, with the media types PATCH takes' },
  { method: 'PATCH', path: '/users/1', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"name":"Ada L."}', note: 'one of them' },
  { method: 'HEAD', path: '/users/1', note: 'HEAD is routed (Fastify\'s automatic HEAD route)' },
  { method: 'HEAD', path: '/users', note: 'HEAD where only POST exists: 405' },
  { method: 'GET', path: '/admin', headers: { host: 'admin.localhost' }, note: 'a route constrained to the admin host' },
  { method: 'PUT', path: '/admin', headers: { host: 'admin.localhost' }, note: 'constrained route, admin host: 405' },
  { method: 'PUT', path: '/admin', note: 'same URL, another host: the admin routes do not exist here, 404' }
]

/** One real HTTP request (node:http rather than fetch, which does not let us set Host). */
function send (port: number, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number, message: string, headers: IncomingHttpHeaders, text: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, message: res.statusMessage ?? '', headers: res.headers, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const app = await buildApp()
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }
try {
  for (const { method, path, headers = {}, body, note } of requests) {
    const response = await send(port, method, path, headers, body)
    console.log(`${method} ${path}${headers.host !== undefined ? ` (Host: ${headers.host})` : ''}  # ${note}`)
    console.log(`  -> ${response.status} ${response.message}` +
      (response.headers.allow !== undefined ? `  Allow: ${response.headers.allow}` : '') +
      (response.headers['accept-patch'] !== undefined ? `  Accept-Patch: ${response.headers['accept-patch']}` : '') +
      (response.headers['cache-control'] !== undefined ? `  Cache-Control: ${response.headers['cache-control']}` : ''))
    if (response.text !== '') console.log(`     ${response.text}`)
  }
} finally {
  await app.close()
}
