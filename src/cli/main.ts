#!/usr/bin/env node
/**
 * The `nlink` command: the machine's network state over netlink, as text
 * like `ip -br` or as one JSON document with the library's field names.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Command } from "effect/cli"
import * as Address from "../api/Address.ts"
import * as Link from "../api/Link.ts"
import * as Neighbor from "../api/Neighbor.ts"
import { Netlink } from "../api/Netlink.ts"
import * as Route from "../api/Route.ts"
import * as Rule from "../api/Rule.ts"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import { commonFlags } from "./flags.ts"
import {
  columns,
  familyName,
  linkLine,
  linkState,
  neighState,
  routeLine,
  ruleAction,
  toJson
} from "./format.ts"
import { monitor } from "./monitor.ts"

const flags = commonFlags({
  netns: "Run inside this named network namespace (as `ip -n NAME`)",
  json: "Print one JSON document using the library's field names"
})

const layerFor = (netns: Option.Option<string>): Layer.Layer<Netlink, NetlinkError> =>
  Option.isSome(netns) ? Netlink.layerNamespace({ name: netns.value }) : Netlink.layer

const ifnames = Effect.map(Link.list(), (links) => {
  const m = new Map<number, string>()
  for (const l of links) if (l.status !== undefined) m.set(l.status.index, l.name)
  return (i: number) => m.get(i) ?? `if${i}`
})

const show = Command.make(
  "show",
  flags,
  Effect.fn(function* ({ netns, json }) {
    const program = Effect.gen(function* () {
      const [links, addrs] = yield* Effect.all([Link.list(), Address.list()])
      if (json) {
        return yield* Console.log(
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
      yield* Console.log(columns(rows, [16, 14]))
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
        yield* Console.log(json ? toJson(items) : yield* text(items))
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
      Effect.map(ifnames, (name) =>
        addrs
          .map(
            (a) =>
              `${name(a.index)} ${familyName(a.family)} ${a.local ?? a.address}/${a.prefixlen}${a.label && a.label !== name(a.index) ? ` label ${a.label}` : ""}`
          )
          .join("\n")
      )
    )
  ])
)

const routeCmd = Command.make("route").pipe(
  Command.withDescription("Routing tables"),
  Command.withSubcommands([
    listCommand("List routes of every table", Route.list({ table: "all" }), (routes) =>
      Effect.map(ifnames, (name) => routes.map((r) => routeLine(r, name)).join("\n"))
    )
  ])
)

const neighborCmd = Command.make("neighbor").pipe(
  Command.withAlias("neigh"),
  Command.withDescription("Neighbour (ARP/NDP) entries"),
  Command.withSubcommands([
    listCommand("List neighbours", Neighbor.list(), (ns) =>
      Effect.map(ifnames, (name) =>
        ns
          .map(
            (n) =>
              `${n.dst ?? "?"} dev ${name(n.ifindex)}${n.lladdr ? ` lladdr ${n.lladdr}` : ""} ${neighState(n.state)}`
          )
          .join("\n")
      )
    )
  ])
)

const ruleCmd = Command.make("rule").pipe(
  Command.withDescription("Routing policy rules"),
  Command.withSubcommands([
    listCommand("List rules of both families", Rule.list(), (rules) =>
      Effect.succeed(
        rules
          .map((r) => {
            const from = r.src ? `${r.src}/${r.srcLen}` : "all"
            const action = r.action === 1 ? `lookup ${r.table ?? r.tableId}` : ruleAction(r.action)
            return `${r.priority ?? 0}:\tfrom ${from}${r.dst ? ` to ${r.dst}/${r.dstLen}` : ""} ${action}`
          })
          .join("\n")
      )
    )
  ])
)

const nlink = Command.make("nlink").pipe(
  Command.withDescription("Linux networking over netlink: links, addresses, routes, neighbours, rules"),
  Command.withSubcommands([show, linkCmd, addressCmd, routeCmd, neighborCmd, ruleCmd, monitor])
)

const program = nlink.pipe(
  Command.run({ version: "0.1.0" }),
  // One clear line on stderr and a non-zero exit, never a stack trace.
  Effect.catchIf(
    (e): e is NetlinkError => e instanceof NetlinkError,
    (e) =>
      Effect.sync(() => {
        process.stderr.write(`nlink: ${e.message}\n`)
        process.exitCode = 1
      })
  ),
  Effect.provide(NodeServices.layer)
)

NodeRuntime.runMain(program as Effect.Effect<void>, { disableErrorReporting: false })
