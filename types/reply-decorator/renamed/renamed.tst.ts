// Its own project (tsconfig.json here), with @fastify/sensible's types loaded: the declarations augment
// FastifyReply for every file of a project, and types/index.tst.ts checks that nothing does by default.
import { expect, test } from 'tstyche'
import Fastify, { type FastifyReply } from 'fastify'
import fastifySensible from '@fastify/sensible'
import fastifyAllowedMethods, { type FastifyAllowedMethodsReply } from 'fastify-allowed-methods'

declare module 'fastify' {
  interface FastifyReply extends FastifyAllowedMethodsReply<'sendMethodNotAllowed'> {}
}

test('beside @fastify/sensible, the renamed decorator is typed and sensible keeps its signature', () => {
  const app = Fastify()
  app.register(fastifySensible)
  app.register(fastifyAllowedMethods, { replyDecorator: 'sendMethodNotAllowed' })
  app.get('/', async (request, reply) => {
    expect(reply.sendMethodNotAllowed()).type.toBe<FastifyReply>()
    expect(reply.sendMethodNotAllowed('message')).type.toRaiseError()
    expect(reply.methodNotAllowed).type.toBe<(msg?: string) => FastifyReply>()
    expect(reply.methodNotAllowed('read-only')).type.toBe<FastifyReply>()
  })
})
