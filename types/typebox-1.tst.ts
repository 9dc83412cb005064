// The exported schemas under typebox 1 (the package `typebox`) and @fastify/type-provider-typebox 6, which
// uses it: the same static types as under @sinclair/typebox 0.34 and provider 5 (index.tst.ts), though the
// plugin installs neither TypeBox.
import { expect, test } from 'tstyche'
import Fastify from 'fastify'
import { Type, type Static, type TSchema } from 'typebox'
import type { TypeBoxTypeProvider } from 'type-provider-typebox-6'
import type { Static as Static034 } from '@sinclair/typebox'
import fastifyAllowedMethods, {
  MethodNotAllowedSchema,
  NotImplementedSchema,
  MethodNotAllowedProblemSchema,
  NotImplementedProblemSchema,
  OptionsDescriptionSchema,
  MethodDescriptionSchema,
  OptionsSchema,
  type MethodNotAllowedBody,
  type NotImplementedBody,
  type MethodNotAllowedProblem,
  type NotImplementedProblem,
  type MethodDescription,
  type OptionsDescription
} from 'fastify-allowed-methods'

/** The type typebox 1 infers from `schema`. */
declare function staticOf<T extends TSchema> (schema: T): Static<T>

test('typebox 1 infers the types the plugin exports', () => {
  expect<Static<typeof MethodNotAllowedSchema>>().type.toBe<MethodNotAllowedBody>()
  expect<Static<typeof NotImplementedSchema>>().type.toBe<NotImplementedBody>()
  expect<Static<typeof MethodNotAllowedProblemSchema>>().type.toBe<MethodNotAllowedProblem>()
  expect<Static<typeof NotImplementedProblemSchema>>().type.toBe<NotImplementedProblem>()
  expect<Static<typeof MethodDescriptionSchema>>().type.toBe<MethodDescription>()
  expect<Static<typeof OptionsDescriptionSchema>>().type.toBe<OptionsDescription>()
  expect<Static<typeof MethodNotAllowedSchema>['statusCode']>().type.toBe<405>()
  expect<Static<typeof OptionsSchema>>().type.toBe<Static034<typeof OptionsSchema>>()
  expect<Static<typeof OptionsDescriptionSchema>>().type.toBe<Static034<typeof OptionsDescriptionSchema>>()
  expect<Static<typeof OptionsSchema>['guards']>().type.toBe<'resource' | 'not-found' | 'none' | undefined>()
})

test('works with typed routes of @fastify/type-provider-typebox 6, and documents the 405', () => {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
  app.register(fastifyAllowedMethods)
  app.get('/items/:id', {
    schema: {
      params: Type.Object({ id: Type.Integer() }),
      response: { 200: Type.Object({ id: Type.Integer() }), 405: MethodNotAllowedSchema }
    },
    config: { allowedMethods: true }
  }, async (request, reply) => {
    expect(request.params.id).type.toBe<number>()
    const body = { code: 'FST_ERR_METHOD_NOT_ALLOWED', error: 'Method Not Allowed', message: 'no' } as const
    expect(reply.code(405).send({ ...body, statusCode: 404 })).type.toRaiseError()
    if (request.params.id < 0) return reply.code(405).send({ ...body, statusCode: 405 })
    return { id: request.params.id }
  })
})

test('composes in typebox 1\'s own builders', () => {
  const Reply = Type.Object({ problem: Type.Optional(MethodNotAllowedProblemSchema), id: Type.Integer() })
  expect(staticOf(Reply)).type.toBe<{ problem?: MethodNotAllowedProblem, id: number }>()
})
