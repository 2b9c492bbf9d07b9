/**
 * macsec: `ip link add link PARENT NAME type macsec [sci SCI | port PORT]
 * [cipher SUITE] [icvlen N] [encrypt on|off] [send_sci on|off] [end_station
 * on|off] [scb on|off] [protect on|off] [replay on|off window N] [validate
 * strict|check|disabled] [encodingsa AN] [offload off|phy|mac]`. The parent is
 * IFLA_LINK (`link`); the u8 options come from the spec's view
 * (linkinfo-macsec-attrs). By hand: the SCI (8 bytes, big-endian, as 16 hex
 * digits), the port (`sciPort`: the SCI's low 16 bits, which is how it reads back), the
 * cipher suite (a u64 id by name) and the replay window (reported only with
 * replay protection on). Secure channels and associations are configured
 * over generic netlink (the Macsec module).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoMacsecAttrs } from "../../../generated/rt-link/index.ts"
import {
  DeviceRef,
  MacsecFields,
  type MacsecOptions as Generated,
  macsecCanonical,
  macsecFromWire,
  macsecToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import { isEmpty } from "../../internal/Kind.ts"
import type { LinkKind } from "../LinkKind.ts"

/** MACSEC_CIPHER_ID_* (include/uapi/linux/if_macsec.h) by `ip`'s names. */
export const CIPHER_SUITES = {
  "gcm-aes-128": 0x0080c20001000001n,
  "gcm-aes-256": 0x0080c20001000002n,
  "gcm-aes-xpn-128": 0x0080c20001000003n,
  "gcm-aes-xpn-256": 0x0080c20001000004n
} as const

/** MACSEC_DEFAULT_CIPHER_ID: the older id of GCM-AES-128, which the kernel reports. */
const DEFAULT_CIPHER_ID = 0x0080020001000001n

/** A cipher suite's name. */
export type CipherSuite = keyof typeof CIPHER_SUITES

const cipherName = (id: bigint): CipherSuite | bigint => {
  if (id === DEFAULT_CIPHER_ID) return "gcm-aes-128"
  for (const [k, v] of Object.entries(CIPHER_SUITES)) if (v === id) return k as CipherSuite
  return id
}

const SCI_RE = /^(?:0x)?[0-9a-fA-F]{16}$/

/** An SCI as 16 lowercase hex digits (what `ip` prints). */
export const Sci = Schema.String.check(
  Schema.makeFilter(
    (s: string) => SCI_RE.test(s) || `an SCI is 16 hex digits (MAC address and port), got "${s}"`
  )
)

/** The SCI text's bytes (big-endian, as on the wire). */
export const sciBytes = (sci: string): Uint8Array => {
  const h = sci.startsWith("0x") ? sci.slice(2) : sci
  const b = new Uint8Array(8)
  for (let i = 0; i < 8; i++) b[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return b
}

/** 8 SCI bytes as 16 lowercase hex digits. */
export const sciText = (b: Uint8Array): string => {
  let s = ""
  for (let i = 0; i < 8; i++) s += (b[i] ?? 0).toString(16).padStart(2, "0")
  return s
}

const sciPort = (sci: string): number => Number.parseInt(sci.slice(-4), 16)

/**
 * The options of a macsec link.
 *
 * @example
 * ```ts
 * const o: MacsecOptions = { link: "eth0", sciPort: 7, cipher: "gcm-aes-256", encrypt: true }
 * ```
 * @since 0.3.0
 */
export interface MacsecOptions extends Generated {
  /** The parent device (IFLA_LINK). */
  readonly link: string | number
  /** Secure Channel Identifier, 16 hex digits; default: the device's MAC address and `port`. */
  readonly sci?: string
  /** The SCI's port, ip's `port` (default 1; `port` is a master's port options here); with `sci` it must be the SCI's last 4 hex digits. */
  readonly sciPort?: number
  /** Cipher suite (default gcm-aes-128); the XPN suites use 64-bit packet numbers. */
  readonly cipher?: CipherSuite | bigint
  /** Replay window in packets; needed with `replay: true`, kept only with it. */
  readonly window?: number
}

const fields = {
  ...MacsecFields,
  link: DeviceRef,
  sci: Schema.optional(Sci),
  sciPort: Schema.optional(P.U16),
  cipher: Schema.optional(
    Schema.Union([
      Schema.Literals(["gcm-aes-128", "gcm-aes-256", "gcm-aes-xpn-128", "gcm-aes-xpn-256"]),
      P.U64
    ])
  ),
  window: Schema.optional(P.U32)
}

/**
 * The macsec descriptor.
 *
 * @example
 * ```ts
 * macsec.toKernel({ link: 2, sciPort: 7 }, { devices: {}, namespaces: {} }) // { port: 7 }
 * ```
 * @since 0.3.0
 */
export const macsec: LinkKind<MacsecOptions, "macsec"> = {
  kind: "macsec",
  fields,
  devices: [],
  kernelChosen: ["sci"],
  parent: "link",
  check: (o) => {
    if (o.sci !== undefined && o.sciPort !== undefined && sciPort(o.sci.toLowerCase()) !== o.sciPort)
      return [
        "sciPort",
        `the port is the SCI's last 16 bits (${sciPort(o.sci.toLowerCase())}); give one of sci and port`
      ]
    if (o.replay === true && o.window === undefined) return ["window", "replay protection needs a window"]
    // the kernel refuses an explicit SCI that is not sent (EINVAL): the receiver could not know it
    if (o.sci !== undefined && o.sendSci === false)
      return ["sendSci", "an explicit sci must be sent (sendSci true); give sciPort for the device's own SCI"]
    if (o.endStation === true && o.scb === true)
      return ["scb", "end station and single copy broadcast exclude each other"]
    return undefined
  },
  toKernel: (o) => {
    const w: { -readonly [K in keyof LinkinfoMacsecAttrs]: LinkinfoMacsecAttrs[K] } = macsecToWire(o)
    if (o.sci !== undefined) w.sci = sciBytes(o.sci)
    else if (o.sciPort !== undefined) w.port = o.sciPort
    if (o.cipher !== undefined)
      w.cipherSuite = typeof o.cipher === "bigint" ? o.cipher : CIPHER_SUITES[o.cipher]
    if (o.window !== undefined) w.window = o.window
    // The kernel refuses INC_SCI with ES or SCB in one request, yet keeps send_sci on (its
    // default) when ES or SCB is set: a listed end station reads send_sci on, and recreating
    // it must not send both. Leaving INC_SCI 1 out gives the same device.
    if (w.incSci === 1 && (w.es === 1 || w.scb === 1)) delete w.incSci
    // no options: no IFLA_INFO_DATA at all, as ip sends it
    return isEmpty(w) ? undefined : w
  },
  fromKernel: (d, ctx) => {
    const o: any = d === undefined ? {} : macsecFromWire(d, ctx.name)
    if (ctx.link !== undefined && ctx.link !== 0 && ctx.linkNetnsId === undefined) o.link = ctx.name(ctx.link)
    if (d?.sci !== undefined && d.sci.length === 8) {
      const sci = sciText(d.sci)
      // Without send_sci the SCI is the device's address and port, and the kernel takes no
      // explicit one: listed as sciPort alone, the object can be given back.
      if (d.incSci !== 0) o.sci = sci
      o.sciPort = sciPort(sci)
    } else if (d?.port !== undefined) o.sciPort = d.port
    if (d?.cipherSuite !== undefined) o.cipher = cipherName(d.cipherSuite)
    if (d?.window !== undefined && d.replayProtect === 1) o.window = d.window
    return o
  },
  canonical: (o: Partial<MacsecOptions>) => {
    const c: any = macsecCanonical(o as MacsecOptions)
    if (o.sci !== undefined) {
      c.sci = (o.sci.startsWith("0x") ? o.sci.slice(2) : o.sci).toLowerCase()
      c.sciPort = sciPort(c.sci)
    } else c.sciPort = o.sciPort ?? 1
    c.cipher =
      o.cipher === undefined ? "gcm-aes-128" : typeof o.cipher === "bigint" ? cipherName(o.cipher) : o.cipher
    if (c.replay !== true) delete c.window
    return c
  }
}
