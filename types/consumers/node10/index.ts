// A CommonJS consumer of the node10 era (`module: commonjs`, hence `moduleResolution: node10`, which reads the
// top-level "types" and ignores "exports"), compiled with `skipLibCheck: false`.
import Fastify = require('fastify')
import fastifyAllowedMethods = require('fastify-allowed-methods')
import type {
  FastifyAllowedMethodsOptions, FastifyAllowedMethodsReply, MethodNotAllowedBody, MethodNotAllowedError
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
  // @ts-expect-error the options are typed
  await app.register(fastifyAllowedMethods, { autoOptions: 'yes' })

  const schema = { response: { 405: fastifyAllowedMethods.MethodNotAllowedSchema } }
  app.delete('/doc', { schema, config: { allowedMethods: true } },
    async (request, reply): Promise<Fastify.FastifyReply> => reply.sendMethodNotAllowed())
  await app.ready()

  const allow: string[] = app.allowedMethods('/doc', { host: 'example.com' })
  const error: MethodNotAllowedError = new fastifyAllowedMethods.MethodNotAllowedError('DELETE', '/doc', allow)
  const { statusCode, code, message } = error
  const body: MethodNotAllowedBody = { statusCode, code, error: 'Method Not Allowed', message }
  // @ts-expect-error the body type is the schema's
  const wrong: MethodNotAllowedBody = { ...body, statusCode: 404 }
  console.log(wrong)
}

export = main
