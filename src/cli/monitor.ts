/**
 * `nlink monitor [link|address|route|neighbor|rule…] [--json] [-n NS]`:
 * prints events as they come, one line each (or one JSON object per line),
 * like `ip monitor`. Overruns are announced and repaired (resync policy).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Argument, Command } from "effect/cli"
import * as Events from "../api/Events.ts"
import { Netlink } from "../api/Netlink.ts"
import { NetDeviceFlagsNames, OperstateNames } from "../generated/rt-link/index.ts"
import { RtProtocolNames, RtScopeNames, RtTableNames, RtTypeNames } from "../generated/rt-route/index.ts"
import { FrActNames } from "../generated/rt-rule/index.ts"
import { toHex } from "../runtime/Wire.ts"
import { commonFlags } from "./flags.ts"
import { neighState } from "./format.ts"

const KIND_WORDS: Record<string, Events.Kind> = {
  link: "link",
  address: "address",
  addr: "address",
  route: "route",
  neighbor: "neighbor",
  neigh: "neighbor",
  neighbour: "neighbor",
  rule: "rule"
}

const family = (f: number): string => (f === 2 ? "inet" : f === 10 ? "inet6" : `family ${f}`)
const named = (table: Readonly<Record<number, string>>, v: number): string => table[v] ?? String(v)

const linkFlags = (flags: number): string => {
  const names: Array<string> = []
  for (let bit = 1; bit !== 0 && bit <= 0x80000; bit <<= 1)
    if (flags & bit) names.push((NetDeviceFlagsNames[bit] ?? `0x${bit.toString(16)}`).toUpperCase())
  return `<${names.join(",")}>`
}

/**
 * One event as a line of text (like `ip monitor`); `ifname` names devices.
 *
 * @example
 * ```ts
 * formatEvent(event, (i) => names.get(i) ?? `if${i}`) // "New route 10.2.0.0/24 via 10.1.0.2 dev d0"
 * ```
 */
export const formatEvent = (e: Events.Event, ifname: (index: number) => string): string => {
  switch (e._tag) {
    case "Overrun":
      return "Overrun: the kernel dropped events (ENOBUFS); resynchronising"
    case "Resynced":
      return `Resynced (${e.reason}) ${e.kinds.join(",")}: ${e.added} new, ${e.changed} changed, ${e.removed} deleted`
  }
  const head = `${e._tag}${e.synthetic ? " (resync)" : ""} ${e.kind}`
  switch (e.kind) {
    case "link": {
      const l = e.value
      const parts = [`${l.index}: ${l.ifname ?? "?"}: ${linkFlags(l.flags)}`]
      if (l.mtu !== undefined) parts.push(`mtu ${l.mtu}`)
      if (l.operstate !== undefined) parts.push(`state ${named(OperstateNames, l.operstate).toUpperCase()}`)
      if (l.linkInfo?.kind !== undefined) parts.push(l.linkInfo.kind)
      if (l.address !== undefined) parts.push(`link ${l.address}`)
      return `${head} ${parts.join(" ")}`
    }
    case "address": {
      const a = e.value
      const parts = [
        `${a.index}: ${ifname(a.index)} ${family(a.family)} ${a.local ?? a.address}/${a.prefixlen}`
      ]
      if (a.local !== undefined && a.address !== undefined && a.address !== a.local)
        parts.push(`peer ${a.address}`)
      parts.push(`scope ${a.scope === 0 ? "global" : named(RtScopeNames, a.scope)}`)
      if (a.label !== undefined && a.label !== ifname(a.index)) parts.push(`label ${a.label}`)
      return `${head} ${parts.join(" ")}`
    }
    case "route": {
      const r = e.value
      const parts: Array<string> = []
      if (r.type !== 1) parts.push(named(RtTypeNames, r.type))
      parts.push(r.dst === undefined ? (r.dstLen === 0 ? "default" : "?") : `${r.dst}/${r.dstLen}`)
      if (r.src !== undefined) parts.push(`from ${r.src}/${r.srcLen}`)
      if (r.gateway !== undefined) parts.push(`via ${r.gateway}`)
      if (r.oif !== undefined) parts.push(`dev ${ifname(r.oif)}`)
      for (const nh of r.multipath ?? [])
        parts.push(
          `nexthop${nh.gateway ? ` via ${nh.gateway}` : ""} dev ${ifname(nh.ifindex)} weight ${nh.hops + 1}`
        )
      const table = r.table ?? r.tableId
      if (table !== 254) parts.push(`table ${named(RtTableNames, table)}`)
      parts.push(`proto ${named(RtProtocolNames, r.protocol)}`)
      if (r.scope !== 0) parts.push(`scope ${named(RtScopeNames, r.scope)}`)
      if (r.prefsrc !== undefined) parts.push(`src ${r.prefsrc}`)
      if (r.priority !== undefined) parts.push(`metric ${r.priority}`)
      return `${head} ${family(r.family)} ${parts.join(" ")}`
    }
    case "neighbor": {
      const n = e.value
      const parts = [`${n.dst ?? "?"} dev ${ifname(n.ifindex)}`]
      if (n.lladdr !== undefined) parts.push(`lladdr ${n.lladdr}`)
      parts.push(neighState(n.state))
      return `${head} ${family(n.family)} ${parts.join(" ")}`
    }
    case "rule": {
      const r = e.value
      const parts = [`${r.priority ?? 0}:`, `from ${r.src === undefined ? "all" : `${r.src}/${r.srcLen}`}`]
      if (r.dst !== undefined) parts.push(`to ${r.dst}/${r.dstLen}`)
      if (r.iifname !== undefined) parts.push(`iif ${r.iifname}`)
      if (r.oifname !== undefined) parts.push(`oif ${r.oifname}`)
      if (r.fwmark !== undefined) parts.push(`fwmark 0x${r.fwmark.toString(16)}`)
      const table = r.table ?? r.tableId
      parts.push(r.action === 1 ? `lookup ${named(RtTableNames, table)}` : named(FrActNames, r.action))
      return `${head} ${family(r.family)} ${parts.join(" ")}`
    }
  }
}

/**
 * One event as one line of JSON: `{ event, kind, key, synthetic, value }` for
 * changes (plus `previous` for Changed), the marker's fields otherwise;
 * bigints as decimal strings, bytes as hex.
 *
 * @example
 * ```ts
 * jsonEvent(event) // '{"event":"New","kind":"link","key":"3",...}'
 * ```
 */
export const jsonEvent = (e: Events.Event): string => {
  const { _tag, ...rest } = e
  return JSON.stringify({ event: _tag, ...rest }, (_k, v) =>
    typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? toHex(v) : v
  )
}

const kindsArg = Argument.String("kind").pipe(
  Argument.withDescription("What to watch: link, address, route, neighbor, rule (default: all)"),
  Argument.variadic()
)
const flags = commonFlags({
  netns: "Watch inside this named network namespace (as `ip -n NAME monitor`)",
  json: "Print one JSON object per line"
})

/**
 * The `monitor` subcommand.
 *
 * @example
 * ```ts
 * Command.withSubcommands([monitor])
 * ```
 */
export const monitor = Command.make(
  "monitor",
  { kinds: kindsArg, ...flags },
  Effect.fn(function* ({ kinds, netns, json }) {
    const want = new Set<Events.Kind>()
    for (const word of kinds) {
      if (word === "all") for (const k of Events.kinds) want.add(k)
      else {
        const k = KIND_WORDS[word]
        if (k === undefined) {
          process.stderr.write(
            `nlink monitor: unknown kind "${word}" (link, address, route, neighbor, rule)\n`
          )
          process.exitCode = 2
          return
        }
        want.add(k)
      }
    }
    const printed = want.size === 0 ? new Set(Events.kinds) : want
    // Links are watched too (not printed unless asked) to name devices.
    // The namespace is the Netlink layer's, provided around everything that reads.
    const layer = Option.isSome(netns) ? Netlink.layerNamespace({ name: netns.value }) : Netlink.layer
    const sub = yield* Layer.build(layer).pipe(
      Effect.flatMap((context) =>
        Events.subscribe({ kinds: [...new Set<Events.Kind>([...printed, "link"])] }).pipe(
          Effect.provideContext(context)
        )
      )
    )
    const links = sub.view.link
    const ifname = (i: number) => links.get(String(i))?.ifname ?? `if${i}`
    yield* sub.events.pipe(
      Stream.runForEachArray((events) =>
        Effect.sync(() => {
          let out = ""
          for (const e of events) {
            if (Events.isChange(e) && !printed.has(e.kind)) continue
            out += `${json ? jsonEvent(e) : formatEvent(e, ifname)}\n`
          }
          if (out !== "") process.stdout.write(out)
        })
      )
    )
  }, Effect.scoped)
).pipe(
  Command.withDescription("Print link/address/route/neighbour/rule events as they happen, like `ip monitor`")
)
