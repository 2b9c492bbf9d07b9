#!/usr/bin/env node
/**
 * The `nlink` command: the machine's network state over netlink, as text
 * like `ip -br` or as one JSON document with the library's field names.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import { Argument, CliError, CliOutput, Command, Flag } from "effect/cli"
import * as Address from "../api/Address.ts"
import * as BridgeVlan from "../api/BridgeVlan.ts"
import * as Fdb from "../api/Fdb.ts"
import * as Link from "../api/Link.ts"
import * as Mdb from "../api/Mdb.ts"
import * as Mpls from "../api/Mpls.ts"
import * as Neighbor from "../api/Neighbor.ts"
import * as NeighborTable from "../api/NeighborTable.ts"
import { Netlink } from "../api/Netlink.ts"
import * as Nexthop from "../api/Nexthop.ts"
import * as Route from "../api/Route.ts"
import * as Rule from "../api/Rule.ts"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import { commonFlags } from "./flags.ts"
import {
  addressLine,
  columns,
  familyName,
  groupLine,
  linkLine,
  linkState,
  neighborLine,
  routeLine,
  ruleLine,
  toJson
} from "./format.ts"
import { monitor } from "./monitor.ts"
import { stateCommands } from "./state.ts"
import { tcCmd } from "./tc.ts"
import { wgCmd } from "./wg.ts"
import { macsecCmd } from "./macsec.ts"

// Output is written in chunks, each finished before the next starts, so a
// signal is handled between two chunks and stops the output (600k routes
// are 27 MB of text). A write to a pipe blocks on Linux: one console.log of
// the whole text held the event loop, and with it SIGINT, to the last byte.
const CHUNK = 1 << 16

// A reader that went away (`nlink route list | head`) ends the output
// quietly, as it would for `ip`; without a listener Node throws EPIPE.
let closed = false
process.stdout.on("error", () => {
  closed = true
})

const writeChunk = (chunk: string): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    process.stdout.write(chunk, (error) => {
      if (error) closed = true
      resume(Effect.void)
    })
  })

/** Prints `text` and a newline on stdout, a chunk at a time; interruptible between chunks. */
const print = (text: string): Effect.Effect<void> =>
  Effect.suspend(() => {
    const s = `${text}\n`
    let at = 0
    const next: Effect.Effect<void> = Effect.suspend(() => {
      if (closed || at >= s.length) return Effect.void
      const chunk = s.slice(at, at + CHUNK)
      at += CHUNK
      return Effect.flatMap(writeChunk(chunk), () => next)
    })
    return next
  })

const flags = commonFlags({
  netns: "Run inside this named network namespace (as `ip -n NAME`)",
  json: "Print one JSON document using the library's field names"
})

const layerFor = (netns: Option.Option<string>): Layer.Layer<Netlink, NetlinkError> =>
  Option.isSome(netns) ? Netlink.layerNamespace({ name: netns.value }) : Netlink.layer

const show = Command.make(
  "show",
  flags,
  Effect.fn(function* ({ netns, json }) {
    const program = Effect.gen(function* () {
      const [links, addrs] = yield* Effect.all([Link.list(), Address.listRaw()])
      if (json) {
        return yield* print(
          toJson(
            links.map((l) => ({
              index: l.status?.index,
              ifname: l.name,
              operstate: linkState(l),
              address: l.address,
              mtu: l.mtu,
              kind: l.kind,
              addresses: addrs
                .filter((a) => a.index === l.status?.index)
                .map((a) => ({
                  family: familyName(a.family),
                  address: a.local ?? a.address,
                  prefixlen: a.prefixlen
                }))
            }))
          )
        )
      }
      const rows = links.map((l) => [
        l.name,
        linkState(l),
        addrs
          .filter((a) => a.index === l.status?.index)
          .map((a) => `${a.local ?? a.address}/${a.prefixlen}`)
          .join(" ")
      ])
      yield* print(columns(rows, [16, 14]))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(Command.withDescription("Links with their state and addresses, like `ip -br address`"))

const listCommand = <A>(
  description: string,
  list: Effect.Effect<ReadonlyArray<A>, NetlinkError, Netlink>,
  text: (items: ReadonlyArray<A>) => Effect.Effect<string, NetlinkError, Netlink>
) =>
  Command.make(
    "list",
    flags,
    Effect.fn(function* ({ netns, json }) {
      const program = Effect.gen(function* () {
        const items = yield* list
        yield* print(json ? toJson(items) : yield* text(items))
      })
      yield* program.pipe(Effect.provide(layerFor(netns)))
    })
  ).pipe(Command.withDescription(description), Command.withAlias("ls"))

const linkCmd = Command.make("link").pipe(
  Command.withDescription("Network devices"),
  Command.withSubcommands([
    listCommand("List links", Link.list(), (links) =>
      Effect.succeed(links.map((l) => linkLine(l)).join("\n"))
    )
  ])
)

const addressCmd = Command.make("address").pipe(
  Command.withAlias("addr"),
  Command.withDescription("Protocol addresses"),
  Command.withSubcommands([
    listCommand("List addresses", Address.list(), (addrs) =>
      Effect.succeed(addrs.map(addressLine).join("\n"))
    )
  ])
)

const maddressList = Command.make(
  "list",
  {
    ...flags,
    anycast: Flag.Boolean("anycast").pipe(
      Flag.withDescription("IPv6 anycast addresses instead of multicast groups"),
      Flag.withDefault(false)
    )
  },
  Effect.fn(function* ({ netns, json, anycast }) {
    const program = Effect.gen(function* () {
      const groups = yield* anycast ? Address.listAnycast() : Address.listMulticast()
      yield* print(json ? toJson(groups) : groups.map(groupLine).join("\n"))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(
  Command.withDescription(
    "List the multicast groups the devices joined, like `ip maddr` (--anycast: IPv6 anycast)"
  ),
  Command.withAlias("ls")
)

const maddressCmd = Command.make("maddress").pipe(
  Command.withAlias("maddr"),
  Command.withDescription("Multicast (and anycast) memberships"),
  Command.withSubcommands([maddressList])
)

const routeList = Command.make(
  "list",
  {
    ...flags,
    ipv4: Flag.Boolean("ipv4").pipe(
      Flag.withDescription("IPv4 routes (-4; the default, as for `ip route`)"),
      Flag.withDefault(false)
    ),
    ipv6: Flag.Boolean("ipv6").pipe(
      Flag.withDescription("IPv6 routes instead of IPv4 (-6, as `ip -6 route`)"),
      Flag.withDefault(false)
    ),
    table: Flag.String("table").pipe(
      Flag.withDescription('The routing table: a name, a number or "all" (default main, as `ip route`)'),
      Flag.optional
    )
  },
  Effect.fn(function* ({ netns, json, ipv6, table }) {
    const program = Effect.gen(function* () {
      const t = Option.getOrUndefined(table)
      const routes = yield* Route.list({
        family: ipv6 ? "inet6" : "inet",
        ...(t === undefined ? {} : { table: /^\d+$/.test(t) ? Number(t) : t })
      })
      yield* print(json ? toJson(routes) : routes.map(routeLine).join("\n"))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(
  Command.withDescription(
    "List routes like `ip route`: the main table's IPv4 routes unless -6 or --table say otherwise"
  ),
  Command.withAlias("ls")
)

// effect/cli reads "-4"/"-6" as negative numbers, not flags: spell ip's family switches out.
if (process.argv[2] === "route")
  process.argv = process.argv.map((a) => (a === "-4" ? "--ipv4" : a === "-6" ? "--ipv6" : a))

const routeCmd = Command.make("route").pipe(
  Command.withDescription("Routing tables"),
  Command.withSubcommands([routeList])
)

const NUD_STATES = [
  "incomplete",
  "reachable",
  "stale",
  "delay",
  "probe",
  "failed",
  "noarp",
  "permanent",
  "none"
] as const
// What `ip neigh show` shows unless told otherwise: every state but noarp and none.
const SHOWN_BY_DEFAULT = NUD_STATES.filter((s) => s !== "noarp" && s !== "none")

/**
 * The entries `ip neigh show [nud STATE...]` prints: those in the states asked
 * for (by default all but noarp and none; "all": every one), and always those
 * an external control plane owns (extern_learn, managed).
 */
const shownNeighbors = (
  entries: ReadonlyArray<Neighbor.Neighbor>,
  nud: ReadonlyArray<string>
): ReadonlyArray<Neighbor.Neighbor> => {
  if (nud.includes("all")) return entries
  const states = new Set<string | number>(nud.length > 0 ? nud : SHOWN_BY_DEFAULT)
  return entries.filter(
    (n) =>
      n.flags?.includes("externLearn") === true ||
      n.flags?.includes("managed") === true ||
      states.has(n.status?.state ?? n.state ?? "none")
  )
}

const neighborList = Command.make(
  "list",
  {
    ...flags,
    proxy: Argument.Literals("proxy", ["proxy"]).pipe(
      Argument.withDescription("List proxy ARP/NDP entries instead (as `ip neigh show proxy`)"),
      Argument.optional
    ),
    nud: Flag.Literals("nud", [...NUD_STATES, "all"]).pipe(
      Flag.withDescription(
        "Only entries in this state (repeatable; `all` for every state). Without it noarp and none entries are hidden, as `ip neigh` hides them"
      ),
      Flag.atLeast(0)
    )
  },
  Effect.fn(function* ({ netns, json, proxy, nud }) {
    const program = Effect.gen(function* () {
      const entries = Option.isSome(proxy)
        ? yield* Neighbor.listProxy()
        : shownNeighbors(yield* Neighbor.list(), nud)
      yield* print(json ? toJson(entries) : entries.map(neighborLine).join("\n"))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(
  Command.withDescription("List neighbours like `ip neigh`: noarp and none entries only when asked (--nud)"),
  Command.withAlias("ls")
)

const neighborCmd = Command.make("neighbor").pipe(
  Command.withAlias("neigh"),
  Command.withDescription("Neighbour (ARP/NDP) entries"),
  Command.withSubcommands([neighborList])
)

const ruleCmd = Command.make("rule").pipe(
  Command.withDescription("Routing policy rules"),
  Command.withSubcommands([
    listCommand("List rules of both families", Rule.list(), (rules) =>
      Effect.succeed(rules.map(ruleLine).join("\n"))
    )
  ])
)

/** One FDB entry as `bridge fdb show` prints it. */
const fdbLine = (e: Fdb.Fdb): string => {
  const parts: Array<string | number> = [e.mac, "dev", e.dev]
  if (e.vlan !== undefined) parts.push("vlan", e.vlan)
  if (e.dst !== undefined) parts.push("dst", e.dst)
  if (e.port !== undefined) parts.push("port", e.port)
  if (e.vni !== undefined) parts.push("vni", e.vni)
  if (e.srcVni !== undefined) parts.push("src_vni", e.srcVni)
  if (e.via !== undefined) parts.push("via", e.via)
  if (e.nhid !== undefined) parts.push("nhid", e.nhid)
  if (e.self === true) parts.push("self")
  for (const f of [...(e.flags ?? []), ...(e.status?.flags ?? [])])
    parts.push(f === "externLearn" ? "extern_learn" : f)
  if (e.status?.master !== undefined) parts.push("master", e.status.master)
  if (e.state !== "dynamic" && e.state !== undefined) parts.push(e.state)
  return parts.join(" ")
}

const fdbCmd = Command.make("fdb").pipe(
  Command.withDescription("Bridge forwarding database entries"),
  Command.withSubcommands([
    listCommand("List FDB entries, like `bridge fdb show`", Fdb.list(), (es) =>
      Effect.succeed(es.map(fdbLine).join("\n"))
    )
  ])
)

/** One VLAN entry as `bridge -d vlan show` prints it, with the device in front. */
const vlanLine = (v: BridgeVlan.BridgeVlan): string => {
  const parts: Array<string | number> = [v.dev, v.vidEnd === undefined ? v.vid : `${v.vid}-${v.vidEnd}`]
  if (v.pvid === true) parts.push("PVID")
  if (v.untagged === true) parts.push("Egress Untagged")
  if (v.self === true) parts.push("self")
  if (v.tunnelId !== undefined) parts.push("tunnel_id", v.tunnelId)
  if (v.state !== undefined) parts.push("state", v.state)
  if (v.mcastRouter !== undefined) parts.push("mcast_router", v.mcastRouter)
  return parts.join(" ")
}

const vlanCmd = Command.make("vlan").pipe(
  Command.withDescription("Bridge VLANs of ports and bridges"),
  Command.withSubcommands([
    listCommand("List bridge VLANs, like `bridge -d vlan show`", BridgeVlan.list(), (vs) =>
      Effect.succeed(vs.map(vlanLine).join("\n"))
    )
  ])
)

/** One MDB entry as `bridge -d mdb show` prints it. */
const mdbLine = (m: Mdb.Mdb): string => {
  const parts: Array<string | number> = ["dev", m.dev, "port", m.port, "grp", m.group]
  if (m.source !== undefined) parts.push("src", m.source)
  if (m.state !== undefined) parts.push(m.state)
  if (m.filterMode !== undefined) parts.push("filter_mode", m.filterMode)
  if (m.sources !== undefined && m.sources.length > 0) parts.push("source_list", m.sources.join(","))
  if (m.protocol !== undefined) parts.push("proto", m.protocol)
  for (const f of m.status?.flags ?? []) parts.push(f)
  if (m.vid !== undefined) parts.push("vid", m.vid)
  return parts.join(" ")
}

const mdbCmd = Command.make("mdb").pipe(
  Command.withDescription("Bridge multicast group memberships"),
  Command.withSubcommands([
    listCommand("List MDB entries, like `bridge -d mdb show`", Mdb.list(), (ms) =>
      Effect.succeed(ms.map(mdbLine).join("\n"))
    )
  ])
)

/** One nexthop as `ip nexthop show` prints it. */
const nexthopLine = (n: Nexthop.Nexthop): string => {
  const parts: Array<string> = [`id ${n.id}`]
  if (n.group !== undefined) {
    parts.push(
      `group ${n.group.map((m) => (m.weight === undefined ? m.id : `${m.id},${m.weight}`)).join("/")}`
    )
    if (n.type === "resilient") {
      parts.push("type resilient")
      const r = n.resilient
      if (r?.buckets !== undefined) parts.push(`buckets ${r.buckets}`)
      if (r?.idleTimer !== undefined) parts.push(`idle_timer ${r.idleTimer}`)
      if (r?.unbalancedTimer !== undefined) parts.push(`unbalanced_timer ${r.unbalancedTimer}`)
      if (n.status?.unbalancedTime !== undefined) parts.push(`unbalanced_time ${n.status.unbalancedTime}`)
    }
  } else {
    if (n.blackhole) parts.push("blackhole")
    if (n.gateway !== undefined) parts.push(`via ${n.gateway}`)
    if (n.dev !== undefined) parts.push(`dev ${n.dev}`)
    if (n.status !== undefined && !n.blackhole) parts.push(`scope ${n.status.scope}`)
  }
  if (n.protocol !== undefined) parts.push(`proto ${n.protocol}`)
  const flags = [...(n.onlink ? ["onlink"] : []), ...(n.status?.flags ?? [])]
  if (flags.length > 0) parts.push(flags.join(" "))
  if (n.fdb) parts.push("fdb")
  return parts.join(" ")
}

const nexthopCmd = Command.make("nexthop").pipe(
  Command.withDescription("Nexthop objects"),
  Command.withSubcommands([
    listCommand("List nexthops and groups, like `ip nexthop show`", Nexthop.list(), (nhs) =>
      Effect.succeed(nhs.map(nexthopLine).join("\n"))
    )
  ])
)

/** One label route as `ip -f mpls route show` prints it. */
const mplsPath = (p: { as?: ReadonlyArray<number> | undefined; via?: Mpls.Via | undefined; dev?: unknown }) =>
  [
    ...(p.as !== undefined ? [`as to ${p.as.join("/")}`] : []),
    ...(p.via !== undefined ? [`via ${p.via.family} ${p.via.address}`] : []),
    ...(p.dev !== undefined ? [`dev ${p.dev}`] : [])
  ].join(" ")
const mplsLine = (r: Mpls.MplsRoute): string =>
  [
    String(r.label),
    mplsPath(r),
    `proto ${r.protocol}`,
    ...(r.ttlPropagate !== undefined ? [`ttl-propagate ${r.ttlPropagate ? "enabled" : "disabled"}`] : []),
    ...(r.nexthops ?? []).map((nh) => `\n\tnexthop ${mplsPath(nh)}`)
  ]
    .filter((x) => x !== "")
    .join(" ")

const mplsCmd = Command.make("mpls").pipe(
  Command.withDescription("MPLS label routes"),
  Command.withSubcommands([
    listCommand("List label routes, like `ip -f mpls route show`", Mpls.list(), (rs) =>
      Effect.succeed(rs.map(mplsLine).join("\n"))
    )
  ])
)

/** One neighbour table (or device) as `ip ntable show` heads it, with its parameters. */
const ntableLine = (t: NeighborTable.NeighborTable): string => {
  const { family, name, dev, status: _, ...values } = t
  const head = `${family} ${name}${dev !== undefined ? ` dev ${dev}` : ""}`
  return [head, ...Object.entries(values).map(([k, v]) => `${k} ${v}`)].join(" ")
}

const ntableCmd = Command.make("ntable").pipe(
  Command.withDescription("Neighbour tables"),
  Command.withSubcommands([
    listCommand(
      "List neighbour tables and device parameters, like `ip ntable show`",
      NeighborTable.list(),
      (ts) => Effect.succeed(ts.map(ntableLine).join("\n"))
    )
  ])
)

const nlink = Command.make("nlink").pipe(
  Command.withDescription("Linux networking over netlink: links, addresses, routes, neighbours, rules"),
  Command.withSubcommands([
    show,
    linkCmd,
    addressCmd,
    maddressCmd,
    routeCmd,
    neighborCmd,
    ruleCmd,
    nexthopCmd,
    mplsCmd,
    ntableCmd,
    fdbCmd,
    vlanCmd,
    mdbCmd,
    tcCmd,
    wgCmd,
    macsecCmd,
    monitor,
    ...stateCommands
  ])
)

// A usage error is one line on stderr (help stays one `--help` away).
const presenter: CliOutput.Presenter = {
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Effect.sync(() => {
          const first = event.errors[0]?.message.split("\n")[0] ?? "invalid command line"
          process.stderr.write(`nlink: ${first} (see: ${event.commandPath.join(" ")} --help)\n`)
        })
      : CliOutput.defaultPresenter.present(event)
}

const firstLine = (u: unknown): string => {
  const text = u instanceof Error ? u.message : typeof u === "string" ? u : String(u)
  return text.split("\n").find((l) => l.trim() !== "") ?? "unknown error"
}

/**
 * Every failure, typed or a defect, as one line on stderr and a non-zero
 * exit; never a stack trace. Interruption (a signal) is left to the
 * runtime's teardown, which picks the exit code.
 */
const reportFailure = (cause: Cause.Cause<unknown>): Effect.Effect<void, unknown> => {
  if (Cause.hasInterrupts(cause)) return Effect.failCause(cause)
  return Effect.sync(() => {
    const error = Cause.squash(cause)
    if (CliError.isCliError(error)) {
      // Already said by the presenter; asking for help is no failure.
      process.exitCode = error._tag === "ShowHelp" && error.errors.length === 0 ? 0 : 2
      return
    }
    const typed = error instanceof NetlinkError || cause.reasons.some((r) => r._tag === "Fail")
    process.stderr.write(`nlink: ${typed ? "" : "internal error: "}${firstLine(error)}\n`)
    process.exitCode = 1
  })
}

const program = nlink.pipe(
  Command.run({ version: "0.1.0" }),
  Effect.catchCause(reportFailure),
  Effect.provide(Layer.mergeAll(NodeServices.layer, Layer.succeed(CliOutput.Presenter)(presenter)))
)

// SIGINT and SIGTERM interrupt the program (the runtime's own handlers);
// the exit code then tells which: 130 for SIGINT, 143 for SIGTERM, as a
// shell reports a process those signals ended. A second signal exits at once.
let signal: NodeJS.Signals | undefined
const codeOf = (s: NodeJS.Signals) => (s === "SIGTERM" ? 143 : 130)
const onSignal = (s: NodeJS.Signals) => {
  if (signal !== undefined) process.exit(codeOf(signal))
  signal = s
}
process.on("SIGINT", onSignal)
process.on("SIGTERM", onSignal)

NodeRuntime.runMain(program as Effect.Effect<void>, {
  disableErrorReporting: true,
  teardown: (exit, onExit) =>
    Runtime.defaultTeardown(exit, (code) => {
      process.removeListener("SIGINT", onSignal)
      process.removeListener("SIGTERM", onSignal)
      onExit(signal !== undefined && code === 130 ? codeOf(signal) : code)
    })
})
