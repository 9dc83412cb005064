// README.md's CORS recipe ("CORS preflights that tell the truth"), compiled under `strict`: the region below
// is the README's code block, verbatim (test/docs/readme-recipes.test.js compares them). What it leaves to the
// reader (the app, the handlers) is declared at the end.
/* eslint-disable @typescript-eslint/no-use-before-define -- the README's block comes first, imports included */
// #region README.md
import cors, { type FastifyCorsOptions } from '@fastify/cors'
import type { FastifyRequest } from 'fastify'
import fastifyAllowedMethods from 'fastify-allowed-methods'

declare module 'fastify' {
  interface FastifyContextConfig { cors?: FastifyCorsOptions | false } // @fastify/cors's route option, untyped there
}

const corsOptions: FastifyCorsOptions = { origin: 'https://app.example' }
// Every request but a preflight: an OPTIONS request goes on to the plugin's automatic answer.
const notPreflight: FastifyCorsOptions = { ...corsOptions, preflight: false }

await app.register(fastifyAllowedMethods) // first, as always
await app.register(cors, {
  delegator: async (req: FastifyRequest): Promise<FastifyCorsOptions> => {
    const method = req.headers['access-control-request-method']
    if (req.method !== 'OPTIONS' || method === undefined || req.headers.origin === undefined) return notPreflight
    const target = await req.routeConfigFor(method) // the route the call will run, or undefined
    if (target === undefined || target.cors === false) return { origin: false }
    return { ...corsOptions, methods: [method], ...target.cors }
  }
})
app.get('/users/:id', getUser)
app.put('/users/:id', updateUser)
app.put('/public/:id', { config: { cors: { origin: '*' } } }, updatePublic)
// #endregion

declare const app: import('fastify').FastifyInstance
declare const getUser: import('fastify').RouteHandlerMethod
declare const updateUser: import('fastify').RouteHandlerMethod
declare const updatePublic: import('fastify').RouteHandlerMethod
