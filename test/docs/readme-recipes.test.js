// README.md's TypeScript recipes are compiled under `strict` by tstyche: each is a region of a types/*.tst.ts
// file, between `// #region README.md` and `// #endregion`. Both must stay the same text.
import { test } from 'node:test'
import { readFileSync, readdirSync } from 'node:fs'

const root = new URL('../../', import.meta.url)
const readme = readFileSync(new URL('README.md', root), 'utf8')
const regions = readdirSync(new URL('types/', root)).filter(file => file.endsWith('.tst.ts')).flatMap(file => {
  const text = readFileSync(new URL(`types/${file}`, root), 'utf8')
  const marked = text.matchAll(/^\/\/ #region README\.md\n([\s\S]*?)^\/\/ #endregion$/gm)
  return [...marked].map(([, code]) => ({ file, code }))
})

/** The ```ts blocks of `markdown`. */
const tsBlocks = (markdown) => [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map(([, code]) => code)

test('every region of types/ marked README.md is a TypeScript block of the README, verbatim', (t) => {
  const blocks = tsBlocks(readme)
  t.assert.ok(regions.length > 0)
  for (const { file, code } of regions) t.assert.ok(blocks.includes(code), `types/${file}: region not in README.md`)
})

test('the TypeScript blocks of the CORS section are compiled regions', (t) => {
  const start = readme.indexOf('\n## CORS preflights that tell the truth\n')
  const blocks = tsBlocks(readme.slice(start, readme.indexOf('\n## ', start + 1)))
  t.assert.ok(start !== -1 && blocks.length > 0)
  for (const code of blocks) t.assert.ok(regions.some(region => region.code === code), `not compiled:\n${code}`)
})

test("the README's JavaScript recipes that tests run are their text, verbatim", (t) => {
  const tests = readdirSync(new URL('test/', root), { recursive: true }).filter(file => file.endsWith('.test.js'))
  const recipes = tests.flatMap(file => {
    const text = readFileSync(new URL(`test/${file}`, root), 'utf8')
    return [...text.matchAll(/^( *)\/\/ README: .*\n([\s\S]*?)^ *\/\/ end README$/gm)]
      .map(([, indent, code]) => ({ file, code: code.replaceAll(new RegExp(`^${indent}`, 'gm'), '') }))
  })
  t.assert.ok(recipes.length > 0)
  for (const { file, code } of recipes) {
    t.assert.ok(readme.includes(`\`\`\`js\n${code}`), `test/${file}: recipe not in README.md`)
  }
})
