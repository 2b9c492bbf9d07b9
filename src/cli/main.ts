#!/usr/bin/env node
/**
 * The `nlink` command: the machine's network state over netlink, as text
 * like `ip -br` or as one JSON document with the library's field names.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import { CliError, CliOutput, Command, Flag } from "effect/cli"
import * as Address from "../api/Address.ts"
import * as Link from "../api/Link.ts"
import * as Mpls from "../api/Mpls.ts"
import * as NeighborTable from "../api/NeighborTable.ts"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import { columns, familyName, groupLine, linkState, toJson } from "./format.ts"
import { monitor } from "./monitor.ts"
import { stateCommands } from "./state.ts"
import { tcCmd } from "./tc.ts"
import { addressCmd } from "./commands/address.ts"
import { neighborCmd } from "./commands/neighbor.ts"
import { ruleCmd } from "./commands/rule.ts"
import { linkCmd } from "./commands/link.ts"
import { bridgeCmd, fdbCmd, mdbCmd, vlanCmd } from "./commands/bridge.ts"
import { execIn, netnsCmd } from "./commands/netns.ts"
import { Brief, Details, normalizeArgs, Stats } from "./flags.ts"
import { batchOptions, runBatch } from "./batch.ts"
import { nexthopCmd } from "./commands/nexthop.ts"
import { flags, layerFor, print } from "./commands/common.ts"
import { listCommand } from "./commands/list.ts"
import { routeCmd } from "./commands/route.ts"
import { wgCmd } from "./wg.ts"
import { macsecCmd } from "./macsec.ts"

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

// `-batch FILE [-force]` runs the file's lines (src/cli/batch.ts)
const batch = batchOptions(process.argv.slice(2))

// ip's global options before the object, and -4/-6, in effect/cli's spelling.
process.argv = [...process.argv.slice(0, 2), ...normalizeArgs(process.argv.slice(2))]

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
  Command.withGlobalFlags([Brief, Details, Stats]),
  Command.withDescription(
    "Linux networking over netlink, with ip's and bridge's words (nlink route add 10.0.0.0/24 via 10.0.0.1; nlink -n NS -j link list). Exit status: 0 done, 1 the kernel refused or the words were invalid (one line on stderr), 2 bad command line, 130/143 interrupted"
  ),
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
    netnsCmd,
    fdbCmd,
    vlanCmd,
    mdbCmd,
    bridgeCmd,
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

const program = (
  batch === undefined
    ? nlink.pipe(Command.run({ version: "0.1.0" }))
    : runBatch(batch, Command.runWith(nlink, { version: "0.1.0" }))
).pipe(
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

// `netns exec NAME COMMAND...` runs before the parser: COMMAND's options are its own.
const argv = process.argv.slice(2)
if (argv[0] === "netns" && argv[1] === "exec") process.exit(execIn(argv.slice(2)))

NodeRuntime.runMain(program as Effect.Effect<void>, {
  disableErrorReporting: true,
  teardown: (exit, onExit) =>
    Runtime.defaultTeardown(exit, (code) => {
      process.removeListener("SIGINT", onSignal)
      process.removeListener("SIGTERM", onSignal)
      onExit(signal !== undefined && code === 130 ? codeOf(signal) : code)
    })
})
