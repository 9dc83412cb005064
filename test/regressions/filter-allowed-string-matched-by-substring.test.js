import { test } from 'node:test'
import { appWith, ok } from '../support/with-plugin.js'

// A filterAllowed returning 'TARGET' was matched by substring ('TARGET'.includes('GET')), so that a 405
// said `Allow: GET`; other values that are not an array of strings were not refused either.
const bad = [
  ['TARGET', '"TARGET"'],
  [42, '42'],
  [{ 0: 'GET', length: 1 }, '{"0":"GET","length":1}'],
  [['GET', 1], '["GET",1]'],
  [undefined, 'undefined'],
  [null, 'null'],
  [1n, 'bigint']
]

const message = (shown) => 'fastify-allowed-methods: option "filterAllowed" must return an array of method names ' +
  `(or a Promise of one), got ${shown}`

const routes = (app) => {
  app.get('/doc', ok)
  app.put('/doc', async (request, reply) => reply.methodNotAllowed())
  app.patch('/doc', async (request) => request.allowedMethods())
}

// Every place filterAllowed narrows an Allow: the 405, automatic and described OPTIONS, reply.methodNotAllowed(),
// request.allowedMethods(); allowOnSuccess below.
const requests = [
  ['POST', {}],
  ['OPTIONS', {}],
  ['OPTIONS', { accept: 'application/json' }],
  ['PUT', {}],
  ['PATCH', {}]
]

async function refused (t, app, method, headers, shown, why) {
  const response = await app.inject({ method, url: '/doc', headers })
  t.assert.strictEqual(response.statusCode, 500, why)
  t.assert.strictEqual(response.json().message, message(shown), why)
  t.assert.strictEqual(response.headers.allow, undefined, why)
}

test('a filterAllowed value not an array of strings is an error naming the option, never a match', async (t) => {
  for (const [value, shown] of bad) {
    for (const [kind, filterAllowed] of [['sync', () => value], ['async', async () => value]]) {
      const app = await appWith(routes, { pluginOptions: { filterAllowed, describeOptions: true } })
      for (const [method, headers] of requests) {
        await refused(t, app, method, headers, shown, `${kind} ${shown}: ${method} ${JSON.stringify(headers)}`)
      }
      const onSuccess = await appWith(routes, { pluginOptions: { filterAllowed, allowOnSuccess: true } })
      await refused(t, onSuccess, 'GET', {}, shown, `${kind} ${shown}: allowOnSuccess`)
    }
  }
})

test('strings that are not methods of the answer are simply not kept', async (t) => {
  const app = await appWith(routes, { pluginOptions: { filterAllowed: () => ['TARGET', 'get'] } })
  const response = await app.inject({ method: 'POST', url: '/doc' })
  t.assert.deepStrictEqual([response.statusCode, response.headers.allow], [405, ''])
  t.assert.deepStrictEqual((await app.inject({ method: 'PATCH', url: '/doc' })).json(), [])
})
