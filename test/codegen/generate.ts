/**
 * Runs the generator on fixture specs (test/codegen/fixtures) the way
 * `npm run codegen` runs it on spec/, into a scratch folder under test/codegen
 * (so the output resolves `effect` and src/runtime), and imports the result.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "yaml"
import { emitFamily } from "../../codegen/Emit.ts"
import { type Model, resolve } from "../../codegen/Model.ts"
import { decodeSpec } from "../../codegen/SpecSchema.ts"

const fixtures = path.join(import.meta.dirname, "fixtures")

/** Resolves fixture specs by name, following their imports like codegen/main.ts does. */
export const models = (): ((name: string) => Model | undefined) => {
  const done = new Map<string, Model>()
  const modelOf = (name: string): Model | undefined => {
    const have = done.get(name)
    if (have) return have
    const file = path.join(fixtures, `${name}.yaml`)
    if (!fs.existsSync(file)) return undefined
    const spec = decodeSpec(`fixtures/${name}.yaml`, parse(fs.readFileSync(file, "utf8")))
    const m = resolve(`fixtures/${name}.yaml`, spec, modelOf)
    done.set(name, m)
    return m
  }
  return modelOf
}

/** Generates every named fixture into a fresh folder; returns it and a cleanup. */
export const generate = (
  names: ReadonlyArray<string>
): { readonly dir: string; readonly source: (name: string) => string; readonly remove: () => void } => {
  const dir = fs.mkdtempSync(path.join(import.meta.dirname, ".out-"))
  const modelOf = models()
  // dir/<family>/index.ts -> ../../../../src/runtime
  const runtime = path.relative(path.join(dir, "x"), path.resolve(import.meta.dirname, "../../src/runtime"))
  for (const name of names) {
    const code = emitFamily(modelOf(name)!, `fixtures/${name}.yaml`, "test", { runtime })
    fs.mkdirSync(path.join(dir, name))
    fs.writeFileSync(path.join(dir, name, "index.ts"), code)
  }
  return {
    dir,
    source: (name) => fs.readFileSync(path.join(dir, name, "index.ts"), "utf8"),
    remove: () => fs.rmSync(dir, { recursive: true, force: true })
  }
}
