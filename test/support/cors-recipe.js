/**
 * README.md's CORS recipe ("CORS preflights that tell the truth"), as written there but for its types
 * (types/cors-recipe.tst.ts compiles the README's text): @fastify/cors's options for `corsOptions`, answering
 * each preflight as the route the call will run. The tests and the benchmarks run this one copy.
 */
export function corsRecipe (corsOptions) {
  // Every request but a preflight: an OPTIONS request goes on to the plugin's automatic answer.
  const notPreflight = { ...corsOptions, preflight: false }
  return {
    delegator: async (req) => {
      const method = req.headers['access-control-request-method']
      if (req.method !== 'OPTIONS' || method === undefined || req.headers.origin === undefined) return notPreflight
      const target = await req.routeConfigFor(method) // the route the call will run, or undefined
      if (target === undefined || target.cors === false) return { origin: false }
      return { ...corsOptions, methods: [method], ...target.cors }
    }
  }
}
