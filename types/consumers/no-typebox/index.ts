// An app with no TypeBox at all, compiled with `skipLibCheck: false`: the declarations, which name
// @sinclair/typebox's `Kind` when the app has it, compile without it, and the exported schemas are JSON
// Schema for the route's documentation, with the body types beside them.
import Fastify from 'fastify'
import fastifyAllowedMethods, {
  MethodNotAllowedSchema, OptionsDescriptionSchema, type MethodNotAllowedBody
} from 'fastify-allowed-methods'

const app = Fastify()
await app.register(fastifyAllowedMethods, { describeOptions: true })
app.delete('/doc', { schema: { response: { 405: MethodNotAllowedSchema } } }, async () => 'gone')
app.options('/described', { schema: { response: { 200: OptionsDescriptionSchema } } }, async () => ({}))

const statusCode: 405 = MethodNotAllowedSchema.properties.statusCode.const
const body: MethodNotAllowedBody =
  { statusCode, code: 'FST_ERR_METHOD_NOT_ALLOWED', error: 'Method Not Allowed', message: 'no' }
// @ts-expect-error the body type is the schema's
const wrong: MethodNotAllowedBody = { ...body, statusCode: 404 }
export { wrong }
