/** Fastify's default 404 body for a request it did not route (raw method and URL, query string included). */
export const notFoundBody = (method, url) =>
  ({ message: `Route ${method}:${url} not found`, error: 'Not Found', statusCode: 404 })

/** The 405 body Fastify's default error handler sends for the plugin's error. */
export const methodNotAllowedBody = (method, url) => ({
  statusCode: 405,
  code: 'FST_ERR_METHOD_NOT_ALLOWED',
  error: 'Method Not Allowed',
  message: `Method ${method} is not allowed for ${url}`
})

/** The 501 body Fastify's default error handler sends for the plugin's error. */
export const notImplementedBody = (method) => ({
  statusCode: 501,
  code: 'FST_ERR_NOT_IMPLEMENTED',
  error: 'Not Implemented',
  message: `Method ${method} is not implemented by this server`
})

/** Response headers without the ones that change per request (date), for comparing two apps' answers. */
export function stableHeaders (headers) {
  const { date, ...rest } = headers
  return rest
}
