/**
 * ct: send the packet through connection tracking in a zone, optionally
 * committing the connection with a mark and labels, NATting it (source or
 * destination, to an address range and port range, or restoring the NAT of
 * the connection), or clear the packet's conntrack state, as `tc ... action
 * ct commit zone 5 mark 0x10/0xff nat src addr 10.0.0.1-10.0.0.9` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActCtAttrs,
  decodeActCtAttrs,
  encodeActCtAttrs,
  TCA_CT_ACT_CLEAR,
  TCA_CT_ACT_COMMIT,
  TCA_CT_ACT_FORCE,
  TCA_CT_ACT_NAT,
  TCA_CT_ACT_NAT_DST,
  TCA_CT_ACT_NAT_SRC
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import { fromHex, ipToString, parseIPv4, parseIPv6, toHex } from "../../../../runtime/Wire.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * NAT in ct: with `type` the connection is NATted to `addr` (an address or
 * "first-last" range of one family) and optionally `port` (a port or
 * "first-last"); without it the NAT the connection already has is applied.
 *
 * @example
 * ```ts
 * const n: CtNat = { type: "src", addr: "10.0.0.1-10.0.0.9", port: "1000-2000" }
 * ```
 * @since 0.3.0
 */
export interface CtNat {
  readonly type?: "src" | "dst" | undefined
  readonly addr?: string | undefined
  readonly port?: number | string | undefined
}

/**
 * A conntrack helper: its name (ftp, sip, tftp, ...) and the family and
 * protocol of connections it serves (default ipv4 and tcp, the kernel's).
 * The family is sent but not compared: kernels whose helpers serve both
 * families (Linux 7.3) report it as 0, and it reads back only when not 0.
 *
 * @example
 * ```ts
 * const h: CtHelper = { name: "ftp" }
 * const s: CtHelper = { name: "sip", family: "ipv6", protocol: "udp" }
 * ```
 * @since 0.3.0
 */
export interface CtHelper {
  readonly name: string
  readonly family?: "ipv4" | "ipv6" | undefined
  readonly protocol?: "tcp" | "udp" | undefined
}

const FAMILIES = { ipv4: 2, ipv6: 10 } as const
const PROTOCOLS = { tcp: 6, udp: 17 } as const
const nameOf = <K extends string>(table: Readonly<Record<K, number>>, v: number): K | number =>
  (Object.keys(table) as Array<K>).find((k) => table[k] === v) ?? v

/**
 * ct options. `mark`, `labels` and `force` go with `commit`; `clear` goes alone.
 *
 * @example
 * ```ts
 * const o: CtOptions = { commit: true, zone: 5, mark: 0x10, markMask: 0xff, nat: { type: "src", addr: "10.0.0.1" } }
 * ```
 * @since 0.3.0
 */
export interface CtOptions {
  /** The conntrack zone; default 0. */
  readonly zone?: number | undefined
  /** Commit the connection to the table. */
  readonly commit?: boolean | undefined
  /** With commit: replace a connection in the other direction. */
  readonly force?: boolean | undefined
  /** Drop the packet's conntrack state; nothing else goes with it. */
  readonly clear?: boolean | undefined
  /** With commit: the connection mark; only the bits in `markMask` (default all) change. */
  readonly mark?: number | undefined
  readonly markMask?: number | undefined
  /** With commit: the 128-bit connection labels as hexadecimal text (bytes from the first). */
  readonly labels?: string | undefined
  /** Which label bits change, as hexadecimal text; default all. */
  readonly labelsMask?: string | undefined
  readonly nat?: CtNat | undefined
  /** A conntrack helper for the connection (`ct commit helper ftp`); Linux 5.19+. */
  readonly helper?: CtHelper | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

const Labels = Schema.String.check(
  Schema.makeFilter((s: string) => /^([0-9a-f]{2}){1,16}$/i.test(s) || "1 to 16 bytes as hexadecimal text", {
    expected: "conntrack labels"
  })
)

/** [first, last] of "a" or "a-b" (addresses of one family, or ports), or undefined. */
const range = <A>(s: string, one: (x: string) => A | undefined): readonly [A, A] | undefined => {
  const [a, b, ...rest] = s.split("-")
  if (rest.length > 0) return undefined
  const first = one(a)
  const last = b === undefined ? first : one(b)
  return first === undefined || last === undefined ? undefined : [first, last]
}
const addrBytes = (s: string): Uint8Array | undefined => parseIPv4(s) ?? parseIPv6(s)
const addrRange = (s: string) => {
  const r = range(s, addrBytes)
  return r === undefined || r[0].length !== r[1].length ? undefined : r
}
const portOf = (s: string): number | undefined =>
  /^\d{1,5}$/.test(s) && Number(s) <= 0xffff ? Number(s) : undefined
const portRange = (p: number | string) => (typeof p === "number" ? ([p, p] as const) : range(p, portOf))

const text = (a: string, b: string): string => (a === b ? a : `${a}-${b}`)
const portText = (a: number, b: number): number | string => (a === b ? a : `${a}-${b}`)
/** Labels and masks as the kernel keeps them: 16 bytes, lowercase hexadecimal. */
const label16 = (s: string): string => s.toLowerCase().padEnd(32, "0")
const ALL = "ff".repeat(16)

/** The ct kind. @since 0.3.0 */
export const ct: ActionKind<CtOptions, ActCtAttrs> = {
  kind: "ct",
  fields: {
    zone: Schema.optional(P.U16),
    commit: Schema.optional(Schema.Boolean),
    force: Schema.optional(Schema.Boolean),
    clear: Schema.optional(Schema.Boolean),
    mark: Schema.optional(P.U32),
    markMask: Schema.optional(P.intBetween(P.U32, 1, 0xffffffff)),
    labels: Schema.optional(Labels),
    labelsMask: Schema.optional(Labels),
    nat: Schema.optional(
      Schema.Struct({
        type: Schema.optional(Schema.Literals(["src", "dst"])),
        addr: Schema.optional(Schema.String),
        port: Schema.optional(Schema.Union([P.U16, Schema.String]))
      })
    ),
    helper: Schema.optional(
      Schema.Struct({
        name: P.stringMaxBytes(15, 1),
        family: Schema.optional(Schema.Literals(["ipv4", "ipv6"])),
        protocol: Schema.optional(Schema.Literals(["tcp", "udp"]))
      })
    ),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  check: (o) => {
    if (o.clear === true) {
      for (const f of [
        "zone",
        "commit",
        "force",
        "mark",
        "markMask",
        "labels",
        "labelsMask",
        "nat",
        "helper"
      ] as const)
        if (o[f] !== undefined) return [f, "clear goes alone"]
      return undefined
    }
    const commit = o.commit === true
    if (o.force === true && !commit) return ["force", "force needs commit"]
    if (o.mark !== undefined && !commit) return ["mark", "a mark needs commit"]
    if (o.markMask !== undefined && o.mark === undefined) return ["markMask", "a mask needs a mark"]
    if (o.labels !== undefined && !commit) return ["labels", "labels need commit"]
    if (o.labelsMask !== undefined && o.labels === undefined) return ["labelsMask", "a mask needs labels"]
    const n = o.nat
    if (n !== undefined) {
      if (n.type === undefined && (n.addr !== undefined || n.port !== undefined))
        return ["nat.type", "an address or port needs src or dst"]
      if (n.type !== undefined && n.addr === undefined) return ["nat.addr", `nat ${n.type} needs an address`]
      if (n.addr !== undefined && addrRange(n.addr) === undefined)
        return ["nat.addr", "an address or first-last range of one family"]
      if (n.port !== undefined && portRange(n.port) === undefined)
        return ["nat.port", "a port or first-last range"]
    }
    return undefined
  },
  toKernel: (o, _d, index) => {
    const n = o.nat
    const flags =
      (o.commit === true ? TCA_CT_ACT_COMMIT : 0) |
      (o.force === true ? TCA_CT_ACT_FORCE : 0) |
      (o.clear === true ? TCA_CT_ACT_CLEAR : 0) |
      (n !== undefined ? TCA_CT_ACT_NAT : 0) |
      (n?.type === "src" ? TCA_CT_ACT_NAT_SRC : 0) |
      (n?.type === "dst" ? TCA_CT_ACT_NAT_DST : 0)
    const d: { -readonly [K in keyof ActCtAttrs]: ActCtAttrs[K] } = {
      parms: { index, capab: 0, action: Control.parse(o.action ?? "pipe")!, refcnt: 0, bindcnt: 0 },
      action: flags
    }
    if (o.zone !== undefined) d.zone = o.zone
    if (o.mark !== undefined) {
      d.mark = o.mark
      d.markMask = o.markMask ?? 0xffffffff
    }
    if (o.labels !== undefined) {
      d.labels = fromHex(o.labels)
      d.labelsMask = fromHex(o.labelsMask ?? ALL)
    }
    if (n?.addr !== undefined) {
      const [a, b] = addrRange(n.addr)!
      if (a.length === 4) {
        d.natIpv4Min = ipToString(a, 0, 4)
        d.natIpv4Max = ipToString(b, 0, 4)
      } else {
        d.natIpv6Min = ipToString(a, 0, 16)
        d.natIpv6Max = ipToString(b, 0, 16)
      }
    }
    if (n?.port !== undefined) {
      const [a, b] = portRange(n.port)!
      d.natPortMin = a
      d.natPortMax = b
    }
    if (o.helper !== undefined) {
      d.helperName = o.helper.name
      d.helperFamily = FAMILIES[o.helper.family ?? "ipv4"]
      d.helperProto = PROTOCOLS[o.helper.protocol ?? "tcp"]
    }
    return d
  },
  fromKernel: (d) => {
    if (d?.parms === undefined) return {}
    const f = d.action ?? 0
    const out: { -readonly [K in keyof CtOptions]: CtOptions[K] } = {}
    if ((f & TCA_CT_ACT_CLEAR) !== 0) out.clear = true
    else {
      out.zone = d.zone ?? 0
      if ((f & TCA_CT_ACT_COMMIT) !== 0) out.commit = true
      if ((f & TCA_CT_ACT_FORCE) !== 0) out.force = true
      if (d.mark !== undefined) out.mark = d.mark
      if (d.markMask !== undefined && d.markMask !== 0xffffffff) out.markMask = d.markMask
      if (d.labels !== undefined) {
        out.labels = label16(toHex(d.labels))
        out.labelsMask = label16(toHex(d.labelsMask ?? fromHex(ALL)))
      }
      if ((f & TCA_CT_ACT_NAT) !== 0) {
        const nat: { -readonly [K in keyof CtNat]: CtNat[K] } = {}
        if ((f & TCA_CT_ACT_NAT_SRC) !== 0) nat.type = "src"
        if ((f & TCA_CT_ACT_NAT_DST) !== 0) nat.type = "dst"
        const min = d.natIpv4Min ?? d.natIpv6Min
        if (min !== undefined) nat.addr = text(min, d.natIpv4Max ?? d.natIpv6Max ?? min)
        if (d.natPortMin !== undefined && d.natPortMin !== 0)
          nat.port = portText(d.natPortMin, d.natPortMax ?? d.natPortMin)
        out.nat = nat
      }
      if (d.helperName !== undefined) {
        const h: { -readonly [K in keyof CtHelper]: CtHelper[K] } = { name: d.helperName }
        if (d.helperFamily !== undefined && d.helperFamily !== 0)
          h.family = nameOf(FAMILIES, d.helperFamily) as CtHelper["family"]
        h.protocol = nameOf(PROTOCOLS, d.helperProto ?? PROTOCOLS.tcp) as CtHelper["protocol"]
        out.helper = h
      }
    }
    out.action = Control.format(d.parms.action)
    return out
  },
  canonical: (o) => {
    const action = Control.canonical(o.action ?? "pipe")
    if (o.clear === true) return { clear: true, action }
    const out: { -readonly [K in keyof CtOptions]: CtOptions[K] } = { zone: o.zone ?? 0 }
    if (o.commit === true) out.commit = true
    if (o.force === true) out.force = true
    if (o.mark !== undefined) out.mark = o.mark
    if (o.markMask !== undefined && o.markMask !== 0xffffffff) out.markMask = o.markMask
    if (o.labels !== undefined) {
      out.labels = label16(o.labels)
      out.labelsMask = label16(o.labelsMask ?? ALL)
    }
    const n = o.nat
    if (n !== undefined) {
      const nat: { -readonly [K in keyof CtNat]: CtNat[K] } = {}
      if (n.type !== undefined) nat.type = n.type
      const r = n.addr === undefined ? undefined : addrRange(n.addr)
      if (n.addr !== undefined)
        nat.addr =
          r === undefined ? n.addr : text(ipToString(r[0], 0, r[0].length), ipToString(r[1], 0, r[1].length))
      const p = n.port === undefined ? undefined : portRange(n.port)
      if (n.port !== undefined) nat.port = p === undefined ? n.port : portText(p[0], p[1])
      out.nat = nat
    }
    // the family is not compared (see CtHelper)
    if (o.helper !== undefined) out.helper = { name: o.helper.name, protocol: o.helper.protocol ?? "tcp" }
    out.action = action
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActCtAttrs,
  decode: decodeActCtAttrs
}
