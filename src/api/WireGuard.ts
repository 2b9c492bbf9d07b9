/**
 * WireGuard devices over generic netlink (family "wireguard"): read a device
 * with its peers, change it, or make it equal to a configuration — at any
 * size (a device with 10,000 peers spans hundreds of messages both ways).
 * Private and preshared keys are `Redacted`: they never show in errors, logs
 * or JSON unless read with `Redacted.value`.
 *
 * Create the device itself as a link of kind `wireguard` (its kind module,
 * src/api/link/kinds/wireguard.ts: no IFLA_INFO_DATA), as
 * `ip link add wg0 type wireguard` does.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Link, Netlink, WireGuard } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Link.add({ kind: "wireguard", name: "wg0" })
 *   const key = WireGuard.generateKey()
 *   yield* WireGuard.set("wg0", { privateKey: key, listenPort: 51820 })
 *   yield* WireGuard.set("wg0", { peers: [{ publicKey: "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=", allowedIps: ["10.0.0.2/32"] }] })
 *   return yield* WireGuard.get("wg0")
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { decodeGetDeviceReply, encodeGetDeviceRequest, GenlFamily } from "../generated/wireguard/index.ts"
import type { WgpeerAttrs } from "../generated/wireguard/index.ts"
import * as NetlinkErrors from "../runtime/NetlinkError.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import { parseIp, Writer } from "../runtime/Wire.ts"
import * as Genl from "./Genl.ts"
import { invalid, NLM_F_DUMP, operationOf } from "./internal/Common.ts"
import type { Netlink } from "./Netlink.ts"
import { type AllowedIpBytes, build, type DeviceBytes, type PeerBytes } from "./wireguard/Build.ts"
import * as K from "./wireguard/Key.ts"

export { type Config, parse as parseConfig, print as printConfig } from "./wireguard/Config.ts"
export { generateKey, isKey, type Key, publicKey } from "./wireguard/Key.ts"

const AF_INET = 2
const AF_INET6 = 10
const NLMSG_HDRLEN = 16

/** A device by name or interface index. */
export type DeviceRef = string | number

/**
 * What the kernel counts for a peer by itself (not configuration).
 *
 * @since 0.1.0
 */
export interface PeerStatus {
  /** When the last handshake completed; undefined if never. */
  readonly lastHandshake?: Date
  readonly rxBytes: bigint
  readonly txBytes: bigint
  readonly protocolVersion?: number
}

/**
 * A peer as configured: what `get` returns and `configure` accepts.
 *
 * @since 0.1.0
 */
export interface Peer {
  readonly publicKey: K.Key
  readonly presharedKey?: Redacted.Redacted<K.Key>
  /** "192.0.2.1:51820" or "[2001:db8::1]:51820". */
  readonly endpoint?: string
  /** Seconds; 0 or absent: off. */
  readonly persistentKeepalive?: number
  /** Prefixes routed to this peer ("10.0.0.0/24"), in the kernel's order. */
  readonly allowedIps: ReadonlyArray<string>
  /** Counters and handshake time, present in what `get` returns (ignored by `configure`). */
  readonly status?: PeerStatus
}

/**
 * A device as configured.
 *
 * @since 0.1.0
 */
export interface Device {
  readonly name: string
  readonly index: number
  readonly privateKey?: Redacted.Redacted<K.Key>
  /** Derived by the kernel from the private key. */
  readonly publicKey?: K.Key
  /** 0: none set (the kernel picks a port when the device comes up). */
  readonly listenPort: number
  readonly fwmark: number
  readonly peers: ReadonlyArray<Peer>
}

/**
 * A change to one peer (`wg set wg0 peer KEY ...`).
 *
 * @since 0.1.0
 */
export interface PeerChange {
  readonly publicKey: K.Key
  /** Remove the peer (WGPEER_F_REMOVE_ME). */
  readonly remove?: boolean
  /** Change the peer only if it exists, never create it (WGPEER_F_UPDATE_ONLY). */
  readonly updateOnly?: boolean
  /** The all-zero key removes the preshared key. */
  readonly presharedKey?: Redacted.Redacted<K.Key> | K.Key
  readonly endpoint?: string
  readonly persistentKeepalive?: number
  /** Replace the peer's allowed IPs with `allowedIps` (WGPEER_F_REPLACE_ALLOWEDIPS). */
  readonly replaceAllowedIps?: boolean
  /** Allowed IPs to add (or, with replaceAllowedIps, the new list). */
  readonly allowedIps?: ReadonlyArray<string>
  /** Allowed IPs to remove from this peer (WGALLOWEDIP_F_REMOVE_ME, Linux 6.16+). */
  readonly removeAllowedIps?: ReadonlyArray<string>
}

/**
 * A change to a device (`wg set`).
 *
 * @since 0.1.0
 */
export interface SetOptions {
  readonly privateKey?: Redacted.Redacted<K.Key> | K.Key
  readonly listenPort?: number
  readonly fwmark?: number
  /** Remove every peer `peers` does not name (WGDEVICE_F_REPLACE_PEERS). */
  readonly replacePeers?: boolean
  readonly peers?: ReadonlyArray<PeerChange>
  /** Largest request message in bytes; default 4096 as `wg` (at least 1024). */
  readonly messageLimit?: number
}

// ---------------------------------------------------------------------------
// input

type Bad = ReturnType<typeof invalid>

const keyBytes = (v: unknown, path: string, secret: boolean): Uint8Array | Bad => {
  const s = Redacted.isRedacted(v) ? Redacted.value(v as Redacted.Redacted<unknown>) : v
  // a key's text is never echoed: it may be a secret with a typo
  if (!K.isKey(s))
    return invalid(
      path,
      `a ${secret ? "secret " : ""}key is 32 bytes in base64 (44 characters ending in "=")`
    )
  return K.toBytes(s)
}

const u16 = (v: unknown, path: string): number | Bad =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff
    ? (v as number)
    : invalid(path, `an integer from 0 to 65535, got ${String(v)}`)

const u32 = (v: unknown, path: string): number | Bad =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff
    ? (v as number)
    : invalid(path, `an integer from 0 to 4294967295, got ${String(v)}`)

const prefixBytes = (v: unknown, path: string, remove: boolean): AllowedIpBytes | Bad => {
  if (typeof v !== "string") return invalid(path, "an IP prefix such as 10.0.0.0/24 or 2001:db8::/64")
  const slash = v.indexOf("/")
  const addr = parseIp(slash === -1 ? v : v.slice(0, slash))
  if (addr === undefined) return invalid(path, `not an IPv4 or IPv6 prefix: ${JSON.stringify(v)}`)
  const max = addr.length * 8
  const cidr = slash === -1 ? max : Number(v.slice(slash + 1))
  if (
    !Number.isInteger(cidr) ||
    cidr < 0 ||
    cidr > max ||
    (slash !== -1 && !/^\d+$/.test(v.slice(slash + 1)))
  )
    return invalid(path, `prefix length must be 0 to ${max}: ${JSON.stringify(v)}`)
  return { family: addr.length === 4 ? AF_INET : AF_INET6, addr, cidr, remove }
}

/** sockaddr_in / sockaddr_in6 of "host:port" / "[v6]:port". */
const endpointBytes = (v: unknown, path: string): Uint8Array | Bad => {
  const m = typeof v === "string" ? /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(v) : null
  const port = m ? Number(m[3]) : -1
  const addr = m ? parseIp(m[1] ?? m[2]) : undefined
  if (!m || addr === undefined || port < 1 || port > 65535 || (m[1] !== undefined) !== (addr?.length === 16))
    return invalid(
      path,
      `an endpoint is "192.0.2.1:51820" or "[2001:db8::1]:51820", got ${JSON.stringify(v)}`
    )
  const b = new Uint8Array(addr.length === 4 ? 16 : 28)
  const dv = new DataView(b.buffer)
  dv.setUint16(0, addr.length === 4 ? AF_INET : AF_INET6, true)
  dv.setUint16(2, port, false)
  b.set(addr, addr.length === 4 ? 4 : 8)
  return b
}

const isBad = (x: unknown): x is Bad =>
  typeof x === "object" && x !== null && (x as any)._tag === "NetlinkError"

const deviceRef = (dev: unknown): { ifname?: string; ifindex?: number } | Bad =>
  typeof dev === "string" && /^[^\s/:]{1,15}$/.test(dev) && dev !== "." && dev !== ".."
    ? { ifname: dev }
    : typeof dev === "number" && Number.isInteger(dev) && dev > 0 && dev <= 0x7fffffff
      ? { ifindex: dev }
      : invalid("dev", "a device name (1 to 15 characters) or a positive interface index")

const toDeviceBytes = (dev: DeviceRef, o: SetOptions): DeviceBytes | Bad => {
  const ref = deviceRef(dev)
  if (isBad(ref)) return ref
  if (typeof o !== "object" || o === null) return invalid("(input)", "set options are an object")
  let privateKey: Uint8Array | undefined
  if (o.privateKey !== undefined) {
    const k = keyBytes(o.privateKey, "privateKey", true)
    if (isBad(k)) return k
    privateKey = k
  }
  const listenPort = o.listenPort === undefined ? undefined : u16(o.listenPort, "listenPort")
  if (isBad(listenPort)) return listenPort
  const fwmark = o.fwmark === undefined ? undefined : u32(o.fwmark, "fwmark")
  if (isBad(fwmark)) return fwmark
  const peers: Array<PeerBytes> = []
  const list = o.peers ?? []
  if (!Array.isArray(list)) return invalid("peers", "a list of peer changes")
  for (let i = 0; i < list.length; i++) {
    const p = list[i]
    const at = `peers[${i}]`
    if (typeof p !== "object" || p === null) return invalid(at, "a peer change is an object")
    const publicKey = keyBytes(p.publicKey, `${at}.publicKey`, false)
    if (isBad(publicKey)) return publicKey
    let presharedKey: Uint8Array | undefined
    if (p.presharedKey !== undefined) {
      const k = keyBytes(p.presharedKey, `${at}.presharedKey`, true)
      if (isBad(k)) return k
      presharedKey = k
    }
    const endpoint = p.endpoint === undefined ? undefined : endpointBytes(p.endpoint, `${at}.endpoint`)
    if (isBad(endpoint)) return endpoint
    const keepalive =
      p.persistentKeepalive === undefined
        ? undefined
        : u16(p.persistentKeepalive, `${at}.persistentKeepalive`)
    if (isBad(keepalive)) return keepalive
    const ips: Array<AllowedIpBytes> = []
    for (const [field, remove] of [
      ["allowedIps", false],
      ["removeAllowedIps", true]
    ] as const) {
      const xs = p[field] ?? []
      if (!Array.isArray(xs)) return invalid(`${at}.${field}`, "a list of IP prefixes")
      for (let j = 0; j < xs.length; j++) {
        const a = prefixBytes(xs[j], `${at}.${field}[${j}]`, remove)
        if (isBad(a)) return a
        ips.push(a)
      }
    }
    peers.push({
      publicKey,
      flags: (p.remove === true ? 1 : 0) | (p.updateOnly === true ? 4 : 0),
      replaceAllowedIps: p.replaceAllowedIps === true,
      presharedKey,
      endpoint,
      keepalive,
      allowedIps: ips
    })
  }
  return { ...ref, privateKey, listenPort, fwmark, replacePeers: o.replacePeers === true, peers }
}

// ---------------------------------------------------------------------------
// output

const endpointText = (b: Uint8Array): string | undefined => {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  if (b.length >= 16 && dv.getUint16(0, true) === AF_INET)
    return `${b[4]}.${b[5]}.${b[6]}.${b[7]}:${dv.getUint16(2, false)}`
  if (b.length >= 28 && dv.getUint16(0, true) === AF_INET6) {
    const words: Array<string> = []
    for (let i = 0; i < 8; i++) words.push(dv.getUint16(8 + 2 * i, false).toString(16))
    return `[${compress(words)}]:${dv.getUint16(2, false)}`
  }
  return undefined
}

// RFC 5952 text of eight 16-bit words: the longest run (2+) of zeros becomes "::"
const compress = (words: ReadonlyArray<string>): string => {
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (words[i] !== "0") {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === "0") j++
    if (j - i > bestLen) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  if (best === -1) return words.join(":")
  return `${words.slice(0, best).join(":")}::${words.slice(best + bestLen).join(":")}`
}

interface Acc {
  name: string
  index: number
  privateKey?: Uint8Array
  publicKey?: Uint8Array
  listenPort: number
  fwmark: number
  peers: Array<{ key: Uint8Array; attrs: WgpeerAttrs; ips: Array<string> }>
}

const sameKey = (a: Uint8Array, b: Uint8Array | undefined): boolean => {
  if (b === undefined || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const toDevice = (acc: Acc): Device => ({
  name: acc.name,
  index: acc.index,
  ...(acc.privateKey !== undefined && acc.privateKey.some((x) => x !== 0)
    ? { privateKey: Redacted.make(K.fromBytes(acc.privateKey), { label: "wireguard private key" }) }
    : {}),
  ...(acc.publicKey !== undefined && acc.publicKey.some((x) => x !== 0)
    ? { publicKey: K.fromBytes(acc.publicKey) }
    : {}),
  listenPort: acc.listenPort,
  fwmark: acc.fwmark,
  peers: acc.peers.map(({ key, attrs: a, ips }): Peer => {
    const hs = a.lastHandshakeTime
    const psk = a.presharedKey
    const ep = a.endpoint === undefined ? undefined : endpointText(a.endpoint)
    return {
      publicKey: K.fromBytes(key),
      ...(psk !== undefined && psk.some((x) => x !== 0)
        ? { presharedKey: Redacted.make(K.fromBytes(psk), { label: "wireguard preshared key" }) }
        : {}),
      ...(ep !== undefined ? { endpoint: ep } : {}),
      ...(a.persistentKeepaliveInterval ? { persistentKeepalive: a.persistentKeepaliveInterval } : {}),
      allowedIps: ips,
      status: {
        ...(hs !== undefined && (hs.sec !== 0n || hs.nsec !== 0n)
          ? { lastHandshake: new Date(Number(hs.sec) * 1000 + Math.floor(Number(hs.nsec) / 1e6)) }
          : {}),
        rxBytes: a.rxBytes ?? 0n,
        txBytes: a.txBytes ?? 0n,
        ...(a.protocolVersion !== undefined ? { protocolVersion: a.protocolVersion } : {})
      }
    }
  })
})

const ipText = (family: number | undefined, addr: string | undefined, cidr: number | undefined): string =>
  `${addr ?? (family === AF_INET6 ? "::" : "0.0.0.0")}/${cidr ?? 0}`

// ---------------------------------------------------------------------------
// operations

/**
 * Reads a device with all its peers. A large device arrives in many
 * messages; a peer continued in the next one (its key repeated with more
 * allowed IPs) is merged.
 *
 * @example
 * ```ts
 * const dev = yield* WireGuard.get("wg0")
 * dev.peers.map((p) => [p.publicKey, p.allowedIps])
 * ```
 * @since 0.1.0
 */
export const get = operationOf(
  "WireGuard.get",
  (dev: DeviceRef): Effect.Effect<Device, NetlinkError, Netlink> => {
    const ref = deviceRef(dev)
    if (isBad(ref)) return Effect.fail(ref)
    return Genl.withFamily(GenlFamily.name, (f, conn) => {
      const acc: Acc = { name: "", index: 0, listenPort: 0, fwmark: 0, peers: [] }
      const w = new Writer(64)
      const start = w.beginMessage(f.id, NLM_F_DUMP | 1, 0)
      encodeGetDeviceRequest(w, ref)
      w.endMessage(start)
      const decode = (buf: Uint8Array, view: DataView, s: number, end: number): undefined => {
        const d = decodeGetDeviceReply(buf, view, s + NLMSG_HDRLEN, end)
        if (d.ifname !== undefined) acc.name = d.ifname
        if (d.ifindex !== undefined) acc.index = d.ifindex
        if (d.privateKey !== undefined) acc.privateKey = d.privateKey
        if (d.publicKey !== undefined) acc.publicKey = d.publicKey
        if (d.listenPort !== undefined) acc.listenPort = d.listenPort
        if (d.fwmark !== undefined) acc.fwmark = d.fwmark
        for (const p of d.peers ?? []) {
          if (p.publicKey === undefined) continue
          const last = acc.peers[acc.peers.length - 1]
          const ips = (p.allowedips ?? []).map((a) => ipText(a.family, a.ipaddr, a.cidrMask))
          if (last !== undefined && sameKey(p.publicKey, last.key)) last.ips.push(...ips)
          else acc.peers.push({ key: p.publicKey, attrs: p, ips })
        }
        return undefined
      }
      return conn.dumpAll(w.finish(), decode, { operation: `wireguard get ${dev}`, headerLength: 4 }).pipe(
        Effect.map(() => toDevice(acc)),
        // a malformed reply's bytes may hold the private or a preshared key: never put them in the error
        Effect.mapError((e) =>
          e.reason._tag === "Decode" && e.reason.bytes !== undefined
            ? NetlinkErrors.make(
                new NetlinkErrors.Decode({
                  message: e.reason.message,
                  offset: e.reason.offset,
                  context: e.reason.context
                })
              )
            : e
        )
      )
    })
  }
)

/**
 * Changes a device (`wg set`): keys, port, fwmark, and per peer create,
 * update, remove, replace or add allowed IPs. Large changes are split over
 * several messages as the kernel expects; they are sent in order and the
 * first failure stops the rest.
 *
 * @example
 * ```ts
 * yield* WireGuard.set("wg0", {
 *   listenPort: 51820,
 *   peers: [{ publicKey: peerKey, endpoint: "192.0.2.1:51820", allowedIps: ["10.0.0.2/32"] }]
 * })
 * ```
 * @since 0.1.0
 */
export const set = operationOf(
  "WireGuard.set",
  (dev: DeviceRef, options: SetOptions): Effect.Effect<void, NetlinkError, Netlink> => {
    const d = toDeviceBytes(dev, options)
    if (isBad(d)) return Effect.fail(d)
    const limit = options.messageLimit ?? 4096
    if (!Number.isInteger(limit) || limit < 1024 || limit > 65536)
      return Effect.fail(invalid("messageLimit", `an integer from 1024 to 65536, got ${limit}`))
    const send = Genl.withFamily(GenlFamily.name, (f, conn) =>
      Effect.forEach(
        build(f.id, d, limit),
        (m) => conn.request(m, { operation: `wireguard set ${dev}`, headerLength: 4 }),
        { discard: true }
      )
    )
    const removing = d.peers.findIndex((p) => p.allowedIps.some((a) => a.remove))
    if (removing === -1) return send
    // An older kernel ignores WGALLOWEDIP_A_FLAGS and would add the prefix instead.
    return Effect.flatMap(removeSupported, (ok) =>
      ok
        ? send
        : Effect.fail(
            invalid(
              `peers[${removing}].removeAllowedIps`,
              "this kernel's wireguard has no WGALLOWEDIP_F_REMOVE_ME (Linux 6.16+): nothing was sent; replace the peer's allowed IPs instead"
            )
          )
    )
  }
)

// Whether the kernel's allowed-IP policy (the table whose attribute 1, the
// family, is NL_ATTR_TYPE_U16) has attribute 4, WGALLOWEDIP_A_FLAGS.
const removeSupported: Effect.Effect<boolean, NetlinkError, Netlink> = Effect.map(
  Genl.policies(GenlFamily.name),
  (tables) => [...tables.values()].some((t) => t.get(1) === 3 && t.get(3) === 2 && t.has(4))
)

/**
 * The messages {@link set} would send, for a family id (golden tests and
 * dry runs); validation errors as in `set`.
 *
 * @example
 * ```ts
 * const messages = WireGuard.buildSet(30, "wg0", { peers })
 * ```
 * @since 0.1.0
 */
export const buildSet = (
  familyId: number,
  dev: DeviceRef,
  options: SetOptions
): Array<Uint8Array> | NetlinkError => {
  const d = toDeviceBytes(dev, options)
  return isBad(d) ? d : build(familyId, d, options.messageLimit ?? 4096)
}

/**
 * The change `wg setconf` (`replace: true`) or `wg addconf` (`replace:
 * false`) makes for a configuration: each listed peer's allowed IPs
 * replaced (WGPEER_F_REPLACE_ALLOWEDIPS, as both commands do); with
 * `replace` every other peer removed (WGDEVICE_F_REPLACE_PEERS) and the
 * private key, listen port and fwmark the configuration leaves out reset to
 * none; without it only what the configuration names.
 *
 * @example
 * ```ts
 * const conf = WireGuard.parseConfig(text)
 * yield* WireGuard.set("wg0", WireGuard.fromConfig(conf, { replace: false }))
 * ```
 * @since 0.1.0
 */
export const fromConfig = (
  config: {
    readonly privateKey?: Redacted.Redacted<K.Key> | K.Key
    readonly listenPort?: number
    readonly fwmark?: number
    readonly peers: ReadonlyArray<
      Omit<Peer, "presharedKey"> & { presharedKey?: Redacted.Redacted<K.Key> | K.Key }
    >
  },
  options: { readonly replace: boolean }
): SetOptions => ({
  // setconf resets what the configuration leaves out; addconf leaves it alone
  ...(config.privateKey !== undefined || options.replace ? { privateKey: config.privateKey ?? K.ZERO } : {}),
  ...(config.listenPort !== undefined || options.replace ? { listenPort: config.listenPort ?? 0 } : {}),
  ...(config.fwmark !== undefined || options.replace ? { fwmark: config.fwmark ?? 0 } : {}),
  replacePeers: options.replace,
  peers: (config.peers ?? []).map((p) => ({
    publicKey: p.publicKey,
    ...(p.presharedKey !== undefined ? { presharedKey: p.presharedKey } : {}),
    ...(p.endpoint !== undefined ? { endpoint: p.endpoint } : {}),
    ...(p.persistentKeepalive !== undefined ? { persistentKeepalive: p.persistentKeepalive } : {}),
    replaceAllowedIps: true,
    allowedIps: p.allowedIps
  }))
})

/**
 * Makes a device equal to `config` (`wg setconf`): its private key, port,
 * fwmark and exactly these peers with exactly these allowed IPs. What `get`
 * returns is accepted (peer status is ignored).
 *
 * @example
 * ```ts
 * const before = yield* WireGuard.get("wg0")
 * yield* WireGuard.configure("wg1", before)
 * ```
 * @since 0.1.0
 */
export const configure = operationOf(
  "WireGuard.configure",
  (
    dev: DeviceRef,
    config: {
      readonly privateKey?: Redacted.Redacted<K.Key> | K.Key
      readonly listenPort?: number
      readonly fwmark?: number
      readonly peers: ReadonlyArray<
        Omit<Peer, "presharedKey"> & { presharedKey?: Redacted.Redacted<K.Key> | K.Key }
      >
    }
  ): Effect.Effect<void, NetlinkError, Netlink> =>
    // the peers are removed and created afresh, so a peer's unset options stay unset
    set(dev, fromConfig(config, { replace: true }))
)
