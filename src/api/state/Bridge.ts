/**
 * State registry entries of the bridge's tables: VLANs of ports and
 * bridges, FDB entries, MDB entries. They come after the links (a port is
 * in its bridge before its entries are added); the kernel's own entries (a
 * port's and a bridge's own address, address-list entries of multicast
 * groups the stack joined, learned entries, the default PVID 1 every port
 * gets) are told apart and never restored.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import * as BridgeVlan from "../BridgeVlan.ts"
import * as Fdb from "../Fdb.ts"
import * as Mdb from "../Mdb.ts"
import {
  type Entry,
  kindOf,
  linkRef,
  type Listed,
  macsOf,
  namesOf,
  type Op,
  RETRY,
  tolerating
} from "./Entry.ts"

// the group bit of the first octet: a multicast MAC
const multicastMac = (mac: string): boolean => (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1

const plainCache = new WeakMap<ReadonlyArray<any>, ReadonlySet<string>>()

/** The bridge entries without a VLAN, by port, MAC and state. */
const plainEntries = (listed: Listed): ReadonlySet<string> => {
  const all = listed.fdb ?? []
  let s = plainCache.get(all)
  if (s === undefined) {
    const out = new Set<string>()
    for (const e of all)
      if (e.master === true && e.vlan === undefined) out.add(`${e.dev}|${e.mac}|${e.state}`)
    s = out
    plainCache.set(all, s)
  }
  return s
}

const fdbKernelMade = (e: Fdb.Fdb, listed?: Listed): boolean => {
  // learned (ages out), or a device's address-list entry of a group the stack joined
  if (e.state === "dynamic" || (e.master !== true && multicastMac(e.mac))) return true
  if (listed === undefined) return false
  // a port's and a bridge's own address (every VLAN of it), a stacked device's address
  // in its lower device's unicast list (macvlan): the kernel adds them with the link
  if (e.state === "permanent" && macsOf(listed).has(e.mac.toLowerCase())) return true
  // the copy in each VLAN of the port the kernel makes of an entry added without one
  // (removing that entry removes the copies)
  return e.master === true && e.vlan !== undefined && plainEntries(listed).has(`${e.dev}|${e.mac}|${e.state}`)
}

/**
 * Forwarding database entries of bridges and devices (a bridge port's
 * entries after the port joined, a VXLAN remote after its nexthop group).
 * Added as `bridge fdb replace`: an entry added without a VLAN on a port
 * with VLANs is copied by the kernel into each VLAN, and restoring the
 * copies then finds them there; removing one whose copies went with the
 * first is done.
 *
 * @example
 * ```ts
 * Registry.fdb.kernelMade({ mac: "33:33:00:00:00:01", dev: "eth0", self: true, state: "permanent" }) // true
 * ```
 * @since 0.3.0
 */
export const fdb: Entry<Fdb.Fdb> = {
  model: Fdb.model,
  rank: 32,
  list: Fdb.list(undefined, RETRY),
  listWith: (listed) =>
    Effect.map(Fdb.listRaw(undefined, RETRY), (raw) => {
      const names = namesOf(listed)
      // one object per key, as Fdb.list (Linux 7.3 answers some entries twice)
      const seen = new Set<string>()
      const out: Array<Fdb.Fdb> = []
      for (const m of raw) {
        // the message's identity (NTF_SELF is 0x02), cheaper than the object's canonical key
        const k = `${m.ifindex}|${m.lladdr}|${m.vlan}|${m.flags & 0x02}|${m.master === m.ifindex}|${m.dst}|${m.port}|${m.vni}|${m.srcVni}|${m.ndaIfindex}|${m.nhId}`
        if (seen.has(k)) continue
        seen.add(k)
        out.push(Fdb.fromMessage(m, names))
      }
      return out
    }),
  add: (e) => Fdb.replace(e),
  remove: (e) => tolerating(Fdb.remove(e), "ENOENT"),
  update: (_from, to) => Fdb.replace(to),
  // a removed entry takes its VLAN copies along
  sideEffects: ["fdb"],
  needs: (e) => [
    ...linkRef(e.dev),
    ...linkRef(e.via),
    ...(e.nhid === undefined ? [] : [`nexthop:${e.nhid}`])
  ],
  dev: (e) => (typeof e.dev === "string" ? e.dev : undefined),
  kernelMade: fdbKernelMade
}

// VLAN_DEFAULT_PVID: every port (and the bridge itself) gets VLAN 1 as PVID, untagged
const defaultPvid = (v: BridgeVlan.BridgeVlan): boolean =>
  v.vid === 1 && (v.vidEnd ?? 1) === 1 && v.pvid === true && v.untagged === true && v.tunnelId === undefined

const isBridgeOf = (listed: Listed) => {
  const names = namesOf(listed)
  return (index: number) => kindOf(listed, names(index)) === "bridge"
}

/**
 * The VLANs of bridge ports and of bridges themselves (`self`), with PVID,
 * untagged and per-VLAN options: after the links (a port in its bridge),
 * before FDB and MDB entries of those VLANs. A kernel without VLAN
 * filtering has none. The default PVID 1 a port gets on joining is the
 * kernel's.
 *
 * @example
 * ```ts
 * Registry.bridgeVlan.kernelMade({ dev: "eth0", vid: 1, pvid: true, untagged: true }) // true
 * ```
 * @since 0.3.0
 */
export const bridgeVlan: Entry<BridgeVlan.BridgeVlan> = {
  model: BridgeVlan.model,
  rank: 31,
  // kernels built without VLAN filtering have no RTM_GETVLAN
  list: Effect.catchIf(
    BridgeVlan.list(),
    (e) => e.reason._tag === "Kernel" && e.reason.code === "EOPNOTSUPP",
    () => Effect.succeed([] as ReadonlyArray<BridgeVlan.BridgeVlan>)
  ),
  listWith: (listed) =>
    Effect.map(
      Effect.catchIf(
        BridgeVlan.listRaw(),
        (e) => e.reason._tag === "Kernel" && e.reason.code === "EOPNOTSUPP",
        () => Effect.succeed([] as ReadonlyArray<never>)
      ),
      (raw) => {
        const names = namesOf(listed)
        const bridge = isBridgeOf(listed)
        const out: Array<BridgeVlan.BridgeVlan> = []
        for (const m of raw)
          for (const v of BridgeVlan.fromMessage(m, names))
            out.push(bridge(m.ifindex) ? { ...v, self: true } : v)
        return out
      }
    ),
  // an existing VLAN takes the flags of an add; options go with it
  add: (v) => BridgeVlan.add(v),
  remove: (v) => BridgeVlan.remove(v),
  update: (_from, to) => BridgeVlan.add(to),
  // a VLAN removed from a port takes the port's FDB and MDB entries of it
  sideEffects: ["fdb", "mdb"],
  needs: (v) => linkRef(v.dev),
  dev: (v) => (typeof v.dev === "string" ? v.dev : undefined),
  kernelMade: (v) => defaultPvid(v)
}

// A port that just joined its bridge is "disabled" until the kernel's link
// watch enables it (asynchronously): a temporary entry waits for that.
const disabledPort = (e: NetlinkError): boolean =>
  e.reason._tag === "Kernel" &&
  e.reason.code === "EINVAL" &&
  /disabled state/.test(e.reason.extack?.message ?? "")

const settled = (op: Op): Op =>
  Effect.retry(op, { while: disabledPort, schedule: Schedule.spaced(20), times: 50 })

/**
 * Multicast database entries (a port's membership of a group; after the
 * port and its VLANs). Added as `bridge mdb replace`: the (S, G) entries
 * the kernel makes for a (*, G) entry's sources are then no conflict.
 * Entries the kernel learned (protocol "kernel") or made for an EXCLUDE
 * (*, G) are its own.
 *
 * @example
 * ```ts
 * Registry.mdb.needs({ dev: "br0", port: "eth0", group: "239.1.1.1" }) // ["link:br0", "link:eth0"]
 * ```
 * @since 0.3.0
 */
export const mdb: Entry<Mdb.Mdb> = {
  model: Mdb.model,
  rank: 34,
  list: Mdb.list(),
  listWith: (listed) =>
    Effect.map(Mdb.listRaw(), (raw) => raw.flatMap((m) => Mdb.fromMessage(m, namesOf(listed)))),
  add: (m) => settled(Mdb.replace(m)),
  remove: (m) => tolerating(Mdb.remove(m), "ENOENT"),
  update: (_from, to) => settled(Mdb.replace(to)),
  // a (*, G) entry takes its (S, G) entries along
  sideEffects: ["mdb"],
  needs: (m) => [...linkRef(m.dev), ...linkRef(m.port)],
  dev: (m) => (typeof m.dev === "string" ? m.dev : undefined),
  // learned, made for an EXCLUDE (*, G), or the bridge's own join of a group its stack joined
  kernelMade: (m) =>
    m.protocol === "kernel" ||
    (m.status?.flags ?? []).includes("starExcl") ||
    (m.port === m.dev && m.protocol === undefined)
}

// MSTI 0 is what a new VLAN has, and the kernel refuses to set one without MST enabled
const GLOBAL_OPTIONS = (g: BridgeVlan.GlobalOptions, from?: BridgeVlan.GlobalOptions) => {
  const out: Record<string, unknown> = { dev: g.dev, vid: g.vid, vidEnd: g.vidEnd }
  let any = false
  for (const [k, v] of Object.entries(g)) {
    if (v === undefined || k === "dev" || k === "vid" || k === "vidEnd") continue
    const was =
      from === undefined ? (k === "msti" ? 0 : undefined) : (from as unknown as Record<string, unknown>)[k]
    if (was === v) continue
    out[k] = v
    any = true
  }
  return any ? (out as unknown as BridgeVlan.GlobalOptions) : undefined
}

const setGlobal = (g: BridgeVlan.GlobalOptions, from?: BridgeVlan.GlobalOptions): Op => {
  const changes = GLOBAL_OPTIONS(g, from)
  return changes === undefined ? Effect.void : BridgeVlan.setGlobal(changes)
}

const noVlanDump = (e: NetlinkError) => e.reason._tag === "Kernel" && e.reason.code === "EOPNOTSUPP"

/**
 * A bridge's global options of its VLANs (`bridge vlan global set`:
 * multicast snooping per VLAN, querier, intervals, MST instance). They exist
 * with each of the bridge's own VLANs (set-only, after them); the kernel
 * reports consecutive VLANs of equal options as one range, which a plan
 * compares VLAN by VLAN.
 *
 * @example
 * ```ts
 * Registry.bridgeVlanGlobal.needs({ dev: "br0", vid: 10, mcastSnooping: false }) // ["link:br0"]
 * ```
 * @since 0.4.0
 */
export const bridgeVlanGlobal: Entry<BridgeVlan.GlobalOptions> = {
  model: BridgeVlan.globalModel,
  rank: 33,
  setOnly: true,
  list: Effect.catchIf(BridgeVlan.listGlobal(), noVlanDump, () =>
    Effect.succeed([] as ReadonlyArray<BridgeVlan.GlobalOptions>)
  ),
  // no bridge, no dump
  listWith: (listed) =>
    (listed.link ?? []).some((l) => l.kind === "bridge")
      ? Effect.map(
          Effect.catchIf(BridgeVlan.listGlobalRaw(), noVlanDump, () =>
            Effect.succeed([] as ReadonlyArray<never>)
          ),
          (raw) => {
            const names = namesOf(listed)
            return raw.flatMap((m) => BridgeVlan.globalFromMessage(m, names))
          }
        )
      : Effect.succeed([]),
  add: (g) => setGlobal(g),
  remove: () => Effect.void,
  // one per VLAN: a change to one VLAN of a range splits it, an equal neighbour merges it
  expand: (g) => {
    if (g.vidEnd === undefined || g.vidEnd === g.vid) return [g]
    const out: Array<BridgeVlan.GlobalOptions> = []
    for (let v = g.vid; v <= g.vidEnd; v++) out.push({ ...g, vid: v, vidEnd: undefined })
    return out
  },
  update: (from, to) => setGlobal(to, from),
  needs: (g) => linkRef(g.dev),
  dev: (g) => (typeof g.dev === "string" ? g.dev : undefined),
  kernelMade: () => false
}
