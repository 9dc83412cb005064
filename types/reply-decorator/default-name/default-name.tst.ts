// Its own project (tsconfig.json here): the declaration below augments FastifyReply for every file of a
// project, and types/index.tst.ts checks that nothing does by default.
import { expect, test } from 'tstyche'
import Fastify, { type FastifyReply } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fastifyAllowedMethods, { MethodNotAllowedSchema, type FastifyAllowedMethodsReply } from 'fastify-allowed-methods'

declare module 'fastify' {
  interface FastifyReply extends FastifyAllowedMethodsReply {}
}

test('declared under the default name, reply.methodNotAllowed() is typed', () => {
  const app = Fastify()
  app.register(fastifyAllowedMethods)
  app.get('/', async (request, reply) => {
    expect(reply.methodNotAllowed()).type.toBe<FastifyReply>()
    expect(reply.methodNotAllowed('message')).type.toRaiseError()
  })
})

test('a typed route of @fastify/type-provider-typebox may return it', () => {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
  app.register(fastifyAllowedMethods)
  app.get('/items/:id', {
    schema: {
      params: Type.Object({ id: Type.Integer() }),
      response: { 200: Type.Object({ id: Type.Integer() }), 405: MethodNotAllowedSchema }
    }
  }, async (request, reply) => {
    if (request.params.id < 0) return reply.methodNotAllowed()
    return { id: request.params.id }
  })
})
