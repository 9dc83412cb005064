// A consumer whose bundler resolves the package (`module: preserve`, `moduleResolution: bundler`), compiled
// with `skipLibCheck: false`: `import` reads the `import` condition of "exports", `import x = require()` the
// `require` one, and both name the same plugin.
import Fastify from 'fastify'
import fastifyAllowedMethods, {
  type FastifyAllowedMethodsOptions, type FastifyAllowedMethodsReply
} from 'fastify-allowed-methods'
import required = require('fastify-allowed-methods')

declare module 'fastify' {
  interface FastifyReply extends FastifyAllowedMethodsReply<'sendMethodNotAllowed'> {}
}

const options: required.FastifyAllowedMethodsOptions =
  { replyDecorator: 'sendMethodNotAllowed' } satisfies FastifyAllowedMethodsOptions
const app = Fastify()
await app.register(fastifyAllowedMethods, options)
await app.register(required, { replyDecorator: false })
// @ts-expect-error the options are typed
await app.register(required, { autoOptions: 'yes' })
app.delete('/doc', async (request, reply) => reply.sendMethodNotAllowed())
await app.ready()
export const allow: string[] = app.allowedMethods('/doc')
