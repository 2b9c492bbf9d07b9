/**
 * Resolves a parsed spec into what the emitter needs: field names, lookups,
 * sizes, and consistency checks a Schema cannot express (dangling references,
 * duplicate values, header/attribute field clashes).
 */
import type {
  Attribute,
  AttributeSet,
  Definition,
  Message,
  Spec,
  StructMember,
  SubMessage
} from "./SpecSchema.ts"

export type StructDef = Extract<Definition, { type: "struct" }>
export type EnumDef = Extract<Definition, { type: "enum" | "flags" }>
export type ConstDef = Extract<Definition, { type: "const" }>

export const pascal = (kebab: string): string =>
  kebab
    .split(/[-_]/)
    .filter((p) => p.length > 0)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join("")

export const camel = (kebab: string): string => {
  const p = pascal(kebab)
  return p[0].toLowerCase() + p.slice(1)
}

const RESERVED = new Set(["default", "delete", "new", "class", "function", "var", "const", "let", "in", "of"])

export const scalarSize: Record<string, number> = {
  u8: 1,
  s8: 1,
  u16: 2,
  s16: 2,
  u32: 4,
  s32: 4,
  u64: 8,
  s64: 8
}

export interface ResolvedAttr extends Attribute {
  readonly field: string
}

export interface Model {
  readonly spec: Spec
  readonly structs: ReadonlyMap<string, StructDef>
  readonly enums: ReadonlyMap<string, EnumDef>
  readonly consts: ReadonlyMap<string, ConstDef>
  /** The spec (family) each imported definition comes from; local ones are absent. */
  readonly origin: ReadonlyMap<string, string>
  readonly sets: ReadonlyMap<string, AttributeSet>
  readonly subs: ReadonlyMap<string, SubMessage>
  readonly messages: ReadonlyArray<Message>
  attrs(set: AttributeSet): ReadonlyArray<ResolvedAttr>
  structSize(name: string): number
  memberSize(m: StructMember): number
}

export class SpecError extends Error {}

/**
 * Resolves `spec`; `imported(name)` gives the resolved model of another spec
 * named in `imports` (main resolves specs in import order).
 */
export const resolve = (
  file: string,
  spec: Spec,
  imported: (name: string) => Model | undefined = () => undefined
): Model => {
  const fail = (where: string, msg: string): never => {
    throw new SpecError(`${file}: ${where}: ${msg}`)
  }
  const structs = new Map<string, StructDef>()
  const enums = new Map<string, EnumDef>()
  const consts = new Map<string, ConstDef>()
  const origin = new Map<string, string>()
  const define = (d: Definition, where: string) => {
    if (structs.has(d.name) || enums.has(d.name) || consts.has(d.name)) fail(where, "defined twice")
    if (d.type === "struct") structs.set(d.name, d)
    else if (d.type === "const") consts.set(d.name, d)
    else enums.set(d.name, d)
  }
  for (const im of spec.imports ?? []) {
    if (im.from === spec.name) fail(`imports.${im.from}`, "a spec cannot import itself")
    const other = imported(im.from) ?? fail(`imports.${im.from}`, `no spec named ${im.from}`)
    for (const name of im.definitions) {
      // The owner's own definition, or one it imported in turn: generated once, where it is defined.
      const d =
        other.structs.get(name) ??
        other.enums.get(name) ??
        other.consts.get(name) ??
        fail(`imports.${im.from}.${name}`, `${im.from} has no definition ${name}`)
      define(d, `imports.${im.from}.${name}`)
      origin.set(name, other.origin.get(name) ?? other.spec.name)
    }
  }
  for (const d of spec.definitions ?? []) define(d, `definitions.${d.name}`)
  const sets = new Map<string, AttributeSet>()
  for (const s of spec["attribute-sets"] ?? []) {
    if (sets.has(s.name)) fail(`attribute-sets.${s.name}`, "defined twice")
    sets.set(s.name, s)
  }
  const subs = new Map<string, SubMessage>()
  for (const s of spec["sub-messages"] ?? []) subs.set(s.name, s)

  const memberSize = (m: StructMember): number => {
    if (m.type === "binary" || m.type === "pad") {
      if (m.len === undefined) return fail(`struct member ${m.name}`, "binary and pad members need `len`")
      return m.len
    }
    return scalarSize[m.type]
  }
  const structSize = (name: string): number => {
    const s = structs.get(name) ?? fail(`struct ${name}`, "not defined")
    return s.members.reduce((n, m) => n + memberSize(m), 0)
  }

  const attrCache = new Map<string, ReadonlyArray<ResolvedAttr>>()
  const attrs = (set: AttributeSet): ReadonlyArray<ResolvedAttr> => {
    const cached = attrCache.get(set.name)
    if (cached) return cached
    const prefix = set["name-prefix"] ?? ""
    const out = set.attributes.map((a): ResolvedAttr => {
      let base = a.name
      if (base === undefined) {
        if (!a.uapi.startsWith(prefix))
          fail(`${set.name}.${a.uapi}`, `does not start with the set's name-prefix ${prefix}; give it a name`)
        base = a.uapi.slice(prefix.length).toLowerCase().replace(/_/g, "-")
      }
      let field = camel(base)
      if (/^\d/.test(field)) field = `v${field}`
      if (RESERVED.has(field)) field = `${field}_`
      return { ...a, field }
    })
    attrCache.set(set.name, out)
    return out
  }

  // Referential checks.
  for (const s of spec["attribute-sets"] ?? []) {
    const seenValue = new Map<number, string>()
    const seenField = new Set<string>()
    for (const a of attrs(s)) {
      const where = `${s.name}.${a.uapi}`
      if (a.type !== "pad" && seenValue.has(a.value))
        fail(where, `value ${a.value} already used by ${seenValue.get(a.value)}`)
      seenValue.set(a.value, a.uapi)
      if (seenField.has(a.field)) fail(where, `field name ${a.field} used twice`)
      seenField.add(a.field)
      if (a.value < 0 || a.value > 0x3fff) fail(where, "value out of range")
      if (a.struct && !structs.has(a.struct)) fail(where, `struct ${a.struct} is not defined`)
      if (a.enum && !enums.has(a.enum)) fail(where, `enum ${a.enum} is not defined`)
      if (a.header && !structs.has(a.header)) fail(where, `header ${a.header} is not defined`)
      if ((a.type === "nest" || a.type === "records") && !a["nested-attributes"])
        fail(where, `${a.type} needs nested-attributes`)
      if (a["nested-attributes"] && !sets.has(a["nested-attributes"]))
        fail(where, `attribute set ${a["nested-attributes"]} is not defined`)
      if (a.type === "records" && !a.struct)
        fail(where, "records need a struct whose first member is the length")
      const st = a["sub-type"]
      if (st !== undefined && a.type !== "binary" && a.type !== "indexed-array")
        fail(where, "sub-type applies to binary and indexed-array")
      if (a.type === "binary" && st !== undefined && scalarSize[st] === undefined)
        fail(where, "a binary's sub-type is an integer type")
      if (a.type === "indexed-array") {
        if (st === undefined) fail(where, "indexed-array needs a sub-type (the element type)")
        if (st === "nest" && !a["nested-attributes"]) fail(where, "nest elements need nested-attributes")
        if (a["multi-attr"]) fail(where, "an indexed-array is already a list; drop multi-attr")
      } else if (a["index-start"] !== undefined) fail(where, "index-start applies to indexed-array")
      if (a.unterminated !== undefined && a.type !== "string") fail(where, "unterminated applies to string")
      if (a.type === "sub-message") {
        if (!a["sub-message"] || !subs.has(a["sub-message"])) fail(where, "sub-message not defined")
        if (!a.selector) fail(where, "sub-message needs a selector")
        const sel = attrs(s).find((b) => b.field === camel(a.selector!))
        if (sel?.type !== "string")
          fail(where, `selector ${a.selector} must be a string attribute of ${s.name}`)
      }
    }
  }
  for (const sm of subs.values()) {
    for (const f of sm.formats) {
      if (f["attribute-set"] && !sets.has(f["attribute-set"]))
        fail(`sub-messages.${sm.name}.${f.value}`, `attribute set ${f["attribute-set"]} is not defined`)
    }
  }
  for (const m of spec.messages ?? []) {
    const h = structs.get(m.header) ?? fail(`messages.${m.name}`, `header ${m.header} is not defined`)
    const set = sets.get(m["attribute-set"]) ?? fail(`messages.${m.name}`, "attribute set not defined")
    const fields = new Set(
      attrs(set)
        .filter((a) => a.type !== "pad")
        .map((a) => a.field)
    )
    for (const mem of h.members) {
      if (mem.type !== "pad" && fields.has(camel(mem.name)))
        fail(`messages.${m.name}`, `header member ${mem.name} clashes with an attribute field; rename it`)
    }
  }
  const ops = spec.operations ?? []
  if (ops.length > 0 && spec.genl === undefined)
    fail("operations", "operations belong to a generic netlink family: add `genl`")
  const seenCmd = new Map<number, string>()
  for (const op of ops) {
    const where = `operations.${op.name}`
    if (seenCmd.has(op.value)) fail(where, `cmd ${op.value} already used by ${seenCmd.get(op.value)}`)
    seenCmd.set(op.value, op.name)
    if (op.value < 0 || op.value > 255) fail(where, "cmd is a u8")
    const set =
      sets.get(op["attribute-set"]) ?? fail(where, `attribute set ${op["attribute-set"]} is not defined`)
    const fields = new Set(attrs(set).map((a) => a.field))
    for (const mode of ["do", "dump"] as const)
      for (const dir of ["request", "reply"] as const)
        for (const n of op[mode]?.[dir] ?? [])
          if (!fields.has(camel(n)))
            fail(`${where}.${mode}.${dir}.${n}`, `${op["attribute-set"]} has no attribute ${n}`)
  }
  return {
    spec,
    structs,
    enums,
    consts,
    origin,
    sets,
    subs,
    messages: spec.messages ?? [],
    attrs,
    structSize,
    memberSize
  }
}
