// One run of the differential property, shared by test/property/differential.test.js (a few seeded runs in
// `npm test`) and test/property/fuzz/run.js (`npm run fuzz`, many random runs): a random app and the requests sent
// to it, made concrete and checked against Fastify itself as the oracle.

import fc from 'fast-check'
import { appArb } from './app-arbitraries.js'
import { concretise } from './concretise.js'
import { concreteRequest, requestArb } from './requests.js'
import { checkApp } from './check-app.js'

/** One property run: an app and the requests sent to it. */
export const caseArb = fc.record({
  app: appArb,
  requests: fc.array(requestArb, { minLength: 1, maxLength: 8 })
})

/** The same, every app compiling its router (`routerOptions.compile`, Fastify >= 5.12.8). */
export const compiledCaseArb = caseArb.map(({ app, requests }) =>
  ({ app: { ...app, router: { ...app.router, compile: { value: true, where: 'router' } } }, requests }))

/** One property run: the abstract case made concrete, then checked (see checkApp). */
export async function checkCase ({ app, requests }) {
  const { app: concrete, shapes } = concretise(app)
  return checkApp(concrete, requests.map(request => concreteRequest(shapes, request)))
}
