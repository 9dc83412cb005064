// An app with @sinclair/typebox 0.34 and @fastify/type-provider-typebox 5, and no typebox 1, compiled with
// `skipLibCheck: false`: TypeBox infers the bodies from the exported schemas, and the type provider types a
// route's 405 by them. Each `@ts-expect-error` fails the compilation if the type it expects is lost.
import Fastify from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fastifyAllowedMethods, {
  MethodNotAllowedProblemSchema, MethodNotAllowedSchema, type MethodNotAllowedBody, type MethodNotAllowedProblem
} from 'fastify-allowed-methods'

const body: Static<typeof MethodNotAllowedSchema> =
  { statusCode: 405, code: 'FST_ERR_METHOD_NOT_ALLOWED', error: 'Method Not Allowed', message: 'no' }
const same: MethodNotAllowedBody = body
// @ts-expect-error the body type is the schema's
const wrong: Static<typeof MethodNotAllowedSchema> = { ...body, statusCode: 404 }

const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
await app.register(fastifyAllowedMethods)
app.get('/items/:id', {
  schema: {
    params: Type.Object({ id: Type.Integer() }),
    response: { 200: Type.Object({ id: Type.Integer() }), 405: MethodNotAllowedSchema }
  }
}, async (request, reply) => {
  // @ts-expect-error the 405 body is typed by its schema
  if (request.params.id < 0) return reply.code(405).send({ ...body, statusCode: 404 })
  if (request.params.id === 0) return reply.code(405).send(body)
  return { id: request.params.id }
})

// The problem details schema composes in TypeBox's own builders.
const Reply = Type.Object({ problem: Type.Optional(MethodNotAllowedProblemSchema) })
app.get('/problem', { schema: { response: { 200: Reply } } }, async () => {
  const reply: Static<typeof Reply> = {}
  const problem: MethodNotAllowedProblem | undefined = reply.problem
  return { problem }
})
export { same, wrong }
