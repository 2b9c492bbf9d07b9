/**
 * `npm run docs` — the API reference (docs/api/*.md) from the JSDoc of what
 * `src/index.ts` exports: one page per module, each export with its kind, its
 * declaration's first line, its documentation and its examples.
 *
 *   --check   regenerate in memory; fail if docs/api differs from the sources
 *             or if a {@link ...} names nothing the package exports
 *
 * Also lists the exports without JSDoc or without an @example (a count, not a
 * failure: the goal is zero).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { type ExportedDeclarations, type JSDoc, Node, Project, type SourceFile } from "ts-morph"

const root = path.resolve(import.meta.dirname, "..")
const outDir = path.join(root, "docs/api")
const check = process.argv.includes("--check")

const project = new Project({
  skipAddingFilesFromTsConfig: true,
  skipFileDependencyResolution: true,
  compilerOptions: { allowImportingTsExtensions: true, noEmit: true }
})
const index = project.addSourceFileAtPath(path.join(root, "src/index.ts"))

interface Module {
  readonly name: string
  readonly file: SourceFile
}
interface Item {
  readonly name: string
  readonly kind: string
  readonly signature: string
  readonly doc: string
  readonly examples: ReadonlyArray<string>
  readonly since: string | undefined
}

const modules: Array<Module> = []
const topLevel: Array<string> = []
for (const d of index.getExportDeclarations()) {
  const spec = d.getModuleSpecifierValue()
  if (spec === undefined) continue
  const file = project.addSourceFileAtPath(path.resolve(path.dirname(index.getFilePath()), spec))
  const ns = d.getNamespaceExport()
  if (ns !== undefined) modules.push({ name: ns.getName(), file })
  else for (const e of d.getNamedExports()) topLevel.push(e.getAliasNode()?.getText() ?? e.getName())
}
modules.sort((a, b) => a.name.localeCompare(b.name))

const docsOf = (n: Node): ReadonlyArray<JSDoc> => {
  const holder = Node.isVariableDeclaration(n) ? n.getVariableStatement() : n
  return holder !== undefined && Node.isJSDocable(holder) ? holder.getJsDocs() : []
}

const kindOf = (n: Node): string => {
  if (Node.isFunctionDeclaration(n)) return "function"
  if (Node.isClassDeclaration(n)) return "class"
  if (Node.isInterfaceDeclaration(n)) return "interface"
  if (Node.isTypeAliasDeclaration(n)) return "type"
  if (Node.isEnumDeclaration(n)) return "enum"
  if (Node.isVariableDeclaration(n)) {
    const init = n.getInitializer()
    return init !== undefined && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))
      ? "function"
      : "const"
  }
  if (Node.isModuleDeclaration(n)) return "namespace"
  return n.getKindName()
}

// A value's type as written, or as the checker prints it; short.
const inferred = (n: Node): string | undefined => {
  if (!Node.isVariableDeclaration(n)) return undefined
  const written = n.getTypeNode()
  const t = (written !== undefined ? written.getText() : n.getType().getText(n)).replace(
    /import\("[^"]*"\)\./g,
    ""
  )
  return `const ${n.getName()}: ${t.length > 600 ? `${t.slice(0, 600)} ...` : t}`
}

// The declaration up to its body: enough to see the parameters and the type.
const signatureOf = (n: Node): string => {
  const typed = inferred(n)
  if (typed !== undefined) return typed
  let text = (Node.isVariableDeclaration(n) ? `const ${n.getText()}` : n.getText())
    .replace(/\/\*\*[\s\S]*?\*\/\s*/g, "")
    .replace(/^export\s+/, "")
  const cut = [text.indexOf(" =>"), text.indexOf("{\n"), text.indexOf(" = ")]
    .filter((i) => i > 0)
    .sort((a, b) => a - b)[0]
  if (Node.isInterfaceDeclaration(n) || Node.isClassDeclaration(n))
    text = n.getText().replace(/^export\s+/, "")
  else if (cut !== undefined)
    text = text.slice(0, cut + (text[cut] === " " && text.startsWith(" =>", cut) ? 3 : 0))
  text = text.replace(/\/\*\*[\s\S]*?\*\/\s*/g, "").trimEnd()
  const lines = text.split("\n")
  return lines.length > 40 ? `${lines.slice(0, 40).join("\n")}\n  // ...` : text
}

const itemsOf = (file: SourceFile): Array<Item> => {
  const items: Array<Item> = []
  const exported: ReadonlyMap<string, ReadonlyArray<ExportedDeclarations>> = file.getExportedDeclarations()
  for (const [name, decls] of exported) {
    const n = decls[0]
    if (n === undefined) continue
    const docs = decls.flatMap(docsOf)
    const doc = docs
      .map((d) => d.getDescription().trim())
      .filter((s) => s !== "")
      .join("\n\n")
    const tags = docs.flatMap((d) => d.getTags())
    items.push({
      name,
      kind: kindOf(n),
      signature: signatureOf(n),
      doc,
      examples: tags
        .filter((t) => t.getTagName() === "example")
        .map((t) => (t.getCommentText() ?? "").trim())
        .filter((s) => s !== ""),
      since: tags
        .find((t) => t.getTagName() === "since")
        ?.getCommentText()
        ?.trim()
    })
  }
  return items.sort((a, b) => a.name.localeCompare(b.name))
}

const pages = new Map<string, string>()
const problems: Array<string> = []
const undocumented: Array<string> = []
const noExample: Array<string> = []
const exportsByModule = new Map<string, ReadonlySet<string>>()
const allItems = new Map<string, ReadonlyArray<Item>>()
for (const m of modules) {
  const items = itemsOf(m.file)
  allItems.set(m.name, items)
  exportsByModule.set(m.name, new Set(items.map((i) => i.name)))
}

// {@link X}, {@link Module.X}, {@link X | text}: must name an export.
const linkTarget = (module: string, target: string): string | undefined => {
  const [a, b] = target.split(".")
  if (b === undefined) {
    if (exportsByModule.get(module)?.has(a)) return `#${a.toLowerCase()}`
    if (exportsByModule.has(a)) return `${a}.md`
    if (topLevel.includes(a)) return "README.md"
    return undefined
  }
  if (exportsByModule.get(a)?.has(b)) return `${a}.md#${b.toLowerCase()}`
  if (a === module || exportsByModule.get(module)?.has(a)) return `#${a.toLowerCase()}`
  return undefined
}
const withLinks = (module: string, item: string, text: string): string =>
  text.replace(/\{@link\s+([^}|\s]+)\s*(?:\|\s*([^}]*))?\}/g, (_m, target: string, label?: string) => {
    const href = linkTarget(module, target)
    if (href === undefined) {
      problems.push(`${module}.${item}: {@link ${target}} names nothing the package exports`)
      return `\`${label ?? target}\``
    }
    return `[\`${label?.trim() || target}\`](${href})`
  })

for (const m of modules) {
  const items = allItems.get(m.name) ?? []
  const rel = path.relative(root, m.file.getFilePath())
  const head = m.file.getStatements()[0]
  const moduleDoc =
    head !== undefined && Node.isJSDocable(head)
      ? head
          .getJsDocs()
          .map((d) => d.getDescription().trim())
          .join("\n\n")
      : ""
  const out: Array<string> = [
    `# ${m.name}`,
    "",
    `\`import { ${m.name} } from "nlink"\` — source: [${rel}](../../${rel})`,
    ""
  ]
  if (moduleDoc !== "") out.push(withLinks(m.name, "(module)", moduleDoc), "")
  out.push("| export | kind |", "|---|---|")
  for (const i of items) out.push(`| [\`${i.name}\`](#${i.name.toLowerCase()}) | ${i.kind} |`)
  out.push("")
  for (const i of items) {
    if (i.doc === "") undocumented.push(`${m.name}.${i.name}`)
    else if (i.examples.length === 0 && i.kind !== "type" && i.kind !== "interface")
      noExample.push(`${m.name}.${i.name}`)
    out.push(`## ${i.name}`, "", "```ts", i.signature, "```", "")
    if (i.doc !== "") out.push(withLinks(m.name, i.name, i.doc), "")
    for (const e of i.examples) out.push(/^```/.test(e) ? e : ["```ts", e, "```"].join("\n"), "")
    if (i.since !== undefined) out.push(`Since ${i.since}.`, "")
  }
  pages.set(`${m.name}.md`, `${out.join("\n").trimEnd()}\n`)
}
pages.set(
  "README.md",
  [
    "# nlink API reference",
    "",
    "Generated by `npm run docs` from the JSDoc of what `src/index.ts` exports (checked in CI:",
    '`npm run docs:check`). Each module is imported by name: `import { Route } from "nlink"`.',
    "",
    "| module | exports |",
    "|---|---|",
    ...modules.map((m) => `| [${m.name}](${m.name}.md) | ${allItems.get(m.name)?.length ?? 0} |`),
    "",
    `Also exported at the top level: ${topLevel.map((t) => `\`${t}\``).join(", ")}.`,
    ""
  ].join("\n")
)

const existing = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => f.endsWith(".md")) : []
if (check) {
  const stale = [...pages].filter(([f, text]) => {
    const p = path.join(outDir, f)
    return !fs.existsSync(p) || fs.readFileSync(p, "utf8") !== text
  })
  const extra = existing.filter((f) => !pages.has(f))
  for (const [f] of stale) problems.push(`docs/api/${f} does not match the sources (run npm run docs)`)
  for (const f of extra) problems.push(`docs/api/${f} documents no exported module (run npm run docs)`)
} else {
  fs.mkdirSync(outDir, { recursive: true })
  for (const f of existing) if (!pages.has(f)) fs.rmSync(path.join(outDir, f))
  for (const [f, text] of pages) fs.writeFileSync(path.join(outDir, f), text)
}
const total = [...allItems.values()].reduce((n, i) => n + i.length, 0)
console.log(
  `api docs: ${modules.length} modules, ${total} exports; ${undocumented.length} without JSDoc, ${noExample.length} functions/values without an @example`
)
if (process.argv.includes("--list")) {
  for (const u of undocumented) console.log(`  no JSDoc: ${u}`)
  for (const u of noExample) console.log(`  no @example: ${u}`)
}
if (problems.length > 0) {
  for (const p of problems) console.error(`api docs: ${p}`)
  process.exit(1)
}
