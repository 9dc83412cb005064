import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'dist-example/**', 'coverage/**', 'node_modules/**']
  }),
  {
    rules: { '@stylistic/max-len': ['error', { code: 120 }] }
  }
]
