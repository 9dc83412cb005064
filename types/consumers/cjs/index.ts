// A CommonJS consumer ("type": "commonjs", `module: node16`), compiled with `skipLibCheck: false`: what a
// user's app sees through the package's "exports" (the `require` condition), in each import form node16
// allows from CommonJS.
import Fastify = require('fastify')
import fastifyAllowedMethods = require('fastify-allowed-methods')
import asDefault from 'fastify-allowed-methods'
import {
  fastifyAllowedMethods as named,
  MethodNotAllowedError,
  type FastifyAllowedMethodsOptions,
  type FastifyAllowedMethodsReply,
  type MethodNotAllowedBody
} from 'fastify-allowed-methods'

declare module 'fastify' {
  interface FastifyReply extends FastifyAllowedMethodsReply<'sendMethodNotAllowed'> {}
}

async function main (): Promise<void> {
  const options: FastifyAllowedMethodsOptions = { replyDecorator: 'sendMethodNotAllowed', cacheControl: 'no-store' }
  const app = Fastify()
  await app.register(fastifyAllowedMethods, options)
  await app.register(fastifyAllowedMethods.default, { replyDecorator: false })
  await app.register(fastifyAllowedMethods.fastifyAllowedMethods)
  await app.register(asDefault)
  await app.register(named)
  // @ts-expect-error the options are typed
  await app.register(fastifyAllowedMethods, { autoOptions: 'yes' })

  const schema = { response: { 405: fastifyAllowedMethods.MethodNotAllowedSchema } }
  app.delete('/doc', { schema, config: { allowedMethods: true } },
    async (request, reply): Promise<Fastify.FastifyReply> => reply.sendMethodNotAllowed())
  await app.ready()

  const allow: string[] = app.allowedMethods('/doc', { host: 'example.com' })
  const error: MethodNotAllowedError = new MethodNotAllowedError('DELETE', '/doc', allow)
  const { statusCode, code, message } = error
  const body: fastifyAllowedMethods.MethodNotAllowedBody = { statusCode, code, error: 'Method Not Allowed', message }
  // @ts-expect-error the body type is the schema's
  const wrong: MethodNotAllowedBody = { ...body, statusCode: 404 }
  console.log(wrong)
}

export = main
