import { expect, test } from 'tstyche'
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyPluginAsync } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fastifyAllowedMethods, {
  fastifyAllowedMethods as named,
  MethodNotAllowedError,
  MethodNotAllowedSchema,
  NotImplementedSchema,
  MethodNotAllowedProblemSchema,
  NotImplementedProblemSchema,
  type MethodNotAllowedProblem,
  type NotImplementedProblem,
  type FastifyAllowedMethodsOptions,
  type FastifyAllowedMethodsReply,
  type MethodNotAllowedBody,
  type MethodDescription,
  type OptionsDescription
} from 'fastify-allowed-methods'

test('the default and the named export are the same plugin', () => {
  expect(named).type.toBe(fastifyAllowedMethods)
  expect(fastifyAllowedMethods).type.toBeAssignableTo<FastifyPluginAsync<FastifyAllowedMethodsOptions>>()
})

test('register() checks the options', () => {
  const app = Fastify()
  expect(app.register(fastifyAllowedMethods)).type.not.toRaiseError()
  expect(app.register(fastifyAllowedMethods, {
    autoOptions: false,
    optionsStatus: 204,
    notImplemented: true,
    cacheControl: 'max-age=60',
    notFound: (request, reply) => reply.code(404).send('nope'),
    filterAllowed: (request, methods) => request.headers['x-role'] === 'admin' ? methods : ['GET'],
    includeRoute: (route) => route.url !== '/*',
    describeOptions: true,
    allowOnSuccess: true,
    replyDecorator: 'sendMethodNotAllowed',
    problemDetails: true,
    requestMediaTypes: false,
    guards: 'not-found',
    lazy: true
  })).type.not.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { replyDecorator: false })).type.not.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { replyDecorator: true })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { autoOptions: 'yes' })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { optionsStatus: 200 })).type.not.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { optionsStatus: 201 })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { optionsStatus: '204' })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { problemDetails: 'yes' })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { requestMediaTypes: 'yes' })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { lazy: 'yes' })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { guards: 'none' })).type.not.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { guards: 'route' })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { cacheControl: 60 })).type.toRaiseError()
  expect(app.register(fastifyAllowedMethods, { filterAllowed: (request: FastifyRequest) => 'GET' })).type.toRaiseError()
})

test('the callbacks get typed arguments', () => {
  const options: FastifyAllowedMethodsOptions = {
    filterAllowed: (request, methods) => {
      expect(request).type.toBe<FastifyRequest>()
      expect(methods).type.toBe<readonly string[]>()
      return methods
    },
    notFound: (request, reply) => {
      expect(reply).type.toBe<FastifyReply>()
    }
  }
  expect(options).type.toBe<FastifyAllowedMethodsOptions>()
})

test('the instance decorator', () => {
  const app = Fastify()
  expect(app.allowedMethods('/users/1')).type.toBe<string[]>()
  expect(app.allowedMethods('/users/1', { host: 'example.com', version: '1.0.0' })).type.toBe<string[]>()
  expect(app.allowedMethods(1)).type.toRaiseError()
})

test('the request decorator: methods at once or a Promise, awaited either way', () => {
  const app = Fastify()
  app.get('/a', async (request) => {
    expect(request.allowedMethods()).type.toBe<readonly string[] | Promise<readonly string[]>>()
    expect(await request.allowedMethods()).type.toBe<readonly string[]>()
    expect(request.allowedMethods('/other')).type.toRaiseError()
    return 'a'
  })
})

test('request.routeConfigFor(method): the config request.routeOptions.config would be, or undefined', () => {
  const app = Fastify()
  app.get('/a', async (request) => {
    type Config = FastifyRequest['routeOptions']['config']
    expect(request.routeConfigFor('PUT')).type.toBe<Config | undefined | Promise<Config | undefined>>()
    const config = await request.routeConfigFor('PUT')
    expect(config?.allowedMethods).type.toBe<boolean | undefined>()
    expect(config?.url).type.toBe<string | undefined>()
    expect(request.routeConfigFor()).type.toRaiseError()
    expect(request.routeConfigFor(1)).type.toRaiseError()
    return 'a'
  })
})

test('the resource pattern is a string or undefined, at once, in the hooks where metrics and tracers label', () => {
  const app = Fastify()
  app.addHook('onResponse', async (request) => {
    expect(request.resourcePattern()).type.toBe<string | undefined>()
    expect(request.resourcePattern('/other')).type.toRaiseError()
    // fastify-metrics' `getRouteLabel` returns a string at once.
    const label: string = request.routeOptions.url ?? request.resourcePattern() ?? '__unknown__'
    expect(label).type.toBe<string>()
  })
  app.addHook('onSend', async (request, reply, payload) => {
    expect(request.resourcePattern()).type.not.toBeAssignableTo<Promise<unknown>>()
    return payload
  })
})

test('the reply decorator is typed only where the app declares it (see reply-decorator/)', () => {
  const app = Fastify()
  app.get('/', async (request, reply) => {
    expect(reply).type.not.toHaveProperty('methodNotAllowed')
    expect(reply).type.not.toHaveProperty('sendMethodNotAllowed')
  })
  expect<FastifyAllowedMethodsReply>().type.toBe<{ methodNotAllowed: () => FastifyReply }>()
  expect<FastifyAllowedMethodsReply<'sendMethodNotAllowed'>>().type.toBe<{ sendMethodNotAllowed: () => FastifyReply }>()
  expect<FastifyAllowedMethodsReply<false>>().type.toRaiseError()
})

test('the per-route opt-out is typed in route config', () => {
  const app = Fastify()
  expect(app.get('/a', { config: { allowedMethods: false } }, async () => 'a')).type.not.toRaiseError()
  expect(app.get('/a', { config: { allowedMethods: 'no' } }, async () => 'a')).type.toRaiseError()
})

test('works with typed routes of @fastify/type-provider-typebox, and documents the 405', () => {
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

test('the exported schemas and error', () => {
  expect<Static<typeof MethodNotAllowedSchema>>().type.toBe<MethodNotAllowedBody>()
  expect<MethodNotAllowedBody>().type.toBe<{
    statusCode: 405, code: 'FST_ERR_METHOD_NOT_ALLOWED', error: 'Method Not Allowed', message: string
  }>()
  expect<Static<typeof NotImplementedSchema>['statusCode']>().type.toBe<501>()
  expect(new MethodNotAllowedError('POST', '/a', ['GET']).allowedMethods).type.toBe<string[]>()
  expect(new MethodNotAllowedError('POST', '/a', ['GET']).statusCode).type.toBe<405>()
})

test('the problem details schemas', () => {
  expect<Static<typeof MethodNotAllowedProblemSchema>>().type.toBe<MethodNotAllowedProblem>()
  expect<MethodNotAllowedProblem>().type.toBe<{
    type: 'https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6',
    title: 'Method Not Allowed',
    status: 405,
    detail: string,
    instance: string,
    allowedMethods: string[]
  }>()
  expect<Static<typeof NotImplementedProblemSchema>>().type.toBe<NotImplementedProblem>()
  expect<NotImplementedProblem['status']>().type.toBe<501>()
})

test('the described OPTIONS body: accepts, the media types of a method', () => {
  expect<MethodDescription['accepts']>().type.toBe<string[] | undefined>()
  expect<OptionsDescription['methods']>().type.toBe<Record<string, MethodDescription>>()
})
