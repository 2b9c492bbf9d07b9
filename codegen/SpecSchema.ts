/**
 * The spec format (spec/README.md) as an Effect Schema: a bad spec fails
 * codegen with the path of the offending entry.
 */
import { Schema } from "effect"

const ScalarType = Schema.Literals(["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64"])
export type ScalarType = typeof ScalarType.Type

const Kebab = Schema.String.check(Schema.isPattern(/^[a-z][a-z0-9-]*$/))
const CName = Schema.String.check(Schema.isPattern(/^[A-Z][A-Z0-9_]*$/))
const ByteOrder = Schema.Literals(["host", "big-endian", "little-endian"])

export const Checks = Schema.Struct({
  min: Schema.optionalKey(Schema.Number),
  max: Schema.optionalKey(Schema.Number),
  "min-len": Schema.optionalKey(Schema.Int),
  "max-len": Schema.optionalKey(Schema.Int),
  pattern: Schema.optionalKey(Schema.String)
})
export type Checks = typeof Checks.Type

export const StructMember = Schema.Struct({
  name: Kebab,
  type: Schema.Union([ScalarType, Schema.Literals(["binary", "pad"])]),
  len: Schema.optionalKey(Schema.Int),
  "byte-order": Schema.optionalKey(ByteOrder),
  "display-hint": Schema.optionalKey(Schema.Literals(["mac", "ipv4", "ipv6", "inet", "hex"])),
  enum: Schema.optionalKey(Kebab),
  doc: Schema.optionalKey(Schema.String)
})
export type StructMember = typeof StructMember.Type

export const EnumEntry = Schema.Struct({
  uapi: CName,
  value: Schema.Number,
  name: Schema.optionalKey(Kebab),
  doc: Schema.optionalKey(Schema.String)
})
export type EnumEntry = typeof EnumEntry.Type

export const Definition = Schema.Union([
  Schema.Struct({
    name: Kebab,
    type: Schema.Literal("struct"),
    doc: Schema.optionalKey(Schema.String),
    members: Schema.Array(StructMember)
  }),
  Schema.Struct({
    name: Kebab,
    type: Schema.Literals(["enum", "flags"]),
    doc: Schema.optionalKey(Schema.String),
    "name-prefix": Schema.optionalKey(Schema.String),
    entries: Schema.Array(EnumEntry)
  }),
  // Named constants, each exported under its UAPI name (NLM_F_REQUEST).
  Schema.Struct({
    name: Kebab,
    type: Schema.Literal("const"),
    doc: Schema.optionalKey(Schema.String),
    entries: Schema.Array(EnumEntry)
  })
])
export type Definition = typeof Definition.Type

const AttrType = Schema.Literals([
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "uint",
  "sint",
  "string",
  "binary",
  "flag",
  "nest",
  "sub-message",
  "records",
  "bitfield32",
  "indexed-array",
  "pad"
])
export type AttrType = typeof AttrType.Type

/**
 * The view layer (spec/README.md "View layer"): how an attribute of a set with a
 * `view` appears in the object model (name, type, enum names, device
 * references, units, status vs configuration, the kernel's default).
 */
export const AttrView = Schema.Struct({
  name: Schema.optionalKey(Kebab),
  as: Schema.optionalKey(
    Schema.Literals(["bool", "flag", "enum", "device", "status", "hand", "omit", "keyword"])
  ),
  // an integer that also takes names for some of its values (ttl "auto" = 0)
  keywords: Schema.optionalKey(Schema.Record(Schema.String, Schema.Number)),
  // as: keyword — this boolean attribute, when on, reads and writes as `keyword` of field `of`
  of: Schema.optionalKey(Kebab),
  keyword: Schema.optionalKey(Schema.String),
  // without a default: absence is a setting of its own (no master, no alias), so always compared
  unset: Schema.optionalKey(Schema.Literal("none")),
  values: Schema.optionalKey(Schema.Record(Schema.String, CName)),
  required: Schema.optionalKey(Schema.Boolean),
  unit: Schema.optionalKey(Schema.String),
  default: Schema.optionalKey(Schema.Union([Schema.Number, Schema.String, Schema.Boolean]))
})
export type AttrView = typeof AttrView.Type

export const Attribute = Schema.Struct({
  uapi: CName,
  value: Schema.Int,
  type: AttrType,
  name: Schema.optionalKey(Kebab),
  doc: Schema.optionalKey(Schema.String),
  "byte-order": Schema.optionalKey(ByteOrder),
  "display-hint": Schema.optionalKey(Schema.Literals(["mac", "ipv4", "ipv6", "inet", "hex", "uuid"])),
  struct: Schema.optionalKey(Kebab),
  // binary: the integer type of an array; indexed-array: the type of each element
  "sub-type": Schema.optionalKey(Schema.Union([ScalarType, Schema.Literals(["binary", "string", "nest"])])),
  // indexed-array: the number of the first element (then 1 more each)
  "index-start": Schema.optionalKey(Schema.Literals([0, 1])),
  // string: written without the trailing NUL (the kernel's NLA_STRING takes both)
  unterminated: Schema.optionalKey(Schema.Boolean),
  // flag: the kernel dumps it as this type (IFLA_VXLAN_TTL_INHERIT: a flag in, a u8 0/1 out)
  "dump-type": Schema.optionalKey(Schema.Literal("u8")),
  "nested-attributes": Schema.optionalKey(Kebab),
  "nested-flag": Schema.optionalKey(Schema.Boolean),
  header: Schema.optionalKey(Kebab),
  "sub-message": Schema.optionalKey(Kebab),
  selector: Schema.optionalKey(Kebab),
  "multi-attr": Schema.optionalKey(Schema.Boolean),
  enum: Schema.optionalKey(Kebab),
  checks: Schema.optionalKey(Checks),
  view: Schema.optionalKey(AttrView)
})
export type Attribute = typeof Attribute.Type

export const AttributeSet = Schema.Struct({
  name: Kebab,
  "name-prefix": Schema.optionalKey(Schema.String),
  doc: Schema.optionalKey(Schema.String),
  /** The set's view name: generates its model mapping into view.ts (spec/README.md). */
  view: Schema.optionalKey(Kebab),
  attributes: Schema.Array(Attribute)
})
export type AttributeSet = typeof AttributeSet.Type

export const SubMessage = Schema.Struct({
  name: Kebab,
  doc: Schema.optionalKey(Schema.String),
  formats: Schema.Array(
    Schema.Struct({
      value: Schema.String,
      "attribute-set": Schema.optionalKey(Kebab),
      doc: Schema.optionalKey(Schema.String)
    })
  )
})
export type SubMessage = typeof SubMessage.Type

export const Message = Schema.Struct({
  name: Kebab,
  doc: Schema.optionalKey(Schema.String),
  header: Kebab,
  "attribute-set": Kebab,
  types: Schema.Record(CName, Schema.Int)
})
export type Message = typeof Message.Type

/** Generic netlink: the family as nlctrl knows it (CTRL_ATTR_FAMILY_NAME, version, groups). */
export const Genl = Schema.Struct({
  "family-name": Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_.-]{1,15}$/)),
  version: Schema.Int,
  // the #define that holds the version (WG_GENL_VERSION), checked against the headers
  "version-uapi": Schema.optionalKey(CName),
  "mcast-groups": Schema.optionalKey(
    Schema.Array(Schema.Struct({ name: Schema.String, doc: Schema.optionalKey(Schema.String) }))
  )
})
export type Genl = typeof Genl.Type

/** What one direction of an operation carries: attribute names (kebab) of its set. */
const OperationMode = Schema.Struct({
  request: Schema.optionalKey(Schema.Array(Kebab)),
  reply: Schema.optionalKey(Schema.Array(Kebab))
})
export type OperationMode = typeof OperationMode.Type

/** A generic netlink command (genlmsghdr.cmd) with its request and reply attributes. */
export const Operation = Schema.Struct({
  name: Kebab,
  uapi: CName,
  value: Schema.Int,
  doc: Schema.optionalKey(Schema.String),
  "attribute-set": Kebab,
  do: Schema.optionalKey(OperationMode),
  dump: Schema.optionalKey(OperationMode),
  // sent by the kernel to a multicast group (notifications), never requested
  event: Schema.optionalKey(Schema.Boolean)
})
export type Operation = typeof Operation.Type

/** Definitions taken from another spec file: defined (and generated) once, re-exported here. */
export const Import = Schema.Struct({
  from: Kebab,
  definitions: Schema.Array(Kebab)
})
export type Import = typeof Import.Type

export const Spec = Schema.Struct({
  name: Kebab,
  doc: Schema.optionalKey(Schema.String),
  protocol: Schema.optionalKey(Schema.String),
  headers: Schema.optionalKey(Schema.Array(Schema.String)),
  imports: Schema.optionalKey(Schema.Array(Import)),
  definitions: Schema.optionalKey(Schema.Array(Definition)),
  "attribute-sets": Schema.optionalKey(Schema.Array(AttributeSet)),
  "sub-messages": Schema.optionalKey(Schema.Array(SubMessage)),
  messages: Schema.optionalKey(Schema.Array(Message)),
  genl: Schema.optionalKey(Genl),
  operations: Schema.optionalKey(Schema.Array(Operation))
})
export type Spec = typeof Spec.Type

/** Parses a YAML document's value into a Spec, or throws with the entry's path. */
export const decodeSpec = (file: string, value: unknown): Spec => {
  try {
    return Schema.decodeUnknownSync(Spec)(value, { onExcessProperty: "error" })
  } catch (e) {
    throw new Error(`${file}: invalid spec\n${e instanceof Error ? e.message : String(e)}`)
  }
}
