import { test } from 'node:test'
import Fastify from 'fastify'
import fastifyAllowedMethods from '../../dist/index.js'

// The MCP endpoint of the README's Guards section, served with `guards: 'none'` (the README's own recipe returns
// early on `request.is404` instead; test/plugin/resource-guards.test.js runs it).
// An MCP server over Streamable HTTP that offers no SSE stream must answer GET with 405 (MCP specification,
// "Transports", Streamable HTTP: "or else return HTTP 405 Method Not Allowed"), to every client, signed in or
// not: `guards: 'none'` answers it before the bearer-token check, which still guards POST and DELETE.
async function mcpServer (guards = 'none') {
  const app = Fastify()
  await app.register(fastifyAllowedMethods, { guards })
  await app.register(async (mcp) => {
    mcp.addHook('onRequest', async (request) => {
      if (request.headers.authorization !== 'Bearer secret-token') {
        throw Object.assign(new Error('Missing or invalid access token'), {
          statusCode: 401, headers: { 'www-authenticate': 'Bearer' }
        })
      }
    })
    mcp.post('/mcp', async (request) => ({ jsonrpc: '2.0', id: request.body.id, result: {} }))
    mcp.delete('/mcp', async (request, reply) => reply.code(204).send()) // the client ends its session
  })
  return app
}

const token = { authorization: 'Bearer secret-token' }
const ping = { jsonrpc: '2.0', id: 1, method: 'ping' }

test("with guards: 'none', GET /mcp gets 405 with Allow whoever asks, and POST keeps its 401", async (t) => {
  const app = await mcpServer()
  t.after(() => app.close())
  for (const headers of [{}, token]) {
    const get = await app.inject({ method: 'GET', url: '/mcp', headers })
    const seen = [get.statusCode, get.headers.allow, get.headers['www-authenticate']]
    t.assert.deepStrictEqual(seen, [405, 'DELETE, OPTIONS, POST', undefined], JSON.stringify(headers))
  }
  // The Allow of the README is the one the plugin computes for the URL.
  t.assert.strictEqual(app.allowedMethods('/mcp').join(', '), 'DELETE, OPTIONS, POST')
  for (const method of ['POST', 'DELETE']) {
    const refused = await app.inject({ method, url: '/mcp', payload: method === 'POST' ? ping : undefined })
    t.assert.deepStrictEqual([refused.statusCode, refused.headers['www-authenticate'], refused.json().message],
      [401, 'Bearer', 'Missing or invalid access token'], method)
  }
  const answered = await app.inject({ method: 'POST', url: '/mcp', headers: token, payload: ping })
  t.assert.deepStrictEqual([answered.statusCode, answered.json()], [200, { jsonrpc: '2.0', id: 1, result: {} }])
  const ended = await app.inject({ method: 'DELETE', url: '/mcp', headers: token })
  t.assert.strictEqual(ended.statusCode, 204)
})

test("with the default guards, an anonymous GET /mcp gets the 401: why the recipe sets guards: 'none'", async (t) => {
  const app = await mcpServer('resource')
  t.after(() => app.close())
  const get = await app.inject({ method: 'GET', url: '/mcp' })
  const seen = [get.statusCode, get.headers['www-authenticate'], get.headers.allow]
  t.assert.deepStrictEqual(seen, [401, 'Bearer', undefined])
  const signedIn = await app.inject({ method: 'GET', url: '/mcp', headers: token })
  t.assert.deepStrictEqual([signedIn.statusCode, signedIn.headers.allow], [405, 'DELETE, OPTIONS, POST'])
})
