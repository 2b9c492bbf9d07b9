/**
 * IPv6 address selection labels (RFC 6724 policy table), as `ip addrlabel`
 * manages them: list, add, remove. The kernel starts every namespace with
 * the RFC's default labels.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { AddressLabel, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* AddressLabel.add({ prefix: "2001:db8::/32", label: 100 })
 *   // [..., { prefix: "2001:db8::/32", label: 100 }, ...]
 *   return yield* AddressLabel.list()
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import {
  AddrlabelMessageHeaderSize,
  AddrlabelMessageMeta,
  AddrlabelMessageTypes,
  decodeAddrlabelMessage,
  encodeAddrlabelMessage,
  type AddrlabelMessage
} from "../generated/rt-addrlabel/index.ts"
import { describePath } from "../runtime/Describe.ts"
import { ipToString, parseIp } from "../runtime/Wire.ts"
import {
  AF_INET6,
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  operation,
  validate
} from "./internal/Common.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import { type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * One label: an IPv6 prefix ("2001:db8::/32"), optionally only on `dev`,
 * and its label.
 *
 * @example
 * ```ts
 * const l: AddressLabel.AddressLabel = { prefix: "2001:db8:1::/48", dev: "eth0", label: 7 }
 * ```
 * @since 0.2.0
 */
export interface AddressLabel {
  readonly prefix: string
  readonly label: number
  readonly dev?: LinkRef | undefined
}

const Prefix = Schema.String.check(
  Schema.makeFilter(
    (s: string) => {
      const m = /^([^/]+)\/(\d{1,3})$/.exec(s)
      const b = m === null ? undefined : parseIp(m[1]!)
      return (
        (b !== undefined && b.length === 16 && Number(m![2]) <= 128) ||
        `"${s}" is not an IPv6 prefix such as 2001:db8::/32`
      )
    },
    { expected: "an IPv6 prefix" }
  )
)

/**
 * The Schema of {@link AddressLabel}: input validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(AddressLabel.schema)({ prefix: "2001:db8::/32", label: 100 })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<AddressLabel, any> = Schema.Struct({
  prefix: Prefix,
  // the kernel reserves 0xffffffff (IPV6_ADDR_LABEL_DEFAULT)
  label: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xfffffffe })),
  dev: Schema.optional(Schema.Union([Schema.String, Schema.Number]))
}) as any

const split = (prefix: string): { readonly address: string; readonly len: number } => {
  const [a, l] = prefix.split("/")
  const b = parseIp(a!)!
  return { address: ipToString(b, 0, 16), len: Number(l) }
}

/**
 * The label a decoded RTM_NEWADDRLABEL message describes.
 *
 * @example
 * ```ts
 * const raw = yield* AddressLabel.listRaw()
 * raw.map((m) => AddressLabel.fromMessage(m, (i) => i))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (
  m: AddrlabelMessage,
  names: (index: number) => string | number
): AddressLabel => ({
  prefix: `${m.address ?? "::"}/${m.prefixlen}`,
  label: m.label ?? 0,
  dev: m.index === 0 ? undefined : names(m.index)
})

/**
 * The canonical form: the prefix in its standard text.
 *
 * @example
 * ```ts
 * AddressLabel.canonical({ prefix: "2001:DB8:0::/32", label: 1 }).prefix // "2001:db8::/32"
 * ```
 * @since 0.2.0
 */
export const canonical = (l: AddressLabel): AddressLabel => {
  const bytes = parseIp(l.prefix.split("/")[0]!)
  const prefix =
    bytes === undefined ? l.prefix : `${ipToString(bytes, 0, bytes.length)}/${l.prefix.split("/")[1]}`
  return l.dev === undefined ? { prefix, label: l.label } : { prefix, label: l.label, dev: l.dev }
}

/**
 * Whether two labels are the same.
 *
 * @example
 * ```ts
 * AddressLabel.equals({ prefix: "2001:db8::/32", label: 1 }, { prefix: "2001:DB8::/32", label: 1 }) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: AddressLabel, b: AddressLabel): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity: prefix and device.
 *
 * @example
 * ```ts
 * AddressLabel.key({ prefix: "2001:db8::/32", label: 1 }) // "2001:db8::/32|"
 * ```
 * @since 0.2.0
 */
export const key = (l: AddressLabel): string => {
  const c = canonical(l)
  return `${c.prefix}|${c.dev ?? ""}`
}

/**
 * The address label object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * AddressLabel.model.key(l)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<AddressLabel> = { name: "address-label", schema, key, equals, canonical }

const RTM_NEWADDRLABEL = AddrlabelMessageTypes.RTM_NEWADDRLABEL
const RTM_DELADDRLABEL = AddrlabelMessageTypes.RTM_DELADDRLABEL
const RTM_GETADDRLABEL = AddrlabelMessageTypes.RTM_GETADDRLABEL

const toMessage = (l: AddressLabel, ifindex: number): AddrlabelMessage => {
  const { address, len } = split(l.prefix)
  return {
    family: AF_INET6,
    reserved: 0,
    prefixlen: len,
    flags: 0,
    index: ifindex,
    seq: 0,
    label: l.label,
    address
  }
}

/**
 * RTM_NEWADDRLABEL with NLM_F_CREATE|NLM_F_EXCL, as `ip addrlabel add prefix
 * PREFIX [dev DEV] label N` sends (`ifindex` 0 for no device).
 *
 * @example
 * ```ts
 * const bytes = AddressLabel.addRequest({ prefix: "2001:db8::/32", label: 100 }, 0)
 * ```
 * @since 0.2.0
 */
export const addRequest = (l: AddressLabel, ifindex: number): Uint8Array =>
  buildMessage(RTM_NEWADDRLABEL, NLM_F_CREATE | NLM_F_EXCL, (w) =>
    encodeAddrlabelMessage(w, toMessage(l, ifindex))
  )

/**
 * RTM_DELADDRLABEL, as `ip addrlabel del prefix PREFIX [dev DEV] label N` sends.
 *
 * @example
 * ```ts
 * const bytes = AddressLabel.removeRequest({ prefix: "2001:db8::/32", label: 100 }, 0)
 * ```
 * @since 0.2.0
 */
export const removeRequest = (l: AddressLabel, ifindex: number): Uint8Array =>
  buildMessage(RTM_DELADDRLABEL, 0, (w) => encodeAddrlabelMessage(w, toMessage(l, ifindex)))

/**
 * The dump request `ip addrlabel list` sends.
 *
 * @example
 * ```ts
 * const bytes = AddressLabel.listRequest()
 * ```
 * @since 0.2.0
 */
export const listRequest = (): Uint8Array =>
  buildMessage(RTM_GETADDRLABEL, NLM_F_DUMP, (w) =>
    encodeAddrlabelMessage(w, { family: AF_INET6, reserved: 0, prefixlen: 0, flags: 0, index: 0, seq: 0 })
  )

const options = (operation: string) => ({
  headerLength: AddrlabelMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(AddrlabelMessageMeta, t),
  operation
})

const prepare = (input: AddressLabel) =>
  Effect.gen(function* () {
    const l = yield* validate(schema, input)
    const { address, len } = split(l.prefix)
    const bytes = parseIp(address)!
    // the kernel refuses host bits beyond the prefix length
    for (let bit = len; bit < 128; bit++)
      if ((bytes[bit >> 3]! & (0x80 >> (bit & 7))) !== 0)
        return yield* Effect.fail(invalid("prefix", `${l.prefix} has bits set after the first ${len}`))
    const ifindex = l.dev === undefined ? 0 : yield* linkIndex(l.dev, "dev")
    return { l, ifindex }
  })

/**
 * Adds a label, like `ip addrlabel add prefix PREFIX [dev DEV] label N`;
 * fails with EEXIST if the prefix (and device) has one.
 *
 * @example
 * ```ts
 * yield* AddressLabel.add({ prefix: "2001:db8::/32", label: 100 })
 * ```
 * @since 0.2.0
 */
export const add = operation("AddressLabel.add", function* (input: AddressLabel) {
  const { l, ifindex } = yield* prepare(input)
  const { route } = yield* Netlink
  yield* route.request(addRequest(l, ifindex), options("addrlabel add"))
})

/**
 * Removes a label, like `ip addrlabel del`. A listed label removes exactly itself.
 *
 * @example
 * ```ts
 * yield* AddressLabel.remove({ prefix: "2001:db8::/32", label: 100 })
 * ```
 * @since 0.2.0
 */
export const remove = operation("AddressLabel.remove", function* (input: AddressLabel) {
  const { l, ifindex } = yield* prepare(input)
  const { route } = yield* Netlink
  yield* route.request(removeRequest(l, ifindex), options("addrlabel remove"))
})

const decodeRaw = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) =>
  type === RTM_NEWADDRLABEL ? decodeAddrlabelMessage(buf, view, start + 16, end) : undefined

/**
 * The decoded RTM_NEWADDRLABEL messages of a dump.
 *
 * @example
 * ```ts
 * const raw = yield* AddressLabel.listRaw()
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("AddressLabel.listRaw", function* () {
  const { route } = yield* Netlink
  return yield* route.dumpAll(listRequest(), decodeRaw, { ...options("addrlabel list"), retryInterrupted: 3 })
})

/**
 * Every label, like `ip addrlabel list`, devices by name.
 *
 * @example
 * ```ts
 * const labels = yield* AddressLabel.list()
 * ```
 * @since 0.2.0
 */
export const list = operation("AddressLabel.list", function* () {
  const raw = yield* listRaw()
  const names = yield* linkNames
  return raw.map((m) => fromMessage(m, names))
})
