/**
 * Text and JSON rendering for the `nlink` command. JSON keeps the library's
 * field names; bigints become decimal strings and bytes become hex.
 */
import { OperstateNames } from "../generated/rt-link/index.ts"
import { RtProtocolNames, RtScopeNames, RtTableNames, RtTypeNames } from "../generated/rt-route/index.ts"
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

const AF_INET = 2
const AF_INET6 = 10

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

const IFF_UP = 0x1
const IFF_LOWER_UP = 0x10000

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

export const routeLine = (
  r: {
    family: number
    dstLen: number
    type: number
    dst?: string
    gateway?: string
    oif?: number
    table?: number
    tableId: number
    protocol: number
    scope: number
    prefsrc?: string
    priority?: number
    multipath?: ReadonlyArray<{ gateway?: string; ifindex: number; hops: number }>
  },
  ifname: (index: number) => string
): string => {
  const parts: Array<string> = []
  const type = RtTypeNames[r.type] ?? String(r.type)
  if (type !== "unicast") parts.push(type)
  parts.push(r.dst === undefined ? (r.dstLen === 0 ? "default" : "?") : `${r.dst}/${r.dstLen}`)
  if (r.gateway) parts.push("via", r.gateway)
  if (r.oif !== undefined) parts.push("dev", ifname(r.oif))
  const table = r.table ?? r.tableId
  if (table !== 254) parts.push("table", RtTableNames[table] ?? String(table))
  // Like ip: "boot" (the default for routes added by hand) and "unspec" are not shown.
  const RTPROT_BOOT = 3
  if (r.protocol !== RTPROT_BOOT && r.protocol !== 0) parts.push("proto", name(RtProtocolNames, r.protocol))
  if (r.scope !== 0) parts.push("scope", name(RtScopeNames, r.scope))
  if (r.prefsrc) parts.push("src", r.prefsrc)
  if (r.priority !== undefined) parts.push("metric", String(r.priority))
  for (const nh of r.multipath ?? []) {
    parts.push("\n\tnexthop")
    if (nh.gateway) parts.push("via", nh.gateway)
    parts.push("dev", ifname(nh.ifindex), "weight", String(nh.hops + 1))
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
