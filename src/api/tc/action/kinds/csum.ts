/**
 * csum: recompute checksums of the listed headers after earlier actions
 * changed the packet, as `tc ... action csum iph tcp udp` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActCsumAttrs,
  decodeActCsumAttrs,
  encodeActCsumAttrs,
  TCA_CSUM_UPDATE_FLAG_ICMP,
  TCA_CSUM_UPDATE_FLAG_IGMP,
  TCA_CSUM_UPDATE_FLAG_IPV4HDR,
  TCA_CSUM_UPDATE_FLAG_SCTP,
  TCA_CSUM_UPDATE_FLAG_TCP,
  TCA_CSUM_UPDATE_FLAG_UDP,
  TCA_CSUM_UPDATE_FLAG_UDPLITE
} from "../../../../generated/tc-action/index.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/** Headers by the names tc uses, in the order of their flag bits. */
const HEADERS = {
  iph: TCA_CSUM_UPDATE_FLAG_IPV4HDR,
  icmp: TCA_CSUM_UPDATE_FLAG_ICMP,
  igmp: TCA_CSUM_UPDATE_FLAG_IGMP,
  tcp: TCA_CSUM_UPDATE_FLAG_TCP,
  udp: TCA_CSUM_UPDATE_FLAG_UDP,
  udplite: TCA_CSUM_UPDATE_FLAG_UDPLITE,
  sctp: TCA_CSUM_UPDATE_FLAG_SCTP
} as const
type Header = keyof typeof HEADERS
const ORDER = Object.keys(HEADERS) as ReadonlyArray<Header>

/**
 * csum options.
 *
 * @example
 * ```ts
 * const o: CsumOptions = { update: ["iph", "tcp", "udp"] }
 * ```
 * @since 0.3.0
 */
export interface CsumOptions {
  /** The headers whose checksums are recomputed (at least one). */
  readonly update: ReadonlyArray<Header>
  /** The control action after it; default "ok" ("pass"). */
  readonly action?: Control.Control | undefined
}

const bits = (hs: ReadonlyArray<Header>): number => hs.reduce((a, h) => a | HEADERS[h], 0)
const names = (flags: number): Array<Header> => ORDER.filter((h) => (flags & HEADERS[h]) !== 0)

/** The csum kind. @since 0.3.0 */
export const csum: ActionKind<CsumOptions, ActCsumAttrs> = {
  kind: "csum",
  fields: {
    update: Schema.Array(Schema.Literals(ORDER as Array<Header>)).check(Schema.isMinLength(1)),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  toKernel: (o, _d, index) => ({
    parms: {
      index,
      capab: 0,
      action: Control.parse(o.action ?? "pass")!,
      refcnt: 0,
      bindcnt: 0,
      updateFlags: bits(o.update)
    }
  }),
  fromKernel: (d) => {
    const p = d?.parms
    if (p === undefined) return {}
    return { update: names(p.updateFlags), action: Control.format(p.action) }
  },
  canonical: (o) => ({
    update: names(bits(o.update ?? [])),
    action: Control.canonical(o.action ?? "pass")
  }),
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActCsumAttrs,
  decode: decodeActCsumAttrs
}
