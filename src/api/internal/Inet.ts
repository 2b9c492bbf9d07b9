/**
 * Address and prefix text shared by the API modules: one parser for
 * "a.b.c.d/len", "x::y/len" and bare addresses. Internal.
 */
import { AF_INET, AF_INET6 } from "../../generated/netlink/index.ts"
import { parseIPv4, parseIPv6 } from "../../runtime/Parse.ts"

/** A parsed prefix; a bare address is a host prefix (length 32 or 128). */
export interface Prefix {
  readonly family: number
  readonly bytes: Uint8Array
  readonly address: string
  readonly length: number
  /** Whether the text carried "/len". */
  readonly explicit: boolean
}

/** "a.b.c.d/len", "x::y/len" or a bare address (host prefix); undefined when malformed. */
export const parsePrefix = (s: string): Prefix | undefined => {
  const slash = s.indexOf("/")
  const address = slash < 0 ? s : s.slice(0, slash)
  const v6 = address.includes(":")
  const bytes = v6 ? parseIPv6(address) : parseIPv4(address)
  if (bytes === undefined) return undefined
  const max = v6 ? 128 : 32
  let length = max
  if (slash >= 0) {
    const text = s.slice(slash + 1)
    if (!/^\d{1,3}$/.test(text)) return undefined
    length = Number(text)
    if (length > max) return undefined
  }
  return { family: v6 ? AF_INET6 : AF_INET, bytes, address, length, explicit: slash >= 0 }
}

/** Why `s` is not a prefix: the address part, or the length. `address` says what the address may be. */
export const prefixError = (s: string, address = "an IP address"): string => {
  const slash = s.indexOf("/")
  const text = slash < 0 ? s : s.slice(0, slash)
  const v6 = text.includes(":")
  if ((v6 ? parseIPv6(text) : parseIPv4(text)) === undefined) return `"${text}" is not ${address}`
  return `"${s.slice(slash + 1)}" is not a prefix length for ${v6 ? "IPv6 (0..128)" : "IPv4 (0..32)"}`
}

/** The family of address text (no validation: IPv6 text has a colon). */
export const familyOfAddress = (a: string): number => (a.includes(":") ? AF_INET6 : AF_INET)
