/**
 * `npm run codegen` — compiles spec/*.yaml into src/generated/<family>/index.ts.
 *
 *   --check          regenerate in memory and fail if the committed files differ
 *   --report         list header enum members with a set's prefix that the specs lack
 *   --headers DIR    UAPI include directory (default /usr/include); `newest`
 *                    fetches the newest linux-libc-dev the lane reaches
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { Project, QuoteKind, IndentationText } from "ts-morph"
import { parse } from "yaml"
import { emitFamily } from "./Emit.ts"
import { readHeaders } from "./Headers.ts"
import { type Model, resolve, SpecError } from "./Model.ts"
import { decodeSpec, type Spec } from "./SpecSchema.ts"
import { emitViews } from "./View.ts"

const root = path.resolve(import.meta.dirname, "..")
const args = process.argv.slice(2)
const check = args.includes("--check")
const report = args.includes("--report")
const hi = args.indexOf("--headers")
// "newest": the newest linux-libc-dev the kernel lane can reach (test/kernel/fetch-headers.sh)
const headersArg = hi !== -1 ? args[hi + 1] : undefined
const includeDir =
  headersArg === undefined
    ? "/usr/include"
    : headersArg === "newest"
      ? execFileSync("bash", [path.resolve(import.meta.dirname, "../test/kernel/fetch-headers.sh")], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"]
        }).trim()
      : path.resolve(headersArg)
const COMMAND = "npm run codegen"

const specDir = path.join(root, "spec")
const outDir = path.join(root, "src/generated")

const project = new Project({
  useInMemoryFileSystem: true,
  manipulationSettings: { quoteKind: QuoteKind.Double, indentationText: IndentationText.TwoSpaces }
})

interface Checked {
  readonly mismatches: Array<string>
  readonly missing: Array<string>
}

/** Every `uapi` name with the value the spec gives it. */
const namedValues = (spec: Spec): Array<{ name: string; value: number; where: string }> => {
  const out: Array<{ name: string; value: number; where: string }> = []
  for (const d of spec.definitions ?? [])
    if (d.type !== "struct")
      for (const e of d.entries) out.push({ name: e.uapi, value: e.value, where: d.name })
  for (const s of spec["attribute-sets"] ?? [])
    for (const a of s.attributes) out.push({ name: a.uapi, value: a.value, where: s.name })
  for (const m of spec.messages ?? [])
    for (const [k, v] of Object.entries(m.types)) out.push({ name: k, value: v, where: `messages.${m.name}` })
  for (const op of spec.operations ?? [])
    out.push({ name: op.uapi, value: op.value, where: `operations.${op.name}` })
  const g = spec.genl
  if (g?.["version-uapi"] !== undefined)
    out.push({ name: g["version-uapi"], value: g.version, where: "genl.version" })
  return out
}

const crossCheck = (file: string, spec: Spec): Checked => {
  const facts = readHeaders(includeDir, spec.headers ?? [])
  const mismatches: Array<string> = []
  const missing: Array<string> = []
  for (const { name, value, where } of namedValues(spec)) {
    const h = facts.values.get(name)
    if (h === undefined) missing.push(`${file}: ${where}.${name} (${value}) is not in the headers`)
    else if (h !== value)
      mismatches.push(
        `${file}: ${where}.${name} is ${value} in the spec but ${h} in ${facts.origin.get(name)}`
      )
  }
  return { mismatches, missing }
}

const reportMissing = (file: string, spec: Spec): Array<string> => {
  const facts = readHeaders(includeDir, spec.headers ?? [])
  const have = new Set(namedValues(spec).map((x) => x.name))
  const lines: Array<string> = []
  const prefixes = new Set<string>()
  for (const s of spec["attribute-sets"] ?? []) if (s["name-prefix"]) prefixes.add(s["name-prefix"])
  for (const en of facts.enums) {
    for (const m of en.members) {
      if (have.has(m.name) || m.name.startsWith("__") || /_(MAX|UNSPEC)$/.test(m.name)) continue
      const p = [...prefixes].find((x) => m.name.startsWith(x))
      if (p) lines.push(`${file}: ${m.name} = ${m.value} (${en.file}) has no spec entry`)
    }
  }
  return lines
}

const main = (): number => {
  const files = fs
    .readdirSync(specDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
  let failed = false
  const stale: Array<string> = []
  const written: Array<string> = []
  const missingAll: Array<string> = []
  // Parse every spec first: a spec's imports name other specs, resolved before it.
  const parsed = new Map<string, { readonly rel: string; readonly spec: Spec }>()
  for (const f of files) {
    const rel = `spec/${f}`
    try {
      const spec = decodeSpec(rel, parse(fs.readFileSync(path.join(specDir, f), "utf8")))
      if (`${spec.name}.yaml` !== f) throw new Error(`${rel}: name ${spec.name} must match the file name`)
      parsed.set(spec.name, { rel, spec })
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e))
      failed = true
    }
  }
  const models = new Map<string, Model>()
  const resolving = new Set<string>()
  const modelOf = (name: string): Model | undefined => {
    const done = models.get(name)
    if (done) return done
    const p = parsed.get(name)
    if (!p) return undefined
    if (resolving.has(name)) throw new SpecError(`${p.rel}: imports form a cycle through ${name}`)
    resolving.add(name)
    const m = resolve(p.rel, p.spec, modelOf)
    resolving.delete(name)
    models.set(name, m)
    return m
  }
  for (const { rel, spec } of parsed.values()) {
    if (report) {
      for (const l of reportMissing(rel, spec)) console.log(l)
      continue
    }
    const { mismatches, missing } = crossCheck(rel, spec)
    missingAll.push(...missing)
    if (mismatches.length > 0) {
      for (const m of mismatches) console.error(m)
      failed = true
      continue
    }
    let code: string
    let view: string | undefined
    try {
      const model = modelOf(spec.name)!
      code = emitFamily(model, rel, COMMAND)
      view = emitViews(model, rel, COMMAND)
    } catch (e) {
      if (e instanceof SpecError) {
        console.error(e.message)
        failed = true
        continue
      }
      throw e
    }
    const outputs: Array<readonly [string, string | undefined]> = [
      ["index.ts", code],
      ["view.ts", view]
    ]
    for (const [name, source] of outputs) {
      const target = path.join(outDir, spec.name, name)
      const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined
      // A family without views has no view.ts.
      let text: string | undefined
      if (source !== undefined) {
        const sf = project.createSourceFile(`/${spec.name}-${name}`, source, { overwrite: true })
        sf.formatText({ indentSize: 2, convertTabsToSpaces: true, semicolons: "remove" as any })
        text = sf.getFullText()
      }
      if (current === text) continue
      if (check) stale.push(path.relative(root, target))
      else if (text === undefined) fs.rmSync(target)
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true })
        fs.writeFileSync(target, text)
        written.push(path.relative(root, target))
      }
    }
  }
  if (report) return failed ? 1 : 0
  // Families whose spec was removed leave no orphan output.
  if (fs.existsSync(outDir)) {
    const families = new Set(files.map((f) => f.replace(/\.yaml$/, "")))
    for (const d of fs.readdirSync(outDir)) {
      if (fs.statSync(path.join(outDir, d)).isDirectory() && !families.has(d)) {
        if (check) stale.push(`src/generated/${d} (no spec)`)
        else fs.rmSync(path.join(outDir, d), { recursive: true })
      }
    }
  }
  if (missingAll.length > 0 && (args.includes("--verbose") || report))
    for (const m of missingAll) console.log(`note: ${m}`)
  if (missingAll.length > 0)
    console.log(
      `codegen: ${missingAll.length} spec names are not in ${includeDir} (newer than the headers; --verbose lists them)`
    )
  if (failed) return 1
  if (check && stale.length > 0) {
    console.error(`codegen: generated code is stale; run ${COMMAND}:\n  ${stale.join("\n  ")}`)
    return 1
  }
  console.log(
    check
      ? `codegen: ${files.length} specs, generated code up to date`
      : `codegen: ${files.length} specs, wrote ${written.length} files`
  )
  return 0
}

process.exitCode = main()
