/**
 * The view layer emitter: for every attribute set with a `view` name, the
 * object model's side of it (spec/README.md "View layer"), written to
 * src/generated/<family>/view.ts:
 *
 * - `<View>Fields`: the input Schema fields (names as `ip` spells them,
 *   booleans, enum names as literal unions, device references, the spec's
 *   checks), to spread into a kind's input Schema;
 * - `<view>ToWire(options, devices)`: model → the generated attribute object;
 * - `<view>FromWire(attrs, name)`: generated attribute object → model
 *   (configuration only; device indexes named through `name`);
 * - `<view>StatusFromWire(attrs)`: the attributes marked as status;
 * - `<view>Canonical(options)`: defaults filled in, enum numbers named;
 * - `<view>Devices`: the fields that name devices (resolved by the engine);
 * - `<view>KernelChosen`: options without a known default (equality compares
 *   them only when both sides give them).
 *
 * Attributes with `as: hand` are left to the kind's module (real logic);
 * `as: omit` ones are not part of the model (write-only actions, padding).
 */
import type { Model, ResolvedAttr } from "./Model.ts"
import { camel, pascal, SpecError } from "./Model.ts"
import type { AttributeSet } from "./SpecSchema.ts"

type Role =
  | "int"
  | "bigint"
  | "string"
  | "text"
  | "bool"
  | "flag"
  | "enum"
  | "device"
  | "status"
  | "hand"
  | "omit"
  | "keyword"

interface ViewAttr {
  readonly a: ResolvedAttr
  readonly role: Role
  readonly name: string
  /** For enums: model name → number. */
  readonly values?: ReadonlyArray<readonly [string, number]>
  /** For integers with keywords: name → number (`keywords`), and names that are another attribute being on (`as: keyword`). */
  readonly keywords?: ReadonlyArray<readonly [string, number]>
  readonly switches?: Array<{ readonly keyword: string; readonly a: ResolvedAttr }>
}

const INT: Record<string, string> = { u8: "U8", u16: "U16", u32: "U32", s8: "S8", s16: "S16", s32: "S32" }
const LIMITS: Record<string, readonly [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  s8: [-0x80, 0x7f],
  s16: [-0x8000, 0x7fff],
  s32: [-0x80000000, 0x7fffffff]
}

const roleOf = (where: string, a: ResolvedAttr): Role => {
  const as = a.view?.as
  if (as !== undefined) return as
  if (a.type in INT) return "int"
  if (a.type === "u64" || a.type === "s64" || a.type === "uint" || a.type === "sint") return "bigint"
  if (a.type === "string") return "string"
  if (a.type === "flag") return "flag"
  if (a.type === "binary" && a["display-hint"] && a["display-hint"] !== "hex" && a["display-hint"] !== "uuid")
    return "text"
  throw new SpecError(
    `${where}: ${a.type} attribute in a set with a view needs view.as (hand, status or omit)`
  )
}

const viewAttrs = (model: Model, file: string, set: AttributeSet): Array<ViewAttr> => {
  const out: Array<ViewAttr> = []
  for (const a of model.attrs(set)) {
    if (a.type === "pad") continue
    const where = `${file}: ${set.name}.${a.uapi}`
    const role = roleOf(where, a)
    const name = a.view?.name !== undefined ? camel(a.view.name) : a.field
    let values: Array<readonly [string, number]> | undefined
    if (role === "enum") {
      const def = a.enum === undefined ? undefined : model.enums.get(a.enum)
      if (def === undefined || a.view?.values === undefined)
        throw new SpecError(`${where}: as: enum needs the attribute's enum and view.values`)
      values = Object.entries(a.view.values).map(([k, uapi]) => {
        const e = def.entries.find((x) => x.uapi === uapi)
        if (e === undefined)
          throw new SpecError(`${where}: view.values.${k}: ${uapi} is not in enum ${a.enum}`)
        return [k, e.value] as const
      })
    }
    if ((role === "bool" || role === "int" || role === "enum" || role === "device") && !(a.type in INT))
      throw new SpecError(`${where}: as: ${role} needs an integer attribute of at most 32 bits`)
    let keywords: Array<readonly [string, number]> | undefined
    if (a.view?.keywords !== undefined) {
      if (role !== "int") throw new SpecError(`${where}: keywords need an integer attribute without view.as`)
      keywords = Object.entries(a.view.keywords)
    }
    if (role === "keyword" && (a.view?.of === undefined || a.view.keyword === undefined))
      throw new SpecError(`${where}: as: keyword needs view.of and view.keyword`)
    if (role === "keyword" && a.type !== "flag" && !(a.type in INT))
      throw new SpecError(`${where}: as: keyword needs a flag or an integer attribute`)
    out.push({ a, role, name, values, keywords, switches: role === "int" ? [] : undefined })
  }
  // a keyword attribute (TTL_INHERIT) belongs to the integer field it names (ttl)
  for (const v of out) {
    if (v.role !== "keyword") continue
    const where = `${file}: ${set.name}.${v.a.uapi}`
    const target = out.find((t) => t.role === "int" && t.name === camel(v.a.view!.of!))
    if (target === undefined)
      throw new SpecError(`${where}: view.of ${v.a.view!.of}: no integer field of that name`)
    target.switches!.push({ keyword: v.a.view!.keyword!, a: v.a })
  }
  return out
}

/** The names an integer field takes besides numbers: its keywords and its keyword attributes'. */
const wordsOf = (v: ViewAttr): Array<string> => [
  ...(v.keywords ?? []).map(([k]) => k),
  ...(v.switches ?? []).map((s) => s.keyword)
]

const intSchema = (a: ResolvedAttr): string => {
  const base = `P.${INT[a.type]}`
  const c = a.checks
  if (c?.min === undefined && c?.max === undefined) return base
  const [lo, hi] = LIMITS[a.type]
  return `P.intBetween(${base}, ${c?.min ?? lo}, ${c?.max ?? hi})`
}

const schemaOf = (v: ViewAttr): string => {
  const a = v.a
  switch (v.role) {
    case "int": {
      const words = wordsOf(v)
      return words.length === 0
        ? intSchema(a)
        : `Schema.Union([Schema.Literals(${JSON.stringify(words)}), ${intSchema(a)}])`
    }
    case "bigint":
      return a.type === "s64" || a.type === "sint" ? "P.S64" : "P.U64"
    case "string":
      return a.checks?.["max-len"] !== undefined
        ? `P.stringMaxBytes(${a.checks["max-len"]})`
        : "Schema.String"
    case "text":
      return a["display-hint"] === "mac"
        ? "P.MacAddress"
        : a["display-hint"] === "ipv4"
          ? "P.IPv4"
          : a["display-hint"] === "ipv6"
            ? "P.IPv6"
            : "P.InetAddress"
    case "bool":
    case "flag":
      return "Schema.Boolean"
    case "enum":
      return `Schema.Union([Schema.Literals(${JSON.stringify(v.values!.map(([k]) => k))}), ${intSchema(a)}])`
    case "device":
      return "DeviceRef"
    default:
      return ""
  }
}

const tsType = (v: ViewAttr): string => {
  switch (v.role) {
    case "int":
      return ["number", ...wordsOf(v).map((w) => JSON.stringify(w))].join(" | ")
    case "bigint":
      return "bigint"
    case "string":
    case "text":
      return "string"
    case "bool":
    case "flag":
      return "boolean"
    case "enum":
      return `${v.values!.map(([k]) => JSON.stringify(k)).join(" | ")} | number`
    case "device":
      return "string | number"
    default:
      return "unknown"
  }
}

const literal = (v: ViewAttr, d: number | string | boolean): string => {
  if (v.role === "bigint") return `${BigInt(d as number)}n`
  if ((v.role === "enum" || v.keywords !== undefined) && typeof d === "number") {
    const named = (v.values ?? v.keywords)!.find(([, n]) => n === d)
    return JSON.stringify(named === undefined ? d : named[0])
  }
  return JSON.stringify(d)
}

const jsdoc = (v: ViewAttr): string => {
  const parts = [v.a.doc ?? v.a.uapi]
  if (v.a.view?.unit !== undefined) parts.push(`Unit: ${v.a.view.unit}.`)
  parts.push(`(${v.a.uapi})`)
  return `/** ${parts.join(" ").replace(/\*\//g, "* /")} */`
}

/** Whether a keyword attribute is on: a flag present (or a dumped u8 flag true), an integer non-zero. */
const isOn = (a: ResolvedAttr, src: string): string =>
  a.type === "flag" ? `${src} === true` : `(${src} !== undefined && ${src} !== 0)`

/** model → wire of an integer that also takes keywords: a keyword attribute switched on, or the keyword's number. */
const intWithWords = (v: ViewAttr, vname: string, src: string, dst: string): Array<string> => {
  const out = [`  if (${src} !== undefined) {`]
  let first = true
  for (const s of v.switches ?? []) {
    const value = s.a.type === "flag" ? "true" : "1"
    out.push(
      `    ${first ? "" : "else "}if (${src} === ${JSON.stringify(s.keyword)}) w.${s.a.field} = ${value}`
    )
    first = false
  }
  const num =
    v.keywords === undefined
      ? src
      : `typeof ${src} === "number" ? ${src} : ${vname}${pascal(v.name)}Words[${src} as keyof typeof ${vname}${pascal(v.name)}Words]`
  out.push(`    ${first ? "" : "else "}${dst} = ${num}`)
  out.push("  }")
  return out
}

/** The generated TypeScript of one family's view layer, or undefined when no set has a view. */
export const emitViews = (model: Model, file: string, command: string): string | undefined => {
  const sets = [...model.sets.values()].filter((s) => s.view !== undefined)
  if (sets.length === 0) return undefined
  const out: Array<string> = []
  const types = new Set<string>()
  const body: Array<string> = []
  for (const set of sets) {
    const vname = camel(set.view!)
    const P_ = pascal(set.view!)
    const wire = pascal(set.name)
    types.add(wire)
    const attrs = viewAttrs(model, file, set)
    const config = attrs.filter(
      (v) => v.role !== "status" && v.role !== "hand" && v.role !== "omit" && v.role !== "keyword"
    )
    const status = attrs.filter((v) => v.role === "status")
    const names = new Set<string>()
    for (const v of attrs) {
      if (v.role === "omit" || v.role === "hand" || v.role === "keyword") continue
      if (names.has(v.name)) throw new SpecError(`${file}: ${set.name}: view name ${v.name} used twice`)
      names.add(v.name)
    }
    for (const v of config.filter((x) => x.keywords !== undefined)) {
      body.push(
        `const ${vname}${pascal(v.name)}Words = ${JSON.stringify(Object.fromEntries(v.keywords!))} as const`
      )
      const byNumber: Record<number, string> = {}
      for (const [k, n] of v.keywords!) if (byNumber[n] === undefined) byNumber[n] = k
      body.push(
        `const ${vname}${pascal(v.name)}ByNumber: Readonly<Record<number, string>> = ${JSON.stringify(byNumber)}`
      )
    }
    for (const v of config.filter((x) => x.role === "enum")) {
      body.push(
        `const ${vname}${pascal(v.name)}Names = ${JSON.stringify(Object.fromEntries(v.values!))} as const`
      )
      const byNumber: Record<number, string> = {}
      for (const [k, n] of v.values!) if (byNumber[n] === undefined) byNumber[n] = k
      body.push(
        `const ${vname}${pascal(v.name)}ByNumber: Readonly<Record<number, string>> = ${JSON.stringify(byNumber)}`
      )
    }
    body.push(`/** Input Schema fields of the ${set.view} view (${set.name}). */`)
    body.push(`export const ${P_}Fields = {`)
    for (const v of config) {
      body.push(jsdoc(v))
      const s = schemaOf(v)
      body.push(`  ${v.name}: ${v.a.view?.required ? s : `Schema.optional(${s})`},`)
    }
    body.push("}")
    body.push(`/** The ${set.view} view's configuration. */`)
    body.push(`export interface ${P_}Options {`)
    for (const v of config)
      body.push(`  ${jsdoc(v)}\n  readonly ${v.name}${v.a.view?.required ? "" : "?"}: ${tsType(v)}`)
    body.push("}")
    body.push(`/** What the kernel reports by itself in ${set.name}. */`)
    body.push(`export interface ${P_}Status {`)
    for (const v of status) body.push(`  ${jsdoc(v)}\n  readonly ${v.name}?: ${wire}["${v.a.field}"]`)
    body.push("}")
    const devices = config.filter((v) => v.role === "device").map((v) => v.name)
    body.push(`/** Fields of the ${set.view} view that name devices. */`)
    body.push(`export const ${vname}Devices: ReadonlyArray<string> = ${JSON.stringify(devices)}`)

    // model → wire
    body.push(
      `/** ${set.view} options → ${set.name} (device fields from \`devices\`, resolved by the engine). */`
    )
    body.push(
      `export const ${vname}ToWire = (o: ${P_}Options, devices: Readonly<Record<string, number>> = {}): ${wire} => {`
    )
    body.push(`  const w: { -readonly [K in keyof ${wire}]: ${wire}[K] } = {}`)
    if (devices.length === 0) body.push("  void devices")
    for (const v of config) {
      const src = `o.${v.name}`
      const dst = `w.${v.a.field}`
      switch (v.role) {
        case "bool":
          body.push(`  if (${src} !== undefined) ${dst} = ${src} ? 1 : 0`)
          break
        case "flag":
          body.push(`  if (${src} === true) ${dst} = true`)
          break
        case "enum":
          body.push(
            `  if (${src} !== undefined) ${dst} = typeof ${src} === "number" ? ${src} : ${vname}${pascal(v.name)}Names[${src}]`
          )
          break
        case "device":
          body.push(
            `  if (${src} !== undefined) ${dst} = deviceIndex(${src}, ${JSON.stringify(v.name)}, devices)`
          )
          break
        default:
          if (v.role === "int" && wordsOf(v).length > 0) body.push(...intWithWords(v, vname, src, dst))
          else body.push(`  if (${src} !== undefined) ${dst} = ${src}`)
      }
    }
    body.push("  return w")
    body.push("}")

    // wire → model
    body.push(
      `/** ${set.name} → ${set.view} options (configuration; device indexes named by \`name\`), written into \`into\` when given. */`
    )
    body.push(
      `export const ${vname}FromWire = (a: ${wire}, name: (index: number) => string | number = (i) => i, into?: object): ${P_}Options => {`
    )
    body.push(`  const o: { -readonly [K in keyof ${P_}Options]?: ${P_}Options[K] } = into ?? {}`)
    if (devices.length === 0) body.push("  void name")
    for (const v of config) {
      const src = `a.${v.a.field}`
      const dst = `o.${v.name}`
      switch (v.role) {
        case "bool":
          body.push(`  if (${src} !== undefined) ${dst} = ${src} !== 0`)
          break
        case "flag":
          body.push(`  ${dst} = ${src} === true`)
          break
        case "enum":
          body.push(
            `  if (${src} !== undefined) ${dst} = (${vname}${pascal(v.name)}ByNumber[${src}] ?? ${src}) as any`
          )
          break
        case "device":
          body.push(`  if (${src} !== undefined && ${src} !== 0) ${dst} = name(${src})`)
          break
        default:
          if (v.role === "int" && wordsOf(v).length > 0) {
            const on = (v.switches ?? []).map(
              (s) =>
                `  ${s === v.switches![0] ? "if" : "else if"} (${isOn(s.a, `a.${s.a.field}`)}) ${dst} = ${JSON.stringify(s.keyword)}`
            )
            const named =
              v.keywords === undefined ? src : `(${vname}${pascal(v.name)}ByNumber[${src}] ?? ${src}) as any`
            body.push(...on, `  ${on.length > 0 ? "else " : ""}if (${src} !== undefined) ${dst} = ${named}`)
          } else body.push(`  if (${src} !== undefined) ${dst} = ${src}`)
      }
    }
    body.push(`  return o as ${P_}Options`)
    body.push("}")

    body.push(`/** The status fields of the ${set.view} view and the ${set.name} field each reads. */`)
    body.push(
      `export const ${vname}StatusFields: Readonly<Record<string, keyof ${wire}>> = ${JSON.stringify(Object.fromEntries(status.map((v) => [v.name, v.a.field])))}`
    )
    body.push(`/** The status attributes of ${set.name}, or undefined when there are none. */`)
    body.push(`export const ${vname}StatusFromWire = (a: ${wire}): ${P_}Status | undefined => {`)
    if (status.length === 0) body.push("  void a\n  return undefined")
    else {
      body.push(`  let s: { -readonly [K in keyof ${P_}Status]: ${P_}Status[K] } | undefined`)
      for (const v of status)
        body.push(`  if (a.${v.a.field} !== undefined) (s ??= {}).${v.name} = a.${v.a.field}`)
      body.push("  return s")
    }
    body.push("}")

    // canonical
    const defaults = config.filter((v) => v.a.view?.default !== undefined || v.role === "flag")
    body.push(`/** The kernel's defaults of the ${set.view} view, for canonical forms. */`)
    body.push(`export const ${vname}Defaults: Partial<${P_}Options> = {`)
    for (const v of defaults) body.push(`  ${v.name}: ${literal(v, v.a.view?.default ?? false)},`)
    body.push("}")
    // Options without a known default are the kernel's choice (derived or version-dependent).
    const chosen = config.filter(
      (v) =>
        v.a.view?.default === undefined &&
        v.role !== "flag" &&
        !v.a.view?.required &&
        v.a.view?.unset !== "none"
    )
    body.push(
      `/** Options of the ${set.view} view without a known default: compared only when both sides give them. */`
    )
    body.push(
      `export const ${vname}KernelChosen: ReadonlyArray<string> = ${JSON.stringify(chosen.map((v) => v.name))}`
    )
    body.push(`/** ${set.view} options with the kernel's defaults filled in and enum numbers named. */`)
    body.push(`export const ${vname}Canonical = (o: ${P_}Options): ${P_}Options => {`)
    body.push(`  const c: any = { ...${vname}Defaults }`)
    body.push("  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]")
    for (const v of config.filter((x) => x.keywords !== undefined))
      body.push(
        `  if (typeof c.${v.name} === "number") c.${v.name} = ${vname}${pascal(v.name)}ByNumber[c.${v.name}] ?? c.${v.name}`
      )
    for (const v of config.filter((x) => x.role === "enum"))
      body.push(
        `  if (typeof c.${v.name} === "number") c.${v.name} = ${vname}${pascal(v.name)}ByNumber[c.${v.name}] ?? c.${v.name}`
      )
    body.push("  return c")
    body.push("}")
  }
  out.push(`/**
 * The view layer of ${model.spec.name}: the object model's names, types and
 * mappings of the attribute sets with a \`view\`.
 *
 * Generated from ${file} by \`${command}\` (codegen/View.ts). Do not edit.
 */`)
  out.push('import * as Schema from "effect/Schema"')
  out.push('import * as P from "../../runtime/Primitives.ts"')
  out.push(`import type { ${[...types].sort().join(", ")} } from "./index.ts"`)
  out.push(`
/** A device by name or ifindex, as a view's device fields take it. */
export const DeviceRef = Schema.Union([P.DeviceName, P.intBetween(P.S32, 1, 0x7fffffff)])

/** The index of a device field: given as a number, or resolved by the engine into \`devices\`. */
export const deviceIndex = (ref: string | number, field: string, devices: Readonly<Record<string, number>>): number => {
  if (typeof ref === "number") return ref
  const i = devices[field]
  if (i === undefined) throw new Error(\`device "\${ref}" in \${field} was not resolved\`)
  return i
}
`)
  out.push(body.join("\n"))
  return `${out.join("\n")}\n`
}
