/**
 * `wg set`'s words → the change `WireGuard.set` takes: `wg0 listen-port
 * 51820 private-key /etc/wg/key peer KEY allowed-ips 10.0.0.0/24,fd00::/64
 * endpoint 192.0.2.1:51820 persistent-keepalive 25`. As `wg` does, the
 * keys are read from files (a file with nothing in it clears the key),
 * `allowed-ips` replaces a peer's list, `fwmark` and `persistent-keepalive`
 * take `off`. Configuration files (`wg setconf`/`addconf`) are
 * `WireGuard.parseConfig`'s.
 *
 * @since 0.4.0
 */
import { readFileSync } from "node:fs"
import * as Redacted from "effect/Redacted"
import { isError, type Parsed, Words } from "../internal/Words.ts"
import type { PeerChange, SetOptions } from "../WireGuard.ts"
import * as K from "../wireguard/Key.ts"

/**
 * What `wg set` changes: the device and the change for `WireGuard.set`.
 *
 * @example
 * ```ts
 * const s: SetCommand = { dev: "wg0", options: { listenPort: 51820 } }
 * ```
 */
export interface SetCommand {
  readonly dev: string
  readonly options: SetOptions
}

/**
 * Reads a key file; undefined when it cannot be read.
 *
 * @example
 * ```ts
 * const fromMemory: ReadKey = (path) => (path === "key" ? "+FELE7sOMQngrcVUVdjU8/z7bfkPu4gA5qvN0Lksf0s=" : undefined)
 * ```
 */
export type ReadKey = (path: string) => string | undefined

const readKeyFile: ReadKey = (path) => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return undefined
  }
}

const int = (w: Words, keyword: string, max: number, off: boolean): Parsed<number> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  if (off && v === "off") return 0
  const n = /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : Number.NaN
  if (!Number.isInteger(n) || n > max)
    return w.fail(keyword, `"${v}" is not a number from 0 to ${max}${off ? ' or "off"' : ""}`)
  return n
}

// a key file's content: the key in base64 (surrounding white space ignored); empty clears it
const keyFrom = (
  w: Words,
  keyword: string,
  readKey: ReadKey,
  label: string
): Parsed<Redacted.Redacted<K.Key>> => {
  const path = w.value(keyword)
  if (isError(path)) return path
  const text = readKey(path)
  if (text === undefined) return w.fail(keyword, `cannot read the key file "${path}"`)
  const key = text.trim()
  if (key === "") return Redacted.make(K.ZERO, { label })
  if (!K.isKey(key)) return w.fail(keyword, `"${path}" holds no key (32 bytes in base64)`)
  return Redacted.make(key, { label })
}

const ENDPOINT = /^(\[[0-9a-fA-F:.%\w]+\]|[^:\s]+):(\d{1,5})$/

/**
 * The words of `wg set` (from the interface on) as the device and the change.
 *
 * @example
 * ```ts
 * const s = parseSet("wg0 listen-port 51820 peer AAAA...= allowed-ips 10.0.0.0/24")
 * // { dev: "wg0", options: { listenPort: 51820, peers: [{ publicKey: "AAAA...=", replaceAllowedIps: true, allowedIps: ["10.0.0.0/24"] }] } }
 * ```
 * @since 0.4.0
 */
export const parseSet = (
  input: string | ReadonlyArray<string>,
  command = "wg set",
  readKey: ReadKey = readKeyFile
): Parsed<SetCommand> => {
  const w = Words.of(input, command)
  const dev = w.next()
  if (dev === undefined) return w.fail("interface", "the interface is required (wg set wg0 ...)")
  const options: { -readonly [K in keyof SetOptions]: SetOptions[K] } = {}
  const peers: Array<{ -readonly [K in keyof PeerChange]: PeerChange[K] }> = []
  while (!w.done) {
    const word = w.next() as string
    const peer = peers[peers.length - 1]
    if (word === "listen-port") {
      const n = int(w, word, 0xffff, false)
      if (isError(n)) return n
      options.listenPort = n
    } else if (word === "fwmark") {
      const n = int(w, word, 0xffffffff, true)
      if (isError(n)) return n
      options.fwmark = n
    } else if (word === "private-key") {
      const k = keyFrom(w, word, readKey, "wireguard private key")
      if (isError(k)) return k
      options.privateKey = k
    } else if (word === "peer") {
      const key = w.value("peer")
      if (isError(key)) return key
      if (!K.isKey(key)) return w.fail("peer", `"${key}" is not a public key (32 bytes in base64)`)
      peers.push({ publicKey: key })
    } else if (peer === undefined) {
      w.back()
      return w.unknown(word, ["listen-port", "fwmark", "private-key", "peer"])
    } else if (word === "remove") peer.remove = true
    else if (word === "preshared-key") {
      const k = keyFrom(w, word, readKey, "wireguard preshared key")
      if (isError(k)) return k
      peer.presharedKey = k
    } else if (word === "endpoint") {
      const e = w.value(word)
      if (isError(e)) return e
      const m = ENDPOINT.exec(e)
      if (m === null || Number(m[2]) > 0xffff)
        return w.fail(word, `"${e}" is not HOST:PORT ([V6]:PORT for IPv6)`)
      peer.endpoint = e
    } else if (word === "persistent-keepalive") {
      const n = int(w, word, 0xffff, true)
      if (isError(n)) return n
      peer.persistentKeepalive = n
    } else if (word === "allowed-ips") {
      const v = w.value(word)
      if (isError(v)) return v
      // an empty list (`allowed-ips ""`) clears the peer's
      const ips = v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
      peer.replaceAllowedIps = true
      peer.allowedIps = ips
    } else {
      w.back()
      return w.unknown(word, [
        "listen-port",
        "fwmark",
        "private-key",
        "peer",
        "remove",
        "preshared-key",
        "endpoint",
        "persistent-keepalive",
        "allowed-ips"
      ])
    }
  }
  if (peers.length > 0) options.peers = peers
  return { dev, options }
}
