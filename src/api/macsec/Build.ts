/**
 * MACsec changes (`ip macsec add|set|del|offload`) checked and turned into
 * generic netlink requests of the "macsec" family. Pure: the family id and
 * the device's ifindex are given, so golden tests and dry runs build the
 * same bytes `Macsec.*` sends. Keys are never echoed in errors.
 *
 * @since 0.3.0
 */
import * as Redacted from "effect/Redacted"
import {
  encodeAddRxsaRequest,
  encodeAddRxscRequest,
  encodeAddTxsaRequest,
  encodeDelRxsaRequest,
  encodeDelRxscRequest,
  encodeDelTxsaRequest,
  encodeUpdOffloadRequest,
  encodeUpdRxsaRequest,
  encodeUpdRxscRequest,
  encodeUpdTxsaRequest,
  type MacsecAttrs,
  type MacsecSaAttrs
} from "../../generated/macsec/index.ts"
import { NetlinkError } from "../../runtime/NetlinkError.ts"
import type { Writer } from "../../runtime/Wire.ts"
import { buildMessage, invalid, NLM_F_ACK, NLM_F_REQUEST } from "../internal/Common.ts"
import { sciBytes } from "../link/kinds/macsec.ts"

/**
 * A secure channel identifier: 16 hex digits (as `ip macsec show` prints
 * it), or the peer's MAC address and port (`ip`'s `port P address MAC`).
 *
 * @since 0.3.0
 */
export type SciRef = string | { readonly address: string; readonly port: number }

/**
 * A secure association to create (`ip macsec add DEV tx sa AN ...` or `rx
 * ... sa AN ...`).
 *
 * @since 0.3.0
 */
export interface NewSa {
  /** Association number, 0 to 3. */
  readonly an: number
  /**
   * Next packet number (at least 1): a number for the 32-bit suites, a bigint
   * for the XPN suites (64-bit packet numbers).
   */
  readonly pn: number | bigint
  /** The key as hex (16 or 32 bytes, as the cipher suite needs); never shown. */
  readonly key: Redacted.Redacted<string> | string
  /** Key identifier: up to 16 bytes as hex (ip's KEYID). */
  readonly keyId: string
  /** Default true. */
  readonly active?: boolean
  /** Short SCI (XPN suites only; required there). */
  readonly ssci?: number
  /** 12-byte salt as 24 hex digits (XPN suites only; required there); never shown. */
  readonly salt?: Redacted.Redacted<string> | string
}

/**
 * A change to an existing association (`ip macsec set ... sa AN ...`).
 *
 * @since 0.3.0
 */
export interface SaUpdate {
  readonly an: number
  readonly pn?: number | bigint
  readonly active?: boolean
}

/**
 * One MACsec change on a device, as `Macsec.change` takes it.
 *
 * @since 0.3.0
 */
export type Change =
  | { readonly op: "addTxSa"; readonly sa: NewSa }
  | { readonly op: "updateTxSa"; readonly sa: SaUpdate }
  | { readonly op: "removeTxSa"; readonly an: number }
  | { readonly op: "addRxSc"; readonly sci: SciRef; readonly active?: boolean }
  | { readonly op: "updateRxSc"; readonly sci: SciRef; readonly active: boolean }
  | { readonly op: "removeRxSc"; readonly sci: SciRef }
  | { readonly op: "addRxSa"; readonly sci: SciRef; readonly sa: NewSa }
  | { readonly op: "updateRxSa"; readonly sci: SciRef; readonly sa: SaUpdate }
  | { readonly op: "removeRxSa"; readonly sci: SciRef; readonly an: number }
  | { readonly op: "setOffload"; readonly offload: "off" | "phy" | "mac" }

const OFFLOAD = { off: 0, phy: 1, mac: 2 } as const

const fail = (path: string, message: string): never => {
  throw invalid(path, message)
}

const an = (v: unknown, path: string): number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 3
    ? (v as number)
    : fail(path, `an association number is 0 to 3, got ${String(v)}`)

const bool = (v: unknown, path: string): number =>
  typeof v === "boolean" ? (v ? 1 : 0) : fail(path, `true or false, got ${String(v)}`)

const HEX = /^(?:[0-9a-fA-F]{2})+$/

const hexBytes = (s: string): Uint8Array => {
  const b = new Uint8Array(s.length / 2)
  for (let i = 0; i < b.length; i++) b[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16)
  return b
}

// a secret's text is never echoed: it may be a real key with a typo
const secretHex = (v: unknown, path: string, lengths: ReadonlyArray<number>, what: string): Uint8Array => {
  const s = Redacted.isRedacted(v) ? Redacted.value(v as Redacted.Redacted<unknown>) : v
  if (typeof s !== "string" || !HEX.test(s) || !lengths.includes(s.length / 2))
    return fail(path, `${what} is ${lengths.map((n) => n * 2).join(" or ")} hex digits`)
  return hexBytes(s)
}

/** PN bytes: 4 for a number (32-bit suites), 8 for a bigint (XPN), host order as the kernel reads them. */
const pnBytes = (v: unknown, path: string): Uint8Array => {
  if (typeof v === "bigint") {
    if (v < 1n || v > 0xffffffffffffffffn) fail(path, `an XPN packet number is 1 to 2^64-1, got ${v}`)
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, v, true)
    return b
  }
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 0xffffffff)
    return fail(path, `a packet number is 1 to 4294967295 (a bigint for the XPN suites), got ${String(v)}`)
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, v as number, true)
  return b
}

const MAC = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/
const SCI = /^(?:0x)?[0-9a-fA-F]{16}$/

/** The SCI's 16 lowercase hex digits. */
export const sciOf = (v: unknown, path: string): string => {
  if (typeof v === "string") {
    if (!SCI.test(v)) fail(path, `an SCI is 16 hex digits, got ${JSON.stringify(v)}`)
    return (v.startsWith("0x") ? v.slice(2) : v).toLowerCase()
  }
  if (typeof v === "object" && v !== null) {
    const { address, port } = v as { address?: unknown; port?: unknown }
    if (typeof address !== "string" || !MAC.test(address))
      fail(`${path}.address`, `a MAC address such as 02:00:00:00:00:01, got ${JSON.stringify(address)}`)
    if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 0xffff)
      fail(`${path}.port`, `a port is 0 to 65535, got ${String(port)}`)
    return `${(address as string).replaceAll(":", "").toLowerCase()}${(port as number).toString(16).padStart(4, "0")}`
  }
  return fail(path, "an SCI: 16 hex digits or { address, port }")
}

const newSa = (sa: NewSa, path: string): MacsecSaAttrs => {
  if (typeof sa !== "object" || sa === null) fail(path, "an association is an object")
  const xpn = typeof sa.pn === "bigint"
  if (!xpn && (sa.ssci !== undefined || sa.salt !== undefined))
    fail(`${path}.pn`, "ssci and salt belong to the XPN suites, whose packet number is a bigint")
  if (xpn && (sa.ssci === undefined || sa.salt === undefined))
    fail(`${path}.${sa.ssci === undefined ? "ssci" : "salt"}`, "an XPN association needs ssci and salt")
  if (typeof sa.keyId !== "string" || !HEX.test(sa.keyId) || sa.keyId.length > 32)
    fail(`${path}.keyId`, `a key id is up to 32 hex digits (an even number), got ${JSON.stringify(sa.keyId)}`)
  // the key id is 16 bytes: what is given first, zeros after (as ip sends it)
  const keyid = new Uint8Array(16)
  keyid.set(hexBytes(sa.keyId))
  const out: { -readonly [K in keyof MacsecSaAttrs]: MacsecSaAttrs[K] } = {
    an: an(sa.an, `${path}.an`),
    pn: pnBytes(sa.pn, `${path}.pn`),
    key: secretHex(sa.key, `${path}.key`, [16, 32], "a key"),
    keyid,
    active: sa.active === undefined ? 1 : bool(sa.active, `${path}.active`)
  }
  if (xpn) {
    if (!Number.isInteger(sa.ssci) || (sa.ssci as number) < 0 || (sa.ssci as number) > 0xffffffff)
      fail(`${path}.ssci`, `a short SCI is 0 to 4294967295, got ${String(sa.ssci)}`)
    out.ssci = sa.ssci
    out.salt = secretHex(sa.salt, `${path}.salt`, [12], "a salt")
  }
  return out
}

const saUpdate = (sa: SaUpdate, path: string): MacsecSaAttrs => {
  if (typeof sa !== "object" || sa === null) fail(path, "an association change is an object")
  const out: { -readonly [K in keyof MacsecSaAttrs]: MacsecSaAttrs[K] } = { an: an(sa.an, `${path}.an`) }
  if (sa.pn !== undefined) out.pn = pnBytes(sa.pn, `${path}.pn`)
  if (sa.active !== undefined) out.active = bool(sa.active, `${path}.active`)
  return out
}

type Encode = (w: Writer, v: MacsecAttrs) => void

/** The request attributes and encoder of a change (throws the Validation error). */
const plan = (ifindex: number, c: Change): readonly [Encode, MacsecAttrs] => {
  const sci = (v: unknown) => ({ sci: sciBytes(sciOf(v, "sci")) })
  switch (c?.op) {
    case "addTxSa":
      return [encodeAddTxsaRequest, { ifindex, saConfig: newSa(c.sa, "sa") }]
    case "updateTxSa":
      return [encodeUpdTxsaRequest, { ifindex, saConfig: saUpdate(c.sa, "sa") }]
    case "removeTxSa":
      return [encodeDelTxsaRequest, { ifindex, saConfig: { an: an(c.an, "an") } }]
    case "addRxSc":
      return [
        encodeAddRxscRequest,
        {
          ifindex,
          rxscConfig: {
            ...sci(c.sci),
            ...(c.active === undefined ? {} : { active: bool(c.active, "active") })
          }
        }
      ]
    case "updateRxSc":
      return [
        encodeUpdRxscRequest,
        { ifindex, rxscConfig: { ...sci(c.sci), active: bool(c.active, "active") } }
      ]
    case "removeRxSc":
      return [encodeDelRxscRequest, { ifindex, rxscConfig: sci(c.sci) }]
    case "addRxSa":
      return [encodeAddRxsaRequest, { ifindex, rxscConfig: sci(c.sci), saConfig: newSa(c.sa, "sa") }]
    case "updateRxSa":
      return [encodeUpdRxsaRequest, { ifindex, rxscConfig: sci(c.sci), saConfig: saUpdate(c.sa, "sa") }]
    case "removeRxSa":
      return [encodeDelRxsaRequest, { ifindex, rxscConfig: sci(c.sci), saConfig: { an: an(c.an, "an") } }]
    case "setOffload": {
      const t = OFFLOAD[c.offload as keyof typeof OFFLOAD]
      if (t === undefined) fail("offload", `off, phy or mac, got ${JSON.stringify(c.offload)}`)
      return [encodeUpdOffloadRequest, { ifindex, offload: { type: t } }]
    }
    default:
      return fail(
        "op",
        `one of addTxSa, updateTxSa, removeTxSa, addRxSc, updateRxSc, removeRxSc, addRxSa, updateRxSa, removeRxSa, setOffload`
      )
  }
}

/**
 * The request a change sends, for a family id and ifindex, or the Validation
 * error naming the field (nothing sent).
 *
 * @example
 * ```ts
 * const bytes = buildRequest(0x1e, 4, { op: "removeTxSa", an: 0 })
 * ```
 * @since 0.3.0
 */
export const buildRequest = (
  familyId: number,
  ifindex: number,
  change: Change
): Uint8Array | NetlinkError => {
  try {
    const [encode, attrs] = plan(ifindex, change)
    return buildMessage(familyId, NLM_F_REQUEST | NLM_F_ACK, (w) => encode(w, attrs))
  } catch (e) {
    if (e instanceof NetlinkError) return e
    throw e
  }
}
