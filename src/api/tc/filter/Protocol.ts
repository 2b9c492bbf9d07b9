/**
 * Filter protocols (the ethertype a filter applies to) by the names `tc`
 * uses: "all", "ip", "ipv6", "arp", "802.1q", "802.1ad", "mpls_uc" ...;
 * others as their number.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"

/**
 * A protocol: a name or the ethertype number.
 *
 * @example
 * ```ts
 * const p: Protocol.Protocol = "ipv6"
 * ```
 * @since 0.3.0
 */
export type Protocol = string | number

const NAMES: Readonly<Record<string, number>> = {
  all: 0x0003,
  ip: 0x0800,
  arp: 0x0806,
  rarp: 0x8035,
  "802.1q": 0x8100,
  "802.1ad": 0x88a8,
  ipv6: 0x86dd,
  ipx: 0x8137,
  mpls_uc: 0x8847,
  mpls_mc: 0x8848,
  lldp: 0x88cc,
  "802_3": 0x0001,
  tipc: 0x88ca,
  pppoe_disc: 0x8863,
  pppoe_sess: 0x8864,
  nsh: 0x894f,
  "802.1ah": 0x88e7,
  // tc's names for the PPPoE types (listed last: they are the names read back)
  ppp_disc: 0x8863,
  ppp_ses: 0x8864
}
const BY_VALUE = new Map(Object.entries(NAMES).map(([k, v]) => [v, k]))

/**
 * The ethertype of a protocol, or undefined.
 *
 * @example
 * ```ts
 * Protocol.parse("ip") // 0x0800
 * ```
 * @since 0.3.0
 */
export const parse = (p: Protocol): number | undefined => {
  if (typeof p === "number") return Number.isInteger(p) && p >= 0 && p <= 0xffff ? p : undefined
  const n = NAMES[p]
  if (n !== undefined) return n
  return /^0x[0-9a-f]{1,4}$/i.test(p) ? Number.parseInt(p, 16) : undefined
}

/**
 * The protocol's name, or its number.
 *
 * @example
 * ```ts
 * Protocol.format(0x86dd) // "ipv6"
 * ```
 * @since 0.3.0
 */
export const format = (n: number): Protocol => BY_VALUE.get(n) ?? n

/**
 * The Schema of a protocol.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Protocol.schema)("802.1q")
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Protocol> = Schema.Union([Schema.Number, Schema.String]).check(
  Schema.makeFilter(
    (p: Protocol) =>
      parse(p) !== undefined ||
      `${JSON.stringify(p)} is not a protocol (all, ip, ipv6, arp, 802.1q ... or 0x88cc)`,
    { expected: "a protocol" }
  )
)
