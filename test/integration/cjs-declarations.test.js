// The CommonJS declarations (dist/index.d.cts) restate the ES module's exports in CommonJS shape: the values
// come along as properties of `export =`, but the types are listed by hand in a namespace (lib/index.cts).
// These tests compare both declaration files, so that an export missing from that list fails here rather
// than in a CommonJS user's compiler.
import { test } from 'node:test'
import { join } from 'node:path'
import ts from 'typescript'

const dist = join(import.meta.dirname, '..', '..', 'dist')
const esmFile = join(dist, 'index.d.ts')
const cjsFile = join(dist, 'index.d.cts')
const program = ts.createProgram([esmFile, cjsFile], {
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true
})
const checker = program.getTypeChecker()
const moduleOf = (file) => checker.getSymbolAtLocation(program.getSourceFile(file))
const resolve = (symbol) => symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
const byName = (symbols) => new Map(symbols.map(symbol => [symbol.name, symbol]))

const esm = [...byName(checker.getExportsOfModule(moduleOf(esmFile))).entries()]
  .map(([name, symbol]) => [name, resolve(symbol)])
const exportEquals = resolve(moduleOf(cjsFile).exports.get(ts.InternalSymbolName.ExportEquals))
const cjsValues = byName(checker.getPropertiesOfType(checker.getTypeOfSymbol(exportEquals)))
const cjsTypes = byName(checker.getExportsOfModule(moduleOf(cjsFile)))

const typeParameters = (symbol) => (symbol.declarations[0].typeParameters ?? []).map(parameter => parameter.getText())
const sameType = (a, b) => checker.isTypeAssignableTo(a, b) && checker.isTypeAssignableTo(b, a)

test('every value the ES module exports is a property of the CommonJS export', (t) => {
  const values = esm.filter(([, symbol]) => symbol.flags & ts.SymbolFlags.Value)
  t.assert.ok(values.some(([name]) => name === 'fastifyAllowedMethods'))
  for (const [name, symbol] of values) {
    t.assert.ok(cjsValues.has(name), `index.d.cts lacks the value ${name}`)
    t.assert.ok(sameType(checker.getTypeOfSymbol(cjsValues.get(name)), checker.getTypeOfSymbol(symbol)), name)
  }
})

test('every type the ES module exports is in the CommonJS namespace, the same type', (t) => {
  const types = esm.filter(([, symbol]) => symbol.flags & ts.SymbolFlags.Type)
  t.assert.ok(types.some(([name]) => name === 'FastifyAllowedMethodsOptions'))
  for (const [name, symbol] of types) {
    const cjs = cjsTypes.get(name)
    t.assert.ok(cjs, `index.d.cts lacks the type ${name}: add it to the namespace in lib/index.cts`)
    t.assert.deepStrictEqual(typeParameters(cjs), typeParameters(symbol), `${name}: the same type parameters`)
    if (typeParameters(symbol).length === 0) {
      t.assert.ok(sameType(checker.getDeclaredTypeOfSymbol(cjs), checker.getDeclaredTypeOfSymbol(symbol)), name)
    }
  }
})
