// An ES module consumer ("type": "module", `module: nodenext`), compiled with `skipLibCheck: false`: what a
// user's app sees through the package's "exports" (the `import` condition).
import Fastify, { type FastifyReply } from 'fastify'
import fastifyAllowedMethods, {
  fastifyAllowedMethods as named,
  MethodNotAllowedError,
  MethodNotAllowedSchema,
  type FastifyAllowedMethodsOptions,
  type FastifyAllowedMethodsReply,
  type MethodNotAllowedBody
} from 'fastify-allowed-methods'

declare module 'fastify' {
  interface FastifyReply extends FastifyAllowedMethodsReply<'sendMethodNotAllowed'> {}
}

const options: FastifyAllowedMethodsOptions = { replyDecorator: 'sendMethodNotAllowed', cacheControl: 'no-store' }
const app = Fastify()
await app.register(fastifyAllowedMethods, options)
await app.register(named, { replyDecorator: false })
// @ts-expect-error the options are typed
await app.register(fastifyAllowedMethods, { autoOptions: 'yes' })

app.delete('/doc', { schema: { response: { 405: MethodNotAllowedSchema } }, config: { allowedMethods: true } },
  async (request, reply): Promise<FastifyReply> => reply.sendMethodNotAllowed())
await app.ready()

const allow: string[] = app.allowedMethods('/doc', { host: 'example.com' })
const error: MethodNotAllowedError = new MethodNotAllowedError('DELETE', '/doc', allow)
const { statusCode, code, message } = error
const body: MethodNotAllowedBody = { statusCode, code, error: 'Method Not Allowed', message }
// @ts-expect-error the body type is the schema's
const wrong: MethodNotAllowedBody = { ...body, statusCode: 404 }
export { wrong }
