/**
 * The state registry entry of WireGuard devices' configuration: private
 * key, listen port, fwmark and peers (public and preshared keys, endpoint,
 * keepalive, allowed IPs), one object per `wireguard` link, as `wg
 * showconf` prints it. The kernel returns the keys to CAP_NET_ADMIN, so a
 * snapshot holds them in clear text (as `wg showconf` does): keep snapshot
 * files private.
 *
 * @since 0.4.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { deepEqual, type ObjectType } from "../internal/Model.ts"
import * as Link from "../Link.ts"
import * as WG from "../WireGuard.ts"
import { type Entry, type Listed, linkRef, type Op } from "./Entry.ts"

/**
 * One peer of a {@link WireGuardConfig}.
 *
 * @example
 * ```ts
 * const p: WireGuardPeer = { publicKey: "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=", allowedIps: ["10.0.0.2/32"] }
 * ```
 * @since 0.4.0
 */
export interface WireGuardPeer {
  readonly publicKey: string
  readonly presharedKey?: string | undefined
  readonly endpoint?: string | undefined
  readonly persistentKeepalive?: number | undefined
  readonly allowedIps?: ReadonlyArray<string> | undefined
}

/**
 * A WireGuard device's configuration (`dev` names the link). A field left
 * out is not managed; `peers`, when given, is the whole list.
 *
 * @example
 * ```ts
 * const c: WireGuardConfig = { dev: "wg0", listenPort: 51820, peers: [] }
 * ```
 * @since 0.4.0
 */
export interface WireGuardConfig {
  readonly dev: string
  readonly privateKey?: string | undefined
  readonly listenPort?: number | undefined
  readonly fwmark?: number | undefined
  readonly peers?: ReadonlyArray<WireGuardPeer> | undefined
}

const Key = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$/))
const U16 = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xffff }))
const U32 = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))

const schema: Schema.Codec<WireGuardConfig, any> = Schema.Struct({
  dev: Schema.String,
  privateKey: Schema.optional(Key),
  listenPort: Schema.optional(U16),
  fwmark: Schema.optional(U32),
  peers: Schema.optional(
    Schema.Array(
      Schema.Struct({
        publicKey: Key,
        presharedKey: Schema.optional(Key),
        endpoint: Schema.optional(Schema.String),
        persistentKeepalive: Schema.optional(U16),
        allowedIps: Schema.optional(Schema.Array(Schema.String))
      })
    )
  )
}) as any

const defined = (o: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out
}

// the kernel keeps peers in a list and allowed IPs in a trie: neither order is configuration
const canonical = (c: WireGuardConfig): WireGuardConfig => {
  const out = defined({ ...c }) as Record<string, unknown>
  if (c.peers !== undefined)
    out.peers = [...c.peers]
      .map((p) => {
        const q = defined({ ...p })
        if (p.persistentKeepalive === 0) delete q.persistentKeepalive
        q.allowedIps = [...(p.allowedIps ?? [])].sort()
        return q
      })
      .sort((a, b) => (String(a.publicKey) < String(b.publicKey) ? -1 : 1))
  return out as unknown as WireGuardConfig
}

const model: ObjectType<WireGuardConfig> = {
  name: "wireguard",
  schema,
  key: (c) => c.dev,
  equals: (a, b) => deepEqual(canonical(a), canonical(b)),
  canonical
}

const fromDevice = (d: WG.Device): WireGuardConfig => ({
  dev: d.name,
  privateKey: d.privateKey === undefined ? undefined : Redacted.value(d.privateKey),
  listenPort: d.listenPort,
  fwmark: d.fwmark,
  peers: d.peers.map((p) => ({
    publicKey: p.publicKey,
    presharedKey: p.presharedKey === undefined ? undefined : Redacted.value(p.presharedKey),
    endpoint: p.endpoint,
    persistentKeepalive: p.persistentKeepalive,
    allowedIps: p.allowedIps
  }))
})

const listDevices = (listed: Listed): Op<ReadonlyArray<WireGuardConfig>> =>
  Effect.forEach(
    (listed.link ?? []).filter((l) => l.kind === "wireguard"),
    (l) => Effect.map(WG.get(l.name), fromDevice)
  )

const write = (c: WireGuardConfig): Op =>
  WG.set(c.dev, {
    ...(c.privateKey !== undefined ? { privateKey: Redacted.make(c.privateKey) } : {}),
    ...(c.listenPort !== undefined ? { listenPort: c.listenPort } : {}),
    ...(c.fwmark !== undefined ? { fwmark: c.fwmark } : {}),
    // the whole list: peers not named go, named ones are made afresh
    ...(c.peers !== undefined
      ? {
          replacePeers: true,
          peers: c.peers.map((p) => ({
            publicKey: p.publicKey,
            ...(p.presharedKey !== undefined ? { presharedKey: Redacted.make(p.presharedKey) } : {}),
            ...(p.endpoint !== undefined ? { endpoint: p.endpoint } : {}),
            ...(p.persistentKeepalive !== undefined ? { persistentKeepalive: p.persistentKeepalive } : {}),
            replaceAllowedIps: true,
            allowedIps: p.allowedIps ?? []
          }))
        }
      : {})
  })

/**
 * WireGuard devices' configuration (set-only: it exists with its
 * `wireguard` link and is written after it; `peers` given is the whole
 * list, as `wg setconf`).
 *
 * @example
 * ```ts
 * Registry.wireguard.needs({ dev: "wg0", listenPort: 51820 }) // ["link:wg0"]
 * ```
 * @since 0.4.0
 */
export const wireguard: Entry<WireGuardConfig> = {
  model,
  rank: 8,
  setOnly: true,
  list: Effect.flatMap(Link.list({ stats: false }), (link) => listDevices({ link })),
  listWith: listDevices,
  add: write,
  remove: () => Effect.void,
  update: (_from, to) => write(to),
  needs: (c) => linkRef(c.dev),
  dev: (c) => c.dev,
  kernelMade: () => false
}
