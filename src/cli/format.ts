/**
 * Text and JSON rendering for the `nlink` command. JSON keeps the library's
 * field names; bigints become decimal strings and bytes become hex.
 */
import type * as Route from "../api/Route.ts"
import { AF_INET, AF_INET6 } from "../generated/netlink/index.ts"
import { NetDeviceFlags, OperstateNames } from "../generated/rt-link/index.ts"
import { NudStateNames } from "../generated/rt-neigh/index.ts"
import { FrActNames } from "../generated/rt-rule/index.ts"
import { toHex } from "../runtime/Wire.ts"

/** JSON with bigint and Uint8Array support. */
export const toJson = (value: unknown): string =>
  JSON.stringify(
    value,
    (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? toHex(v) : v),
    2
  )

export const familyName = (f: number): string =>
  f === AF_INET ? "inet" : f === AF_INET6 ? "inet6" : `family ${f}`

/** Pads columns like `ip -br`. */
export const columns = (rows: ReadonlyArray<ReadonlyArray<string>>, widths: ReadonlyArray<number>): string =>
  rows
    .map((r) =>
      r
        .map((c, i) => (i < widths.length && i < r.length - 1 ? c.padEnd(widths[i]) : c))
        .join(" ")
        .trimEnd()
    )
    .join("\n")

const IFF_UP = NetDeviceFlags.up
const IFF_LOWER_UP = NetDeviceFlags.lowerUp

export const operState = (link: { operstate?: number; flags: number }): string => {
  const s = link.operstate !== undefined ? OperstateNames[link.operstate] : undefined
  if (s !== undefined) return s.toUpperCase()
  return link.flags & IFF_UP ? (link.flags & IFF_LOWER_UP ? "UP" : "NO-CARRIER") : "DOWN"
}

/** A link's state as `ip -br link` prints it, from the model's status. */
export const linkState = (link: {
  readonly up?: boolean
  readonly status?: { readonly operstate: string | number; readonly flags: ReadonlyArray<string | number> }
}): string => {
  const s = link.status?.operstate
  if (typeof s === "string" && s !== "unknown") return s.toUpperCase()
  if (!link.up) return "DOWN"
  return link.status?.flags.includes("lower_up") ? (s === "unknown" ? "UNKNOWN" : "UP") : "NO-CARRIER"
}

/** One line of `nlink link list`: index, name, state, mtu, kind, master, MAC. */
export const linkLine = (l: {
  readonly name: string
  readonly kind?: string | undefined
  readonly mtu?: number | undefined
  readonly address?: string | undefined
  readonly master?: string | number | undefined
  readonly up?: boolean
  readonly status?: {
    readonly index: number
    readonly operstate: string | number
    readonly flags: ReadonlyArray<string | number>
  }
}): string =>
  `${l.status?.index ?? "?"}: ${l.name}: ${linkState(l)} mtu ${l.mtu ?? "?"}${l.kind ? ` ${l.kind}` : ""}${
    l.master !== undefined ? ` master ${l.master}` : ""
  }${l.address ? ` link ${l.address}` : ""}`

export const name = <T extends string>(
  table: Readonly<Record<number, string>>,
  v: number | undefined,
  fallback?: T
) => (v === undefined ? (fallback ?? "") : (table[v] ?? String(v)))

/** A route as one `ip route` line (nexthops on their own lines, as ip prints them). */
export const routeLine = (r: Route.Route): string => {
  const parts: Array<string> = []
  if (r.type !== undefined && r.type !== "unicast") parts.push(String(r.type))
  // ip prints a host route's prefix without its length
  parts.push(
    r.destination.endsWith(r.family === "inet6" ? "/128" : "/32")
      ? r.destination.slice(0, r.destination.lastIndexOf("/"))
      : r.destination
  )
  if (r.source !== undefined) parts.push("from", r.source)
  if (r.tos !== undefined && r.tos !== 0) parts.push("tos", `0x${r.tos.toString(16)}`)
  if (r.nexthopId !== undefined) parts.push("nhid", String(r.nexthopId))
  const resolved = r.status?.resolved
  const gateway = r.gateway ?? resolved?.gateway
  const via = r.via ?? resolved?.via
  const dev = r.dev ?? resolved?.dev
  if (gateway !== undefined) parts.push("via", gateway)
  if (via !== undefined) parts.push("via", String(via.family), via.address)
  if (dev !== undefined) parts.push("dev", String(dev))
  if (r.table !== undefined && r.table !== "main") parts.push("table", String(r.table))
  // Like ip: "boot" (the default for routes added by hand) and "unspec" are not shown.
  if (r.protocol !== undefined && r.protocol !== "boot" && r.protocol !== "unspec")
    parts.push("proto", String(r.protocol))
  if (r.scope !== undefined && r.scope !== "global") parts.push("scope", String(r.scope))
  if (r.prefsrc !== undefined) parts.push("src", r.prefsrc)
  if (r.metric !== undefined) parts.push("metric", String(r.metric))
  if (r.onlink === true) parts.push("onlink")
  for (const f of r.status?.flags ?? []) parts.push(String(f))
  if (r.pref !== undefined) parts.push("pref", String(r.pref))
  const m = r.metrics
  if (m !== undefined)
    for (const [k, v] of Object.entries(m)) {
      if (k === "locked" || v === undefined) continue
      parts.push(k, ...(m.locked?.includes(k as Route.MetricName) ? ["lock"] : []), String(v))
    }
  for (const [i, nh] of (r.nexthops ?? resolved?.nexthops ?? []).entries()) {
    parts.push("\n\tnexthop")
    if (nh.gateway !== undefined) parts.push("via", nh.gateway)
    if (nh.via !== undefined) parts.push("via", String(nh.via.family), nh.via.address)
    if (nh.dev !== undefined) parts.push("dev", String(nh.dev))
    parts.push("weight", String(nh.weight ?? 1))
    if (nh.onlink === true) parts.push("onlink")
    for (const f of r.status?.nexthopFlags?.[i] ?? []) parts.push(String(f))
  }
  return parts.join(" ")
}

export const neighState = (state: number): string => {
  if (state === 0) return "NONE"
  const names: Array<string> = []
  for (let bit = 1; bit <= 0x80; bit <<= 1)
    if (state & bit) names.push((NudStateNames[bit] ?? `0x${bit.toString(16)}`).toUpperCase())
  return names.join(",")
}

export const ruleAction = (a: number): string => FrActNames[a] ?? String(a)

/** One address as `ip -o addr` words: `eth0 inet 10.0.0.1/24 brd 10.0.0.255 scope global label eth0:1`. */
export const addressLine = (a: {
  readonly dev: string | number
  readonly address: string
  readonly peer?: string | undefined
  readonly broadcast?: string | undefined
  readonly label?: string | undefined
  readonly scope?: string | number | undefined
  readonly flags?: ReadonlyArray<string> | undefined
  readonly validLifetime?: number | "forever" | undefined
  readonly preferredLifetime?: number | "forever" | undefined
  readonly metric?: number | undefined
  readonly proto?: string | number | undefined
  readonly status?: { readonly family: string; readonly flags: ReadonlyArray<string | number> } | undefined
}): string => {
  const parts: Array<string | number> = [
    a.dev,
    a.status?.family ?? (a.address.includes(":") ? "inet6" : "inet")
  ]
  if (a.peer !== undefined) parts.push(a.address.slice(0, a.address.indexOf("/")), "peer", a.peer)
  else parts.push(a.address)
  if (a.broadcast !== undefined) parts.push("brd", a.broadcast)
  parts.push("scope", a.scope ?? "global")
  for (const f of a.status?.flags ?? []) parts.push(f)
  for (const f of a.flags ?? []) parts.push(f)
  if (a.label !== undefined) parts.push("label", a.label)
  if (a.metric !== undefined) parts.push("metric", a.metric)
  if (a.proto !== undefined) parts.push("proto", a.proto)
  if (a.validLifetime !== undefined || a.preferredLifetime !== undefined)
    parts.push("valid_lft", a.validLifetime ?? "forever", "preferred_lft", a.preferredLifetime ?? "forever")
  return parts.join(" ")
}

/** One neighbour entry as `ip neigh` prints it: `10.0.0.2 dev eth0 lladdr 02:00:00:00:00:02 router REACHABLE`. */
export const neighborLine = (n: {
  readonly dev: string | number
  readonly address: string
  readonly lladdr?: string | undefined
  readonly state?: string | number | undefined
  readonly flags?: ReadonlyArray<string> | undefined
  readonly proxy?: boolean | undefined
  readonly protocol?: string | number | undefined
  readonly status?: { readonly state: string | number } | undefined
}): string => {
  const parts: Array<string | number> = [n.address, "dev", n.dev]
  if (n.lladdr !== undefined) parts.push("lladdr", n.lladdr)
  for (const f of n.flags ?? []) parts.push(f === "externLearn" ? "extern_learn" : f)
  if (n.proxy === true) parts.push("proxy")
  if (n.protocol !== undefined) parts.push("proto", n.protocol)
  const state = n.status?.state ?? n.state
  if (n.proxy !== true && state !== undefined)
    parts.push(typeof state === "number" ? neighState(state) : state.toUpperCase())
  return parts.join(" ")
}

/** One rule as `ip rule` prints it: `1000:\tfrom 10.0.0.0/8 lookup 100`. */
export const ruleLine = (r: {
  readonly priority?: number | undefined
  readonly action?: string | number | undefined
  readonly table?: string | number | undefined
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly iif?: string | undefined
  readonly oif?: string | undefined
  readonly fwmark?: number | undefined
  readonly fwmask?: number | undefined
  readonly tos?: number | undefined
  readonly invert?: boolean | undefined
  readonly l3mdev?: boolean | undefined
  readonly goto?: number | undefined
  readonly ipProto?: string | number | undefined
  readonly protocol?: string | number | undefined
  readonly dscp?: number | undefined
  readonly dscpMask?: number | undefined
  readonly flowlabel?: number | undefined
  readonly flowlabelMask?: number | undefined
  readonly realms?: number | undefined
  readonly tunId?: bigint | undefined
  readonly uidRange?: { readonly start: number; readonly end: number } | undefined
  readonly sportRange?: number | { readonly start: number; readonly end: number } | undefined
  readonly dportRange?: number | { readonly start: number; readonly end: number } | undefined
  readonly sportMask?: number | undefined
  readonly dportMask?: number | undefined
  readonly suppressPrefixLength?: number | undefined
  readonly suppressIfgroup?: number | undefined
}): string => {
  const hex = (n: number) => `0x${n.toString(16)}`
  const ports = (r: number | { readonly start: number; readonly end: number }, mask: number | undefined) =>
    typeof r === "number" || r.start === r.end
      ? `${typeof r === "number" ? r : r.start}${mask !== undefined ? `/${hex(mask)}` : ""}`
      : `${r.start}-${r.end}`
  const parts: Array<string | number> = []
  if (r.invert === true) parts.push("not")
  parts.push("from", r.from ?? "all")
  if (r.to !== undefined) parts.push("to", r.to)
  if (r.tos !== undefined) parts.push("tos", `0x${r.tos.toString(16)}`)
  if (r.dscp !== undefined)
    parts.push("dscp", `${r.dscp}${r.dscpMask !== undefined ? `/${hex(r.dscpMask)}` : ""}`)
  if (r.flowlabel !== undefined)
    parts.push(
      "flowlabel",
      `${hex(r.flowlabel)}${r.flowlabelMask !== undefined ? `/${hex(r.flowlabelMask)}` : ""}`
    )
  if (r.fwmark !== undefined)
    parts.push(
      "fwmark",
      `0x${r.fwmark.toString(16)}${r.fwmask !== undefined ? `/0x${r.fwmask.toString(16)}` : ""}`
    )
  if (r.iif !== undefined) parts.push("iif", r.iif)
  if (r.oif !== undefined) parts.push("oif", r.oif)
  if (r.uidRange !== undefined) parts.push("uidrange", `${r.uidRange.start}-${r.uidRange.end}`)
  if (r.ipProto !== undefined) parts.push("ipproto", r.ipProto)
  if (r.sportRange !== undefined) parts.push("sport", ports(r.sportRange, r.sportMask))
  if (r.dportRange !== undefined) parts.push("dport", ports(r.dportRange, r.dportMask))
  if (r.tunId !== undefined) parts.push("tun_id", String(r.tunId))
  if (r.l3mdev === true) parts.push("lookup [l3mdev-table]")
  if (r.action === "lookup") {
    if (r.table !== undefined) parts.push("lookup", r.table)
    if (r.suppressPrefixLength !== undefined) parts.push("suppress_prefixlength", r.suppressPrefixLength)
    if (r.suppressIfgroup !== undefined) parts.push("suppress_ifgroup", r.suppressIfgroup)
  } else if (r.action === "goto") parts.push("goto", r.goto ?? "none")
  else if (r.action === "nat") parts.push("lookup", r.table ?? "main", "masquerade")
  else if (r.action !== undefined) parts.push(typeof r.action === "number" ? ruleAction(r.action) : r.action)
  if (r.realms !== undefined) parts.push("realms", `${r.realms >>> 16}/${r.realms & 0xffff}`)
  if (r.protocol !== undefined) parts.push("proto", r.protocol)
  return `${r.priority ?? 0}:\t${parts.join(" ")}`
}

/** One multicast group or anycast address: `d0 inet6 ff02::1`, as `ip maddr` groups them. */
export const groupLine = (g: {
  readonly dev: string | number
  readonly address: string
  readonly status?: { readonly family: string } | undefined
}): string => `${g.dev} ${g.status?.family ?? (g.address.includes(":") ? "inet6" : "inet")} ${g.address}`

// ip's link flag names in the order it prints them (ipaddress.c), with their bits
const IFF_ORDER: ReadonlyArray<readonly [string, number]> = [
  ["LOOPBACK", 0x8],
  ["BROADCAST", 0x2],
  ["POINTOPOINT", 0x10],
  ["MULTICAST", 0x1000],
  ["NOARP", 0x80],
  ["ALLMULTI", 0x200],
  ["PROMISC", 0x100],
  ["MASTER", 0x400],
  ["SLAVE", 0x800],
  ["DEBUG", 0x4],
  ["DYNAMIC", 0x8000],
  ["AUTOMEDIA", 0x4000],
  ["PORTSEL", 0x2000],
  ["NOTRAILERS", 0x20],
  ["UP", 0x1],
  ["LOWER_UP", 0x10000],
  ["DORMANT", 0x20000],
  ["ECHO", 0x40000]
]
const IFF_RUNNING = 0x40
const OPER_STATES = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"]

/** A link's flags as ip prints them: `<NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>`. */
export const ipFlags = (flags: number, masterDown: boolean): string => {
  const names: Array<string> = []
  if ((flags & IFF_UP) !== 0 && (flags & IFF_RUNNING) === 0) names.push("NO-CARRIER")
  for (const [name, bit] of IFF_ORDER) if ((flags & bit) !== 0) names.push(name)
  if (masterDown) names.push("M-DOWN")
  return `<${names.join(",")}>`
}

/** What `ip -br link` / `ip -br address` read of a link message. */
interface BriefLink {
  readonly index: number
  readonly flags: number
  readonly ifname?: string | undefined
  readonly address?: string | undefined
  readonly link?: number | undefined
  readonly linkNetnsid?: number | undefined
  readonly operstate?: number | undefined
}

/** `NAME@LINK` as ip names a link with a lower device (`@ifN` when that is in another namespace). */
const briefName = (l: BriefLink, byIndex: ReadonlyMap<number, BriefLink>): string => {
  const name = l.ifname ?? String(l.index)
  if (l.link === undefined || l.link === l.index || l.link === 0) return name
  if (l.linkNetnsid !== undefined) return `${name}@if${l.link}`
  return `${name}@${byIndex.get(l.link)?.ifname ?? `if${l.link}`}`
}

/**
 * Links as `ip -br link` prints them: name (with its lower device), state,
 * MAC address and flags, in ip's columns; with `addresses`, the addresses
 * of each link instead of MAC and flags (`ip -br address`).
 *
 * @example
 * ```ts
 * briefLinks(messages) // "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> "
 * ```
 */
export const briefLinks = (
  links: ReadonlyArray<BriefLink>,
  addresses?: ReadonlyMap<number, ReadonlyArray<string>>
): string => {
  const byIndex = new Map(links.map((l) => [l.index, l]))
  return links
    .map((l) => {
      const state = OPER_STATES[l.operstate ?? 0] ?? String(l.operstate)
      const head = `${briefName(l, byIndex).padEnd(16)} ${state.padEnd(14)} `
      if (addresses !== undefined)
        return `${head}${(addresses.get(l.index) ?? []).map((a) => `${a} `).join("")}`
      const lower = l.link === undefined || l.linkNetnsid !== undefined ? undefined : byIndex.get(l.link)
      const masterDown = lower !== undefined && lower !== l && (lower.flags & IFF_UP) === 0
      return `${head}${l.address === undefined ? "" : `${l.address} `}${ipFlags(l.flags, masterDown)} `
    })
    .join("\n")
}

/** The counters `ip -s link` prints under a link (`-s -s` adds the error details). */
export const statsLines = (
  s: Readonly<Record<string, bigint | number | undefined>> | undefined,
  level: number,
  carrierChanges?: number
): string => {
  if (s === undefined) return ""
  const n = (k: string) => String((k === "txCarrierChanges" ? carrierChanges : s[k]) ?? 0)
  const table = (head: ReadonlyArray<string>, values: ReadonlyArray<string>) => {
    const w = head.map((h, i) => Math.max(h.length, values[i]!.length))
    return [
      `    ${head.map((h, i) => (i === 0 ? h.padEnd(w[i]!) : h.padStart(w[i]!))).join(" ")}`,
      `    ${values.map((v, i) => (i === 0 ? " ".repeat(w[i]!) : v.padStart(w[i]!))).join(" ")}`
    ]
  }
  const rx = table(
    ["RX:", "bytes", "packets", "errors", "dropped", "missed", "mcast"],
    ["", n("rxBytes"), n("rxPackets"), n("rxErrors"), n("rxDropped"), n("rxMissedErrors"), n("multicast")]
  )
  const tx = table(
    ["TX:", "bytes", "packets", "errors", "dropped", "carrier", "collsns"],
    ["", n("txBytes"), n("txPackets"), n("txErrors"), n("txDropped"), n("txCarrierErrors"), n("collisions")]
  )
  const out = [...rx]
  if (level > 1)
    out.push(
      ...table(
        ["RX errors:", "length", "crc", "frame", "fifo", "overrun"],
        ["", n("rxLengthErrors"), n("rxCrcErrors"), n("rxFrameErrors"), n("rxFifoErrors"), n("rxOverErrors")]
      )
    )
  out.push(...tx)
  if (level > 1)
    out.push(
      ...table(
        ["TX errors:", "aborted", "fifo", "window", "heartbt", "transns"],
        [
          "",
          n("txAbortedErrors"),
          n("txFifoErrors"),
          n("txWindowErrors"),
          n("txHeartbeatErrors"),
          n("txCarrierChanges")
        ]
      )
    )
  return out.join("\n")
}
