/**
 * The `[Interface]`/`[Peer]` configuration format of `wg setconf`,
 * `wg showconf` and wg-quick, limited to kernel state: the wg-quick-only keys
 * (Address, DNS, MTU, Table, Pre/PostUp, Pre/PostDown, SaveConfig) are
 * skipped when parsing and never printed.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"
import { invalid } from "../internal/Common.ts"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import * as K from "./Key.ts"

/**
 * A configuration: what `WireGuard.parseConfig` returns and `WireGuard.configure` takes.
 *
 * @since 0.1.0
 */
export interface Config {
  readonly privateKey?: Redacted.Redacted<K.Key>
  readonly listenPort?: number
  readonly fwmark?: number
  readonly peers: ReadonlyArray<{
    readonly publicKey: K.Key
    readonly presharedKey?: Redacted.Redacted<K.Key>
    readonly endpoint?: string
    readonly persistentKeepalive?: number
    readonly allowedIps: ReadonlyArray<string>
  }>
}

const WG_QUICK_ONLY = new Set([
  "address",
  "dns",
  "mtu",
  "table",
  "preup",
  "postup",
  "predown",
  "postdown",
  "saveconfig"
])

const int = (v: string, max: number): number | undefined => {
  const n = /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : Number.NaN
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined
}

/**
 * Parses a configuration. A bad line fails with a Validation error naming
 * its line number and key, never its value (it may be a key).
 *
 * @example
 * ```ts
 * const config = WireGuard.parseConfig("[Interface]\nListenPort = 51820\n")
 * ```
 * @since 0.1.0
 */
export const parse = (text: string): Config | NetlinkError => {
  let section: "none" | "interface" | "peer" = "none"
  let privateKey: Redacted.Redacted<K.Key> | undefined
  let listenPort: number | undefined
  let fwmark: number | undefined
  const peers: Array<{
    publicKey?: K.Key
    presharedKey?: Redacted.Redacted<K.Key>
    endpoint?: string
    persistentKeepalive?: number
    allowedIps: Array<string>
    line: number
  }> = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, "").trim()
    if (line === "") continue
    const at = `line ${i + 1}`
    const header = /^\[(\w+)\]$/.exec(line)
    if (header) {
      const h = header[1].toLowerCase()
      if (h === "interface") section = "interface"
      else if (h === "peer") {
        section = "peer"
        peers.push({ allowedIps: [], line: i + 1 })
      } else return invalid(at, `unknown section [${header[1]}]`)
      continue
    }
    const eq = line.indexOf("=")
    if (eq === -1) return invalid(at, "expected Key = Value")
    const key = line.slice(0, eq).trim().toLowerCase()
    const value = line.slice(eq + 1).trim()
    const where = `${at} (${line.slice(0, eq).trim()})`
    const bad = (what: string) => invalid(where, what)
    if (section === "interface") {
      if (key === "privatekey") {
        if (!K.isKey(value)) return bad("a key is 32 bytes in base64")
        privateKey = Redacted.make(value, { label: "wireguard private key" })
      } else if (key === "listenport") {
        const n = int(value, 0xffff)
        if (n === undefined) return bad("a port from 0 to 65535")
        listenPort = n
      } else if (key === "fwmark") {
        const n = value === "off" ? 0 : int(value, 0xffffffff)
        if (n === undefined) return bad('a 32-bit mark or "off"')
        fwmark = n
      } else if (!WG_QUICK_ONLY.has(key)) return bad("not an [Interface] key")
    } else if (section === "peer") {
      const p = peers[peers.length - 1]
      if (key === "publickey") {
        if (!K.isKey(value)) return bad("a key is 32 bytes in base64")
        p.publicKey = value
      } else if (key === "presharedkey") {
        if (!K.isKey(value)) return bad("a key is 32 bytes in base64")
        p.presharedKey = Redacted.make(value, { label: "wireguard preshared key" })
      } else if (key === "allowedips") {
        for (const x of value.split(",")) if (x.trim() !== "") p.allowedIps.push(x.trim())
      } else if (key === "endpoint") p.endpoint = value
      else if (key === "persistentkeepalive") {
        const n = value === "off" ? 0 : int(value, 0xffff)
        if (n === undefined) return bad('seconds from 0 to 65535 or "off"')
        p.persistentKeepalive = n
      } else return bad("not a [Peer] key")
    } else return invalid(at, "a key outside [Interface] or [Peer]")
  }
  const out: Array<Config["peers"][number]> = []
  for (const { line, publicKey, ...rest } of peers) {
    if (publicKey === undefined) return invalid(`line ${line}`, "a [Peer] needs a PublicKey")
    out.push({ publicKey, ...rest })
  }
  return {
    ...(privateKey !== undefined ? { privateKey } : {}),
    ...(listenPort !== undefined ? { listenPort } : {}),
    ...(fwmark !== undefined ? { fwmark } : {}),
    peers: out
  }
}

/**
 * Prints a configuration as `wg showconf` does. Private and preshared keys
 * are printed as "(hidden)" unless `showKeys` is set (as `wg show` hides them).
 *
 * @example
 * ```ts
 * const text = WireGuard.printConfig(yield* WireGuard.get("wg0"), { showKeys: true })
 * ```
 * @since 0.1.0
 */
export const print = (config: Config, options: { readonly showKeys?: boolean } = {}): string => {
  const secret = (k: Redacted.Redacted<K.Key>) => (options.showKeys === true ? Redacted.value(k) : "(hidden)")
  const out: Array<string> = ["[Interface]"]
  if (config.listenPort) out.push(`ListenPort = ${config.listenPort}`)
  if (config.fwmark) out.push(`FwMark = 0x${config.fwmark.toString(16)}`)
  if (config.privateKey !== undefined) out.push(`PrivateKey = ${secret(config.privateKey)}`)
  out.push("")
  config.peers.forEach((p, i) => {
    out.push("[Peer]", `PublicKey = ${p.publicKey}`)
    if (p.presharedKey !== undefined) out.push(`PresharedKey = ${secret(p.presharedKey)}`)
    if (p.allowedIps.length > 0) out.push(`AllowedIPs = ${p.allowedIps.join(", ")}`)
    if (p.endpoint !== undefined) out.push(`Endpoint = ${p.endpoint}`)
    if (p.persistentKeepalive) out.push(`PersistentKeepalive = ${p.persistentKeepalive}`)
    if (i < config.peers.length - 1) out.push("")
  })
  return `${out.join("\n")}\n`
}
