import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fastifyAllowedMethods, { MethodNotAllowedSchema } from 'fastify-allowed-methods'

const User = Type.Object({ id: Type.Integer(), name: Type.String() })
const UserParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

/**
 * A small typed API: users, plus an admin page served only on the admin host. `plugin: false` builds the
 * same app without fastify-allowed-methods: what Fastify alone answers.
 */
export async function buildApp ({ plugin = true }: { plugin?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
  // First, so that it sees every route.
  if (plugin) await app.register(fastifyAllowedMethods, { cacheControl: 'max-age=60' })

  const users = new Map([[1, { id: 1, name: 'Ada' }]])

  app.get('/users/:id', {
    schema: { params: UserParams, response: { 200: User, 405: MethodNotAllowedSchema } }
  }, async (request, reply) => users.get(request.params.id) ?? reply.callNotFound())

  app.put('/users/:id', {
    schema: { params: UserParams, body: Type.Object({ name: Type.String() }), response: { 200: User } }
  }, async (request) => {
    const user = { id: request.params.id, name: request.body.name }
    users.set(user.id, user)
    return user
  })

  // JSON Merge Patch (RFC 7396) in a plugin of its own, whose parser serves its routes only: OPTIONS
  // /users/:id names it in Accept-Patch, next to Fastify's application/json and text/plain.
  await app.register(async (mergePatch) => {
    mergePatch.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, (request, body, done) => {
      try {
        done(null, JSON.parse(body as string))
      } catch (error) {
        done(error as Error, undefined)
      }
    })
    mergePatch.withTypeProvider<TypeBoxTypeProvider>().patch('/users/:id', {
      schema: { params: UserParams, body: Type.Partial(Type.Object({ name: Type.String() })), response: { 200: User } }
    }, async (request, reply) => {
      const user = users.get(request.params.id)
      if (user === undefined) return reply.callNotFound()
      const patched = { ...user, ...request.body }
      users.set(patched.id, patched)
      return patched
    })
  })

  app.post('/users', { schema: { body: Type.Object({ name: Type.String() }), response: { 201: User } } },
    async (request, reply) => {
      const user = { id: users.size + 1, name: request.body.name }
      users.set(user.id, user)
      return reply.code(201).send(user)
    })

  app.get('/admin', { constraints: { host: 'admin.localhost' } }, async () => ({ admin: true }))

  return app
}
