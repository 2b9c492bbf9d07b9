/**
 * nat, stateless address translation (TCA_NAT_*): on "ingress" the
 * destination addresses in `old` become `new`, on "egress" the source
 * addresses, as `tc ... action nat ingress 10.0.0.0/8 192.168.1.1` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActNatAttrs,
  decodeActNatAttrs,
  encodeActNatAttrs,
  TCA_NAT_FLAG_EGRESS
} from "../../../../generated/tc-action/index.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * nat options.
 *
 * @example
 * ```ts
 * const o: NatOptions = { direction: "egress", old: "10.0.0.0/8", new: "192.168.1.1" }
 * ```
 * @since 0.3.0
 */
export interface NatOptions {
  /** "ingress" rewrites destinations, "egress" sources. */
  readonly direction: "ingress" | "egress"
  /** The addresses to translate: an IPv4 address or prefix ("10.0.0.0/8"). */
  readonly old: string
  /** The address they become (the host part of `old` is kept beside the prefix). */
  readonly new: string
  /** The control action after it; default "pass". */
  readonly action?: Control.Control | undefined
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/
const ipv4 = (s: string): number | undefined => {
  const m = V4.exec(s)
  if (m === null) return undefined
  const b = m.slice(1).map(Number)
  return b.some((x) => x > 255) ? undefined : ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0
}
const text = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
const maskOf = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0)
const prefixLen = (mask: number): number => {
  let n = 0
  while (n < 32 && (mask & (0x80000000 >>> n)) !== 0) n++
  return n
}

/** The address and prefix length of "a.b.c.d[/len]", or undefined. */
const prefix = (s: string): readonly [number, number] | undefined => {
  const [a, l] = s.split("/")
  const addr = ipv4(a)
  const len = l === undefined ? 32 : /^\d{1,2}$/.test(l) ? Number(l) : Number.NaN
  return addr === undefined || !(len >= 0 && len <= 32) ? undefined : [addr, len]
}

const Prefix = Schema.String.check(
  Schema.makeFilter((s: string) => prefix(s) !== undefined || "an IPv4 address or prefix (10.0.0.0/8)", {
    expected: "an IPv4 prefix"
  })
)
const Address = Schema.String.check(
  Schema.makeFilter((s: string) => ipv4(s) !== undefined || "an IPv4 address", {
    expected: "an IPv4 address"
  })
)

/** The nat kind. @since 0.3.0 */
export const nat: ActionKind<NatOptions, ActNatAttrs> = {
  kind: "nat",
  fields: {
    direction: Schema.Literals(["ingress", "egress"]),
    old: Prefix,
    new: Address,
    action: Schema.optional(Control.schema)
  },
  devices: [],
  toKernel: (o, _d, index) => {
    const [addr, len] = prefix(o.old)!
    return {
      parms: {
        index,
        capab: 0,
        action: Control.parse(o.action ?? "pass")!,
        refcnt: 0,
        bindcnt: 0,
        oldAddr: text(addr),
        newAddr: o.new,
        mask: text(maskOf(len)),
        flags: o.direction === "egress" ? TCA_NAT_FLAG_EGRESS : 0
      }
    }
  },
  fromKernel: (d) => {
    const p = d?.parms
    if (p === undefined) return {}
    return {
      direction: (p.flags & TCA_NAT_FLAG_EGRESS) !== 0 ? "egress" : "ingress",
      old: `${p.oldAddr}/${prefixLen(ipv4(p.mask)!)}`,
      new: p.newAddr,
      action: Control.format(p.action)
    }
  },
  canonical: (o) => {
    const pre = o.old === undefined ? undefined : prefix(o.old)
    return {
      direction: o.direction,
      old: pre === undefined ? o.old : `${text(pre[0])}/${pre[1]}`,
      new: o.new,
      action: Control.canonical(o.action ?? "pass")
    }
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActNatAttrs,
  decode: decodeActNatAttrs
}
