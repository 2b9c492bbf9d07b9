/**
 * Emits one family's TypeScript: interfaces, Schemas, constants and the
 * DataView codecs. One emitter function per attribute type keeps the
 * per-type rules in one place each (decode, encode, TS type, Schema).
 */
import type { Model, ResolvedAttr, StructDef } from "./Model.ts"
import { camel, pascal, scalarSize } from "./Model.ts"
import type { StructMember } from "./SpecSchema.ts"

const LE = (order: string | undefined) => order !== "big-endian"
const isBig = (t: string) => t === "u64" || t === "s64" || t === "uint" || t === "sint"

const getter: Record<string, string> = {
  u8: "getUint8",
  s8: "getInt8",
  u16: "getUint16",
  s16: "getInt16",
  u32: "getUint32",
  s32: "getInt32",
  u64: "getBigUint64",
  s64: "getBigInt64"
}
const setter: Record<string, string> = {
  u8: "u8",
  s8: "s8",
  u16: "u16",
  s16: "s16",
  u32: "u32",
  s32: "s32",
  u64: "u64",
  s64: "s64"
}
const attrSetter: Record<string, string> = {
  u8: "attrU8",
  s8: "attrS8",
  u16: "attrU16",
  s16: "attrS16",
  u32: "attrU32",
  s32: "attrS32",
  u64: "attrU64",
  s64: "attrS64"
}
const schemaOf: Record<string, string> = {
  u8: "P.U8",
  s8: "P.S8",
  u16: "P.U16",
  s16: "P.S16",
  u32: "P.U32",
  s32: "P.S32",
  u64: "P.U64",
  s64: "P.S64",
  uint: "P.U64",
  sint: "P.S64"
}

// Inclusive value range of each integer type (bigint for the 64-bit ones).
const typeRange: Record<string, readonly [bigint | number, bigint | number]> = {
  u8: [0, 0xff],
  s8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  s16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  s32: [-0x80000000, 0x7fffffff],
  u64: [0n, 0xffffffffffffffffn],
  uint: [0n, 0xffffffffffffffffn],
  s64: [-0x8000000000000000n, 0x7fffffffffffffffn],
  sint: [-0x8000000000000000n, 0x7fffffffffffffffn]
}

const readScalar = (type: string, at: string, order?: string): string => {
  if (type === "u8" || type === "s8") return `view.${getter[type]}(${at})`
  // 64-bit values go through Wire's readers, which share small BigInts.
  if (type === "u64") return `readU64(view, ${at}, ${LE(order)})`
  if (type === "s64") return `readS64(view, ${at}, ${LE(order)})`
  return `view.${getter[type]}(${at}, ${LE(order)})`
}

const hintSchema = (hint: string | undefined): string | undefined => {
  switch (hint) {
    case "mac":
      return "P.MacAddress"
    case "ipv4":
      return "P.IPv4"
    case "ipv6":
      return "P.IPv6"
    case "inet":
      return "P.InetAddress"
    default:
      return undefined
  }
}

const docLine = (
  uapi: string,
  value: number | undefined,
  doc: string | undefined,
  extra?: string
): string => {
  const parts = [value === undefined ? uapi : `${uapi} (${value})`]
  if (doc) parts.push(`— ${doc.replace(/\*\//g, "*\\/")}`)
  if (extra) parts.push(extra)
  return `/** ${parts.join(" ")} */`
}

/** Where generated code finds the runtime, relative to the generated file. */
export interface EmitOptions {
  /** Default "../../runtime" (src/generated/<family>/ to src/runtime/). */
  readonly runtime?: string
}

// What generated code may take from the runtime; only the names a family uses are imported.
const WIRE_IMPORTS = [
  "DecodeFailure",
  "Writer",
  "badLength",
  "decodeRecords",
  "ipToString",
  "macToString",
  "parseIp",
  "parseMac",
  "readBytes",
  "readString",
  "readU64",
  "readS64",
  "readU8Array",
  "readS8Array",
  "readU16Array",
  "readS16Array",
  "readU32Array",
  "readS32Array",
  "readU64Array",
  "readS64Array"
]

// Bit-like values read better in hex (0x300, 0x40000000); counts and numbers stay decimal.
const literal = (v: number): string =>
  Number.isInteger(v) && v >= 0x100 && v.toString(16).replace(/0+$/, "").length <= 2
    ? `0x${v.toString(16)}`
    : String(v)

// `name` as an identifier: not part of a longer one, not a property (`.name`; a spread `...name` is a use)
const uses = (code: string, name: string): boolean =>
  new RegExp(`(?<![\\w$])(?<![^.]\\.)${name}(?![\\w$])`).test(code)

export const emitFamily = (
  model: Model,
  specPath: string,
  command: string,
  options: EmitOptions = {}
): string => {
  const out: Array<string> = []
  const o = (s: string) => out.push(s)
  const spec = model.spec
  const runtime = options.runtime ?? "../../runtime"
  const setName = (n: string) => pascal(n)
  const structName = (n: string) => pascal(n)
  const subName = (n: string) => pascal(n)
  const local = (name: string) => !model.origin.has(name)

  // ---------------------------------------------------------------- constants
  for (const c of model.consts.values()) {
    if (!local(c.name)) continue
    o(`// ${c.name}${c.doc ? ` — ${c.doc}` : ""}`)
    for (const x of c.entries) {
      o(`/** ${x.uapi}${x.doc ? ` — ${x.doc.replace(/\*\//g, "*\\/")}` : ""} */`)
      o(`export const ${x.uapi} = ${literal(x.value)}`)
    }
  }

  // ---------------------------------------------------------------- enums
  for (const e of model.enums.values()) {
    if (!local(e.name)) continue
    const names = e.entries.map((x) => x.uapi)
    let prefix = e["name-prefix"]
    if (prefix === undefined) {
      prefix = names[0] ?? ""
      for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1)
      prefix = prefix.slice(0, prefix.lastIndexOf("_") + 1)
    }
    const key = (x: { uapi: string; name?: string }) =>
      camel(x.name ?? x.uapi.slice(prefix!.length).toLowerCase())
    o(`/** ${e.type === "flags" ? "Flag bits" : "Values"} of ${e.name}${e.doc ? ` — ${e.doc}` : ""}. */`)
    o(`export const ${pascal(e.name)} = {`)
    for (const x of e.entries)
      o(`  /** ${x.uapi}${x.doc ? ` — ${x.doc}` : ""} */\n  ${JSON.stringify(key(x))}: ${x.value},`)
    o(`} as const`)
    o(`/** Names of ${e.name} values, for display. */`)
    o(`export const ${pascal(e.name)}Names: Readonly<Record<number, string>> = {`)
    const seen = new Set<number>()
    for (const x of e.entries) {
      if (seen.has(x.value)) continue
      seen.add(x.value)
      o(`  ${x.value}: ${JSON.stringify(key(x))},`)
    }
    o(`}`)
  }

  // ---------------------------------------------------------------- structs
  const memberTs = (m: StructMember): string => {
    if (m.type === "binary") return m["display-hint"] && m["display-hint"] !== "hex" ? "string" : "Uint8Array"
    return isBig(m.type) ? "bigint" : "number"
  }
  const memberSchema = (m: StructMember): string => {
    if (m.type === "binary") {
      const h = hintSchema(m["display-hint"])
      if (h) return h
      return `P.Bytes.check(Schema.isMinLength(${m.len}), Schema.isMaxLength(${m.len}))`
    }
    return schemaOf[m.type]
  }
  const structFields = (s: StructDef, skipFirst = false) =>
    s.members.filter((m, i) => m.type !== "pad" && !(skipFirst && i === 0))

  // records helper per struct used by `records` attributes
  const recordStructs = new Set<string>()
  for (const s of model.sets.values())
    for (const a of model.attrs(s)) if (a.type === "records") recordStructs.add(a.struct!)
  // Structs that head a message or a nest: attributes are added to them.
  const headerStructs = new Set<string>(model.messages.map((m) => m.header))
  for (const s of model.sets.values())
    for (const a of model.attrs(s)) if (a.type === "nest" && a.header) headerStructs.add(a.header)
  // One object literal per struct: V8 gives every decoded header the same shape.
  const structReads = (s: StructDef, skipFirst: boolean): Array<readonly [string, string]> => {
    const parts: Array<readonly [string, string]> = []
    let off = 0
    s.members.forEach((m, i) => {
      const at = off === 0 ? "p" : `p + ${off}`
      const f = camel(m.name)
      off += model.memberSize(m)
      if (m.type === "pad" || (skipFirst && i === 0)) return
      if (m.type === "binary") {
        const h = m["display-hint"]
        if (h === "mac") parts.push([f, `macToString(buf, ${at}, ${m.len})`])
        else if (h === "ipv4" || h === "ipv6" || h === "inet")
          parts.push([f, `ipToString(buf, ${at}, ${m.len})`])
        else parts.push([f, `readBytes(buf, ${at}, ${at} + ${m.len})`])
      } else parts.push([f, readScalar(m.type, at, m["byte-order"])])
    })
    return parts
  }
  const structLiteral = (s: StructDef, skipFirst: boolean): string =>
    `{ ${structReads(s, skipFirst)
      .map(([f, v]) => `${f}: ${v}`)
      .join(", ")} }`
  const sizeCheck = (s: StructDef): string => {
    const size = model.structSize(s.name)
    return `  if (end - p < ${size}) throw new DecodeFailure("struct ${s.name}: " + (end - p) + " bytes, expected ${size}", p)`
  }
  for (const s of model.structs.values()) {
    if (!local(s.name)) continue
    const N = structName(s.name)
    const size = model.structSize(s.name)
    const check = sizeCheck(s)
    o(`/** struct ${s.name}${s.doc ? ` — ${s.doc}` : ""} (${size} bytes). */`)
    o(`export interface ${N} {`)
    for (const m of structFields(s))
      o(`  ${m.doc ? `/** ${m.doc} */ ` : ""}readonly ${camel(m.name)}: ${memberTs(m)}`)
    o(`}`)
    o(`export const ${N}Size = ${size}`)
    o(`/** Byte offset of each member of struct ${s.name}. */`)
    o(`export const ${N}Offsets = {`)
    {
      let off = 0
      for (const m of s.members) {
        if (m.type !== "pad") o(`  ${camel(m.name)}: ${off},`)
        off += model.memberSize(m)
      }
    }
    o(`} as const`)
    o(`export const ${N}Fields = {`)
    for (const m of structFields(s)) o(`  ${camel(m.name)}: ${memberSchema(m)},`)
    o(`}`)
    o(`export const ${N}: Schema.Codec<${N}> = Schema.Struct(${N}Fields)`)
    o(`/** Decodes struct ${s.name} at [p, end). */`)
    if (headerStructs.has(s.name)) {
      // A header gets the message's attributes added after it. Built by a
      // constructor, V8 sizes the object for them (in-object slack tracking)
      // instead of a literal's exact fit plus an out-of-object property array;
      // its prototype is Object.prototype, so it is a plain object all the same.
      o(`function ${N}Object(this: any, buf: Uint8Array, view: DataView, p: number): void {`)
      for (const [f, v] of structReads(s, false)) o(`  this.${f} = ${v}`)
      o(`}`)
      o(`${N}Object.prototype = Object.prototype`)
      o(`export function decode${N}(buf: Uint8Array, view: DataView, p: number, end: number): ${N} {`)
      o(check)
      o(`  return new (${N}Object as any)(buf, view, p) as ${N}`)
      o(`}`)
    } else {
      o(`export function decode${N}(buf: Uint8Array, view: DataView, p: number, end: number): ${N} {`)
      o(check)
      o(`  return ${structLiteral(s, false)} as ${N}`)
      o(`}`)
    }
    o(`export function encode${N}(w: Writer, v: ${N}): void {`)
    for (const m of s.members) {
      const f = camel(m.name)
      if (m.type === "pad") o(`  w.zeros(${m.len})`)
      else if (m.type === "binary") {
        const h = m["display-hint"]
        let bytes = `v.${f}`
        if (h === "mac") bytes = `parseMac(v.${f})!`
        else if (h === "ipv4" || h === "ipv6" || h === "inet") bytes = `parseIp(v.${f})!`
        o(
          `  { const b = ${bytes}; w.bytes(b.subarray(0, ${m.len})); if (b.length < ${m.len}) w.zeros(${m.len} - b.length) }`
        )
      } else if (m.type === "u8" || m.type === "s8") o(`  w.${setter[m.type]}(v.${f} ?? 0)`)
      else
        o(
          `  w.${setter[m.type]}(v.${f} ?? ${isBig(m.type) ? "0n" : "0"}${m["byte-order"] === "big-endian" ? ", true" : ""})`
        )
    }
    o(`}`)
  }

  // ---------------------------------------------------------------- attribute sets
  // An indexed array's element: an attribute of the sub-type whose number is its index.
  const elementOf = (a: ResolvedAttr): ResolvedAttr => ({
    uapi: a.uapi,
    value: 0,
    type: a["sub-type"] as ResolvedAttr["type"],
    field: a.field,
    ...(a["byte-order"] ? { "byte-order": a["byte-order"] } : {}),
    ...(a["display-hint"] ? { "display-hint": a["display-hint"] } : {}),
    ...(a.struct ? { struct: a.struct } : {}),
    ...(a["nested-attributes"] ? { "nested-attributes": a["nested-attributes"] } : {}),
    ...(a.checks ? { checks: a.checks } : {}),
    ...(a.unterminated ? { unterminated: a.unterminated } : {})
  })
  const indexedName = (a: ResolvedAttr): string => `${pascal(a.uapi.toLowerCase())}Elements`
  const tsType = (a: ResolvedAttr): string => {
    let t: string
    switch (a.type) {
      case "u8":
      case "u16":
      case "u32":
      case "s8":
      case "s16":
      case "s32":
        t = "number"
        break
      case "u64":
      case "s64":
      case "uint":
      case "sint":
        t = "bigint"
        break
      case "string":
        t = "string"
        break
      case "flag":
        // a flag the kernel dumps as u8 0/1 reads as a boolean
        t = a["dump-type"] === "u8" ? "boolean" : "true"
        break
      case "bitfield32":
        t = "{ readonly value: number; readonly selector: number }"
        break
      case "binary":
        if (a.struct) t = structName(a.struct)
        else if (a["sub-type"]) t = `ReadonlyArray<${isBig(a["sub-type"]) ? "bigint" : "number"}>`
        else if (hintSchema(a["display-hint"])) t = "string"
        else t = "Uint8Array"
        break
      case "nest":
        t = a.header
          ? `${structName(a.header)} & ${setName(a["nested-attributes"]!)}`
          : setName(a["nested-attributes"]!)
        break
      case "sub-message":
        t = subName(a["sub-message"]!)
        break
      case "indexed-array":
        t = `ReadonlyArray<${tsType(elementOf(a))}>`
        break
      case "records":
        t = `ReadonlyArray<Omit<${structName(a.struct!)}, ${JSON.stringify(camel(model.structs.get(a.struct!)!.members[0].name))}> & ${setName(a["nested-attributes"]!)}>`
        break
      default:
        t = "never"
    }
    return a["multi-attr"] ? `ReadonlyArray<${t}>` : t
  }

  const checksOn = (base: string, a: ResolvedAttr): string => {
    const c = a.checks
    if (!c) return base
    let s = base
    if (c.min !== undefined || c.max !== undefined) {
      // A missing bound is the type's own, never a narrower stand-in.
      const [lo, hi] = typeRange[a.type]
      if (isBig(a.type))
        s += `.check(Schema.isBetweenBigInt({ minimum: ${c.min !== undefined ? BigInt(c.min) : lo}n, maximum: ${c.max !== undefined ? BigInt(c.max) : hi}n }))`
      else s += `.check(Schema.isBetween({ minimum: ${c.min ?? lo}, maximum: ${c.max ?? hi} }))`
    }
    if (c.pattern) s += `.check(Schema.isPattern(new RegExp(${JSON.stringify(c.pattern)})))`
    return s
  }

  const schemaFor = (a: ResolvedAttr): string => {
    let s: string
    switch (a.type) {
      case "string": {
        const c = a.checks
        s =
          c?.["max-len"] !== undefined || c?.["min-len"] !== undefined
            ? `P.stringMaxBytes(${c?.["max-len"] ?? 65535}, ${c?.["min-len"] ?? 0})`
            : "P.NlString"
        if (c?.pattern) s += `.check(Schema.isPattern(new RegExp(${JSON.stringify(c.pattern)})))`
        break
      }
      case "flag":
        // only true can be written (a flag); a dump's false reads back, so the type is boolean
        s = "Schema.Literal(true)"
        break
      case "bitfield32":
        s = "P.Bitfield32"
        break
      case "binary":
        if (a.struct)
          s = `Schema.suspend((): Schema.Codec<${structName(a.struct)}> => ${structName(a.struct)})`
        else if (a["sub-type"]) s = `Schema.Array(${schemaOf[a["sub-type"]]})`
        else {
          s = hintSchema(a["display-hint"]) ?? "P.Bytes"
          const c = a.checks
          if (s === "P.Bytes" && c && (c["max-len"] !== undefined || c["min-len"] !== undefined))
            s += `.check(Schema.isMinLength(${c["min-len"] ?? 0}), Schema.isMaxLength(${c["max-len"] ?? 65535}))`
        }
        break
      case "nest":
        s = a.header
          ? `Schema.suspend((): Schema.Codec<${tsType({ ...a, "multi-attr": false })}> => Schema.Struct({ ...${structName(a.header)}Fields, ...${setName(a["nested-attributes"]!)}Fields }))`
          : `Schema.suspend((): Schema.Codec<${setName(a["nested-attributes"]!)}> => ${setName(a["nested-attributes"]!)})`
        break
      case "sub-message":
        s = `Schema.suspend((): Schema.Codec<${subName(a["sub-message"]!)}> => ${subName(a["sub-message"]!)})`
        break
      case "indexed-array":
        s = `Schema.Array(${schemaFor(elementOf(a))})`
        break
      case "records": {
        const st = model.structs.get(a.struct!)!
        const rest = structFields(st, true)
          .map((m) => `${camel(m.name)}: ${structName(a.struct!)}Fields.${camel(m.name)}`)
          .join(", ")
        s = `Schema.suspend((): Schema.Codec<${tsType({ ...a, "multi-attr": false })}> => Schema.Array(Schema.Struct({ ${rest}, ...${setName(a["nested-attributes"]!)}Fields })))`
        break
      }
      default:
        s = checksOn(schemaOf[a.type], a)
    }
    return a["multi-attr"] ? `Schema.Array(${s})` : s
  }

  // decode expression for one value at payload [p, e) with length n
  const decodeValue = (a: ResolvedAttr, where: string): string => {
    const need = (n: number, expr: string) =>
      `(n < ${n} ? badLength(${JSON.stringify(where)}, n, ${n}, off) : ${expr})`
    switch (a.type) {
      case "u8":
      case "s8":
      case "u16":
      case "s16":
      case "u32":
      case "s32":
      case "u64":
      case "s64":
        return need(scalarSize[a.type], readScalar(a.type, "p", a["byte-order"]))
      case "uint":
        return `(n >= 8 ? readU64(view, p, true) : n >= 4 ? BigInt(view.getUint32(p, true)) : badLength(${JSON.stringify(where)}, n, 4, off))`
      case "sint":
        return `(n >= 8 ? readS64(view, p, true) : n >= 4 ? BigInt(view.getInt32(p, true)) : badLength(${JSON.stringify(where)}, n, 4, off))`
      case "string":
        return "readString(buf, p, e)"
      case "flag":
        return a["dump-type"] === "u8" ? "(n >= 1 ? view.getUint8(p) !== 0 : true)" : "true"
      case "bitfield32":
        return need(8, "{ value: view.getUint32(p, true), selector: view.getUint32(p + 4, true) }")
      case "binary": {
        if (a.struct) return `decode${structName(a.struct)}(buf, view, p, e)`
        const st = a["sub-type"]
        if (st) return `read${pascal(st)}Array(view, p, e, ${LE(a["byte-order"])})`
        const h = a["display-hint"]
        if (h === "mac") return "macToString(buf, p, n)"
        if (h === "ipv4" || h === "ipv6" || h === "inet") return "ipToString(buf, p, n)"
        return "readBytes(buf, p, e)"
      }
      case "nest":
        if (a.header) {
          const H = structName(a.header)
          return `decode${setName(a["nested-attributes"]!)}Into(decode${H}(buf, view, p, e), buf, view, p + ${H}Size, e)`
        }
        return `decode${setName(a["nested-attributes"]!)}Into({}, buf, view, p, e)`
      case "indexed-array":
        return `decode${indexedName(a)}(buf, view, p, e)`
      case "records":
        return `decode${pascal(a.struct!)}Records(buf, view, p, e, decode${setName(a["nested-attributes"]!)}Into)`
      default:
        return "undefined"
    }
  }

  const encodeValue = (a: ResolvedAttr, val: string, typeExpr?: string): string => {
    const T = typeExpr ?? a.value
    const be = a["byte-order"] === "big-endian" ? ", true" : ""
    switch (a.type) {
      case "u8":
      case "s8":
        return `w.${attrSetter[a.type]}(${T}, ${val})`
      case "u16":
      case "s16":
      case "u32":
      case "s32":
      case "u64":
      case "s64":
        return `w.${attrSetter[a.type]}(${T}, ${val}${be})`
      case "uint":
        return `w.attrU64(${T}, ${val})`
      case "sint":
        return `w.attrS64(${T}, ${val})`
      case "string":
        // text without its NUL: as bytes, the kernel takes the attribute length as the string's
        return a.unterminated ? `w.attrBinary(${T}, utf8.encode(${val}))` : `w.attrString(${T}, ${val})`
      case "flag":
        return `if (${val}) w.attrFlag(${T})`
      case "bitfield32":
        return `{ const s = w.attrStart(${T}); w.u32(${val}.value); w.u32(${val}.selector); w.attrEnd(s) }`
      case "binary": {
        if (a.struct)
          return `{ const s = w.attrStart(${T}); encode${structName(a.struct)}(w, ${val}); w.attrEnd(s) }`
        const st = a["sub-type"]
        if (st)
          return `{ const s = w.attrStart(${T}); for (const x of ${val}) w.${setter[st]}(x as any${be}); w.attrEnd(s) }`
        const h = a["display-hint"]
        if (h === "mac") return `w.attrBinary(${T}, parseMac(${val})!)`
        if (h === "ipv4" || h === "ipv6" || h === "inet") return `w.attrBinary(${T}, parseIp(${val})!)`
        return `w.attrBinary(${T}, ${val})`
      }
      case "nest": {
        const flag = a["nested-flag"] === false ? "false" : "true"
        const S = setName(a["nested-attributes"]!)
        if (a.header)
          return `{ const s = w.nestStart(${T}, ${flag}); encode${structName(a.header)}(w, ${val}); encode${S}(w, ${val}); w.attrEnd(s) }`
        return `{ const s = w.nestStart(${T}, ${flag}); encode${S}(w, ${val}); w.attrEnd(s) }`
      }
      case "indexed-array":
        return `{ const s = w.nestStart(${T}, ${a["nested-flag"] === false ? "false" : "true"}); encode${indexedName(a)}(w, ${val}); w.attrEnd(s) }`
      case "records": {
        const S = setName(a["nested-attributes"]!)
        const st = model.structs.get(a.struct!)!
        const lenField = camel(st.members[0].name)
        const flag = a["nested-flag"] === false ? "false" : "true"
        return `{ const s = w.nestStart(${T}, ${flag}); for (const r of ${val}) { const rs = w.pos; encode${structName(a.struct!)}(w, { ...r, ${lenField}: 0 } as any); encode${S}(w, r); w.view.setUint16(rs, w.pos - rs, true) } w.attrEnd(s) }`
      }
      default:
        return ""
    }
  }

  for (const sn of recordStructs) {
    const H = structName(sn)
    const st = model.structs.get(sn)!
    // records carry their own length first; it is framing, not data
    o(`const decode${H}Body = (buf: Uint8Array, view: DataView, p: number, end: number): any => {`)
    o(sizeCheck(st))
    o(`  return ${structLiteral(st, true)}`)
    o(`}`)
    o(
      `const decode${H}Records = (buf: Uint8Array, view: DataView, p: number, e: number, attrs: (out: any, buf: Uint8Array, view: DataView, p: number, e: number) => any): Array<any> =>`
    )
    o(`  decodeRecords(buf, view, p, e, ${H}Size, "${sn}", decode${H}Body, attrs)`)
  }

  // Indexed arrays: a nest of elements numbered from index-start, decoded in order of arrival.
  for (const s of model.sets.values())
    for (const a of model.attrs(s)) {
      if (a.type !== "indexed-array") continue
      const X = indexedName(a)
      const el = elementOf(a)
      const T = tsType(el)
      const v = decodeValue(el, `${s.name}.${a.uapi}[]`)
      const locals = [
        uses(v, "p") ? "p = off + 4" : "",
        uses(v, "e") ? "e = off + len" : "",
        uses(v, "n") ? "n = len - 4" : ""
      ].filter((x) => x !== "")
      o(`/** Decodes the elements of ${a.uapi} in [start, end). */`)
      o(`function decode${X}(buf: Uint8Array, view: DataView, start: number, end: number): Array<${T}> {`)
      o(`  const out: Array<${T}> = []`)
      o(`  let off = start`)
      o(`  while (off + 4 <= end) {`)
      o(`    const len = view.getUint16(off, true)`)
      o(
        `    if (len < 4 || off + len > end) throw new DecodeFailure("${s.name}.${a.uapi}: element length " + len + " at " + (off - start) + " of " + (end - start), off)`
      )
      if (locals.length > 0) o(`    const ${locals.join(", ")}`)
      o(`    out.push(${v})`)
      o(`    off += (len + 3) & ~3`)
      o(`  }`)
      o(`  return out`)
      o(`}`)
      o(`/** Writes the elements of ${a.uapi}, numbered from ${a["index-start"] ?? 0}. */`)
      o(`function encode${X}(w: Writer, v: ReadonlyArray<${T}>): void {`)
      o(
        `  for (let i = 0; i < v.length; i++) ${encodeValue(el, "v[i]", a["index-start"] ? `i + ${a["index-start"]}` : "i")}`
      )
      o(`}`)
    }

  // Field consts first (they only refer to other sets through suspend), then Schemas.
  for (const s of model.sets.values()) {
    const S = setName(s.name)
    const as = model.attrs(s)
    o(`/** Attribute set ${s.name}${s.doc ? ` — ${s.doc}` : ""}. */`)
    o(`export interface ${S} {`)
    for (const a of as) {
      if (a.type === "pad") continue
      o(`  ${docLine(a.uapi, a.value, a.doc, a.enum ? `(values: ${pascal(a.enum)})` : undefined)}`)
      o(`  readonly ${a.field}?: ${tsType(a)}`)
      if (a.type === "sub-message") {
        o(`  /** ${a.uapi} payload for a ${a.selector} this spec does not describe, kept as bytes. */`)
        o(`  readonly ${a.field}Raw?: Uint8Array`)
      }
    }
    o(`  /** Attributes this spec does not describe (a newer kernel's), kept as received. */`)
    o(`  readonly unknown?: ReadonlyArray<RawAttribute>`)
    o(`}`)
    o(`/** Attribute type numbers of ${s.name}. */`)
    o(`export const ${S}Types = {`)
    for (const a of as) o(`  /** ${a.uapi} */ ${a.field}: ${a.value},`)
    o(`} as const`)
    o(`export const ${S}Fields = {`)
    for (const a of as) {
      if (a.type === "pad") continue
      o(`  ${a.field}: Schema.optionalKey(${schemaFor(a)}),`)
      if (a.type === "sub-message") o(`  ${a.field}Raw: Schema.optionalKey(P.Bytes),`)
    }
    o(`  unknown: Schema.optionalKey(P.rawAttributes([${as.map((a) => a.value).join(", ")}])),`)
    o(`}`)
  }
  for (const s of model.sets.values()) {
    const S = setName(s.name)
    o(`export const ${S}: Schema.Codec<${S}> = Schema.Struct(${S}Fields)`)
  }

  // sub-message unions
  for (const sm of model.subs.values()) {
    const N = subName(sm.name)
    // The selector's field name is the discriminator; every attribute using this sub-message must agree.
    const users: Array<ResolvedAttr> = []
    for (const s of model.sets.values())
      for (const a of model.attrs(s)) if (a["sub-message"] === sm.name) users.push(a)
    const disc = camel(users[0]?.selector ?? "kind")
    const variants = sm.formats.map((f) => {
      const body = f["attribute-set"] ? setName(f["attribute-set"]) : "{}"
      return `({ readonly ${disc}: ${JSON.stringify(f.value)} } & ${body})`
    })
    o(`/** ${sm.name}: the payload chosen by ${disc}${sm.doc ? ` — ${sm.doc}` : ""}. */`)
    o(`export type ${N} = ${variants.join(" | ") || "never"}`)
    o(`export const ${N}: Schema.Codec<${N}> = Schema.Union([`)
    for (const f of sm.formats) {
      const fields = f["attribute-set"] ? `, ...${setName(f["attribute-set"])}Fields` : ""
      o(`  Schema.Struct({ ${disc}: Schema.Literal(${JSON.stringify(f.value)})${fields} }),`)
    }
    o(`]) as any`)
    o(`/** The ${disc} values ${sm.name} describes. */`)
    o(`export const ${N}Kinds: ReadonlyArray<string> = ${JSON.stringify(sm.formats.map((f) => f.value))}`)
    // The codec only where an attribute carries this sub-message.
    if (users.length === 0) continue
    o(
      `const decode${N} = (${disc}: string | undefined, buf: Uint8Array, view: DataView, p: number, e: number): any => {`
    )
    o(`  switch (${disc}) {`)
    for (const f of sm.formats) {
      const dec = f["attribute-set"]
        ? `decode${setName(f["attribute-set"])}Into(out, buf, view, p, e)`
        : "out"
      o(
        `    case ${JSON.stringify(f.value)}: { const out: any = { ${disc}: ${JSON.stringify(f.value)} }; return ${dec} }`
      )
    }
    o(`    default: return undefined`)
    o(`  }`)
    o(`}`)
    o(`const encode${N} = (w: Writer, v: ${N}): void => {`)
    o(`  switch (v.${disc}) {`)
    for (const f of sm.formats) {
      if (f["attribute-set"])
        o(`    case ${JSON.stringify(f.value)}: encode${setName(f["attribute-set"])}(w, v as any); break`)
    }
    o(`  }`)
    o(`}`)
  }

  // View decoders: for a set with a `view`, a walk that decodes only the
  // configuration the object model reads; `as: omit` and `as: status`
  // attributes (counters, kernel-reported state: read on demand from the whole
  // message) and unknown attributes are skipped. Nests whose set has a view use its view decoder.
  for (const s of model.sets.values()) {
    if (s.view === undefined) continue
    const S = setName(s.name)
    const as = model.attrs(s)
    const subAttrs = as.filter(
      (a) => a.type === "sub-message" && a.view?.as !== "omit" && a.view?.as !== "status"
    )
    const cases: Array<string> = []
    for (const a of as) {
      if (a.type === "pad" || a.view?.as === "omit" || a.view?.as === "status") continue
      if (a.type === "sub-message") {
        cases.push(`      case ${a.value}: sm_${a.field}_p = p; sm_${a.field}_e = e; break`)
        continue
      }
      const nested = a.type === "nest" && !a.header ? model.sets.get(a["nested-attributes"]!) : undefined
      const v =
        nested?.view !== undefined
          ? `decode${setName(nested.name)}ViewInto({}, buf, view, p, e)`
          : decodeValue(a, `${s.name}.${a.uapi}`)
      if (a["multi-attr"]) cases.push(`      case ${a.value}: (out.${a.field} ??= []).push(${v}); break`)
      else cases.push(`      case ${a.value}: out.${a.field} = ${v}; break`)
    }
    const body = cases.join("\n")
    o(
      `/** Decodes the ${s.name} attributes the ${s.view} view reads (others skipped) in [start, end) into \`out\`. */`
    )
    o(
      `export function decode${S}ViewInto(out: any, buf: Uint8Array, view: DataView, start: number, end: number): ${S} {`
    )
    o(`  let off = start`)
    for (const a of subAttrs) o(`  let sm_${a.field}_p = -1, sm_${a.field}_e = -1`)
    o(`  while (off + 4 <= end) {`)
    o(`    const len = view.getUint16(off, true)`)
    o(
      `    if (len < 4 || off + len > end) throw new DecodeFailure("${s.name}: attribute length " + len + " at " + (off - start) + " of " + (end - start), off)`
    )
    const locals = [
      "p = off + 4",
      uses(body, "e") || subAttrs.length > 0 ? "e = off + len" : "",
      uses(body, "n") ? "n = len - 4" : ""
    ].filter((x) => x !== "")
    o(`    const ${locals.join(", ")}`)
    o(`    switch (view.getUint16(off + 2, true) & 0x3fff) {`)
    for (const c of cases) o(c)
    o(`    }`)
    o(`    off += (len + 3) & ~3`)
    o(`  }`)
    for (const a of subAttrs) {
      const sel = camel(a.selector!)
      const N = subName(a["sub-message"]!)
      o(`  if (sm_${a.field}_p !== -1) {`)
      o(`    let v: any`)
      o(
        `    try { v = decode${N}(out.${sel}, buf, view, sm_${a.field}_p, sm_${a.field}_e) } catch (err) { if (!(err instanceof DecodeFailure)) throw err }`
      )
      o(`    if (v !== undefined) out.${a.field} = v`)
      o(`    else out.${a.field}Raw = buf.slice(sm_${a.field}_p, sm_${a.field}_e)`)
      o(`  }`)
    }
    o(`  return out`)
    o(`}`)
  }

  // decoders / encoders per set
  for (const s of model.sets.values()) {
    const S = setName(s.name)
    const as = model.attrs(s)
    const subAttrs = as.filter((a) => a.type === "sub-message")
    o(`/** Decodes ${s.name} attributes in [start, end) into \`out\`. */`)
    o(
      `export function decode${S}Into(out: any, buf: Uint8Array, view: DataView, start: number, end: number): ${S} {`
    )
    o(`  let off = start`)
    o(`  let unknown: Array<RawAttribute> | undefined`)
    for (const a of subAttrs) o(`  let sm_${a.field}_p = -1, sm_${a.field}_e = -1`)
    o(`  while (off + 4 <= end) {`)
    o(`    const len = view.getUint16(off, true)`)
    o(
      `    if (len < 4 || off + len > end) throw new DecodeFailure("${s.name}: attribute length " + len + " at " + (off - start) + " of " + (end - start), off)`
    )
    o(`    const rawType = view.getUint16(off + 2, true)`)
    const cases: Array<string> = []
    for (const a of as) {
      if (a.type === "pad") {
        cases.push(`      case ${a.value}: break`)
        continue
      }
      if (a.type === "sub-message") {
        cases.push(`      case ${a.value}: sm_${a.field}_p = p; sm_${a.field}_e = e; break`)
        continue
      }
      const v = decodeValue(a, `${s.name}.${a.uapi}`)
      if (a["multi-attr"]) cases.push(`      case ${a.value}: (out.${a.field} ??= []).push(${v}); break`)
      else cases.push(`      case ${a.value}: out.${a.field} = ${v}; break`)
    }
    // p and e serve the default case; n only the attributes that check a length
    o(`    const p = off + 4, e = off + len${uses(cases.join("\n"), "n") ? ", n = len - 4" : ""}`)
    o(`    switch (rawType & 0x3fff) {`)
    for (const c of cases) o(c)
    o(`      default: (unknown ??= []).push({ type: rawType, data: buf.slice(p, e) })`)
    o(`    }`)
    o(`    off += (len + 3) & ~3`)
    o(`  }`)
    for (const a of subAttrs) {
      const sel = camel(a.selector!)
      const N = subName(a["sub-message"]!)
      o(`  if (sm_${a.field}_p !== -1) {`)
      o(`    let v: any`)
      // A payload that does not parse as its kind is kept raw rather than failing the whole message.
      o(
        `    try { v = decode${N}(out.${sel}, buf, view, sm_${a.field}_p, sm_${a.field}_e) } catch (err) { if (!(err instanceof DecodeFailure)) throw err }`
      )
      o(`    if (v !== undefined) out.${a.field} = v`)
      o(`    else out.${a.field}Raw = buf.slice(sm_${a.field}_p, sm_${a.field}_e)`)
      o(`  }`)
    }
    o(`  if (unknown !== undefined) out.unknown = unknown`)
    o(`  return out`)
    o(`}`)
    o(`/** Decodes ${s.name} attributes in [start, end). */`)
    o(`export function decode${S}(buf: Uint8Array, view: DataView, start: number, end: number): ${S} {`)
    o(`  return decode${S}Into({}, buf, view, start, end)`)
    o(`}`)

    o(`/** Writes the ${s.name} attributes present in \`v\`. */`)
    o(`export function encode${S}(w: Writer, v: ${S}): void {`)
    for (const a of as) {
      if (a.type === "pad") continue
      if (a.type === "sub-message") continue
      // a selector is written from its sub-message's discriminator when that is present
      const drivenBy = subAttrs.find((sa) => camel(sa.selector!) === a.field)
      if (drivenBy) {
        o(
          `  { const k = v.${drivenBy.field}?.${a.field} ?? v.${a.field}; if (k !== undefined) w.attrString(${a.value}, k) }`
        )
        continue
      }
      if (a["multi-attr"])
        o(`  if (v.${a.field} !== undefined) for (const x of v.${a.field}) ${encodeValue(a, "x")}`)
      else o(`  if (v.${a.field} !== undefined) ${encodeValue(a, `v.${a.field}`)}`)
    }
    for (const a of subAttrs) {
      const flag = a["nested-flag"] === false ? "false" : "true"
      o(
        `  if (v.${a.field} !== undefined) { const s = w.nestStart(${a.value}, ${flag}); encode${subName(a["sub-message"]!)}(w, v.${a.field}); w.attrEnd(s) }`
      )
      o(
        `  else if (v.${a.field}Raw !== undefined) { const s = w.nestStart(${a.value}, ${flag}); w.bytes(v.${a.field}Raw); w.attrEnd(s) }`
      )
    }
    o(
      `  if (v.unknown !== undefined) for (const u of v.unknown) { const s = w.attrStart(u.type); w.bytes(u.data); w.attrEnd(s) }`
    )
    o(`}`)
  }

  // describe metadata for extack paths
  for (const s of model.sets.values()) {
    const S = setName(s.name)
    o(`/** Names of ${s.name} attributes, for error messages. */`)
    o(`export const ${S}Meta: AttributeMeta = {`)
    o(`  set: ${JSON.stringify(s.name)},`)
    o(`  attributes: {`)
    for (const a of model.attrs(s)) {
      let more = ""
      if (a.type === "nest" || a.type === "records")
        more = `, nested: () => ${setName(a["nested-attributes"]!)}Meta`
      else if (a.type === "indexed-array")
        more = `, indexed: true${a["sub-type"] === "nest" ? `, nested: () => ${setName(a["nested-attributes"]!)}Meta` : ""}`
      else if (a.type === "sub-message") {
        // the payload's set follows the selector's value, read from the request
        const sel = model.attrs(s).find((b) => b.field === camel(a.selector!))!
        const formats = model.subs
          .get(a["sub-message"]!)!
          .formats.filter((f) => f["attribute-set"] !== undefined)
          .map((f) => `${JSON.stringify(f.value)}: ${setName(f["attribute-set"]!)}Meta`)
        more = `, selector: ${sel.value}, formats: () => ({ ${formats.join(", ")} })`
      }
      o(`    ${a.value}: { name: ${JSON.stringify(a.uapi)}${more} },`)
    }
    o(`  }`)
    o(`}`)
  }

  // ---------------------------------------------------------------- messages
  for (const m of model.messages) {
    const M = `${pascal(m.name)}Message`
    const H = structName(m.header)
    const S = setName(m["attribute-set"])
    o(
      `/** ${m.name} message: struct ${m.header} followed by ${m["attribute-set"]}${m.doc ? ` — ${m.doc}` : ""}. */`
    )
    o(`export interface ${M} extends ${H}, ${S} {}`)
    o(`export const ${M}: Schema.Codec<${M}> = Schema.Struct({ ...${H}Fields, ...${S}Fields })`)
    o(`/** Netlink message types carrying ${m.name}. */`)
    o(`export const ${M}Types = {`)
    for (const [k, v] of Object.entries(m.types)) o(`  ${k}: ${v},`)
    o(`} as const`)
    o(`/** Size of the fixed header that precedes the attributes. */`)
    o(`export const ${M}HeaderSize = ${H}Size`)
    o(`/** Decodes a ${m.name} message body (after the nlmsghdr) in [start, end). */`)
    o(`export function decode${M}(buf: Uint8Array, view: DataView, start: number, end: number): ${M} {`)
    o(`  return decode${S}Into(decode${H}(buf, view, start, end), buf, view, start + ${H}Size, end) as ${M}`)
    o(`}`)
    o(`/** Writes a ${m.name} message body (header struct, then attributes). */`)
    o(`export function encode${M}(w: Writer, v: ${M}): void {`)
    o(`  encode${H}(w, v)`)
    o(`  encode${S}(w, v)`)
    o(`}`)
    o(`/** Attribute names for extended-ack paths in ${m.name} requests. */`)
    o(`export const ${M}Meta = ${S}Meta`)
  }

  // ---------------------------------------------------------------- generic netlink
  const genl = spec.genl
  if (genl !== undefined) {
    const groups = (genl["mcast-groups"] ?? []).map((g) => g.name)
    o(`/** Generic netlink family ${genl["family-name"]} (resolve its id through nlctrl by this name). */`)
    o(`export const GenlFamily = {`)
    o(`  name: ${JSON.stringify(genl["family-name"])},`)
    o(
      `  /** genlmsghdr.version sent with every request${genl["version-uapi"] ? ` (${genl["version-uapi"]})` : ""}. */`
    )
    o(`  version: ${genl.version},`)
    o(`  /** Multicast groups, by name (resolve their ids through nlctrl). */`)
    o(`  mcastGroups: [${groups.map((g) => JSON.stringify(g)).join(", ")}],`)
    o(`} as const`)
    o(`/** Size of struct genlmsghdr (cmd, version, reserved), before the attributes. */`)
    o(`export const GENL_HDRLEN = 4`)
    for (const op of spec.operations ?? []) {
      const Op = pascal(op.name)
      const S = setName(op["attribute-set"])
      const list = (xs: ReadonlyArray<string> | undefined) =>
        `[${(xs ?? []).map((x) => JSON.stringify(camel(x))).join(", ")}]`
      const mode = (k: "do" | "dump") => {
        const m = op[k]
        return m === undefined ? "undefined" : `{ request: ${list(m.request)}, reply: ${list(m.reply)} }`
      }
      o(`/** ${op.uapi} (cmd ${op.value})${op.doc ? ` — ${op.doc.replace(/\*\//g, "*\\/")}` : ""} */`)
      o(`export const ${Op}Operation = {`)
      o(`  name: ${JSON.stringify(op.name)},`)
      o(`  cmd: ${op.value},`)
      o(`  attributeSet: ${JSON.stringify(op["attribute-set"])},`)
      o(`  /** Attributes of a plain request and its reply. */`)
      o(`  do: ${mode("do")},`)
      o(`  /** Attributes of a dump request (NLM_F_DUMP) and of each reply message. */`)
      o(`  dump: ${mode("dump")},`)
      o(`  event: ${op.event === true},`)
      o(`} as const`)
      if (op.event !== true) {
        const req = [...new Set([...(op.do?.request ?? []), ...(op.dump?.request ?? [])].map(camel))]
        o(`/** What a ${op.uapi} request may carry. */`)
        o(
          `export type ${Op}Request = Pick<${S}, ${req.length > 0 ? req.map((r) => JSON.stringify(r)).join(" | ") : "never"}>`
        )
        o(`/** Writes a ${op.uapi} message body: genlmsghdr, then the attributes. */`)
        o(`export function encode${Op}Request(w: Writer, v: ${S}): void {`)
        o(`  w.u8(${op.value})`)
        o(`  w.u8(${genl.version})`)
        o(`  w.u16(0)`)
        o(`  encode${S}(w, v)`)
        o(`}`)
      }
      o(
        `/** Decodes a ${op.uapi} message body (after the nlmsghdr; genlmsghdr, then ${op["attribute-set"]}). */`
      )
      o(
        `export function decode${Op}Reply(buf: Uint8Array, view: DataView, start: number, end: number): ${S} {`
      )
      o(
        `  if (end - start < GENL_HDRLEN) badLength(${JSON.stringify(`${op.name}.genlmsghdr`)}, end - start, GENL_HDRLEN, start)`
      )
      o(`  return decode${S}(buf, view, start + GENL_HDRLEN, end)`)
      o(`}`)
    }
  }

  // ---------------------------------------------------------------- header and imports
  const body = out.join("\n")
  const code = body.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
  const head: Array<string> = [
    `/**
 * @generated by \`${command}\` from ${specPath}. Do not edit: change the spec and regenerate.
 *
 * ${(spec.doc ?? spec.name).replace(/\*\//g, "*\\/")}
 *
 * @since 0.1.0
 */
/* eslint-disable */`
  ]
  if (uses(code, "Schema")) head.push(`import * as Schema from "effect/Schema"`)
  if (uses(code, "P")) head.push(`import * as P from "${runtime}/Primitives.ts"`)
  if (uses(code, "RawAttribute")) head.push(`import type { RawAttribute } from "${runtime}/Primitives.ts"`)
  if (uses(code, "AttributeMeta")) head.push(`import type { AttributeMeta } from "${runtime}/Describe.ts"`)
  const wire = WIRE_IMPORTS.filter((n) => uses(code, n))
  if (wire.length > 0) head.push(`import { ${wire.join(", ")} } from "${runtime}/Wire.ts"`)
  // Imported definitions: what the body uses is imported; everything the owner generates for
  // them is re-exported, so this family exports what it did when it defined them itself.
  const byOrigin = new Map<string, Array<string>>()
  for (const [name, from] of model.origin) {
    const list = byOrigin.get(from) ?? []
    list.push(name)
    byOrigin.set(from, list)
  }
  for (const [from, names] of byOrigin) {
    const values: Array<string> = []
    const types: Array<string> = []
    for (const name of names) {
      const N = pascal(name)
      const c = model.consts.get(name)
      if (c) values.push(...c.entries.map((x) => x.uapi))
      else if (model.enums.has(name)) values.push(N, `${N}Names`)
      else {
        types.push(N)
        values.push(N, `${N}Size`, `${N}Offsets`, `${N}Fields`, `decode${N}`, `encode${N}`)
      }
    }
    const target = `../${from}/index.ts`
    const used = values.filter((n) => uses(code, n))
    if (used.length > 0) head.push(`import { ${used.join(", ")} } from "${target}"`)
    const usedTypes = types.filter((n) => uses(code, n) && !used.includes(n))
    if (usedTypes.length > 0) head.push(`import type { ${usedTypes.join(", ")} } from "${target}"`)
    // a struct's name re-exports its interface and its Schema together
    head.push(`export { ${values.join(", ")} } from "${target}"`)
  }
  if (uses(code, "utf8")) head.push("", "const utf8 = new TextEncoder()")
  return `${head.join("\n")}\n\n${body}\n`
}
