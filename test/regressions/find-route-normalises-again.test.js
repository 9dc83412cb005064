import { test } from 'node:test'
import { createRequire } from 'node:module'
import { findRoutePath, matchingOptionsOf, patternVariants } from '../../dist/internals/find-my-way.js'

// find-my-way 9.10.2 made `findRoute()` normalise its path as `on()` does. The registry gave it patterns it
// had normalised already, and normalising twice turned `/a//` into `/a` under ignoreTrailingSlash: the route
// was taken for one Fastify refused, and POST /a// got 404 instead of 405. The path given to findRoute()
// must find every pattern `on()` stored, whichever find-my-way Fastify loads (the lockfile's, and the newest
// in `npm run test:compat`).

const require = createRequire(import.meta.url)
const FindMyWay = createRequire(require.resolve('fastify'))('find-my-way')
const lookupPath = findRoutePath(FindMyWay)

test('findRoute() finds every pattern on() stored, through the path the registry gives it', (t) => {
  const urls = ['/a//', '/a/', '//a', '/a//b/', '/a/:id', '/a/:id?', '*', '/*', '/', '/a/*']
  const optionSets = [{}, { ignoreTrailingSlash: true }, { ignoreDuplicateSlashes: true },
    { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true }]
  let checked = 0
  for (const options of optionSets) {
    for (const url of urls) {
      const router = FindMyWay(options)
      router.on('GET', url, () => {})
      for (const variant of patternVariants(url, matchingOptionsOf(router))) {
        t.assert.notStrictEqual(router.findRoute('GET', lookupPath(variant)),
          null, `${url} with ${JSON.stringify(options)}`)
        checked++
      }
    }
  }
  t.assert.ok(checked >= urls.length * optionSets.length)
})
