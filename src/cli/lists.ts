/**
 * The list-only commands: `maddress`, `mpls` and `ntable` (nothing to write
 * through them yet), each with its text form as `ip` prints it.
 */
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import * as Address from "../api/Address.ts"
import * as Mpls from "../api/Mpls.ts"
import * as NeighborTable from "../api/NeighborTable.ts"
import { flags, layerFor, print } from "./commands/common.ts"
import { listCommand } from "./commands/list.ts"
import { groupLine, toJson } from "./format.ts"

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

/**
 * `nlink maddress list [--anycast]`: multicast (or anycast) memberships.
 *
 * @example
 * ```ts
 * Command.make("nlink").pipe(Command.withSubcommands([maddressCmd]))
 * ```
 */
export const maddressCmd = Command.make("maddress").pipe(
  Command.withAlias("maddr"),
  Command.withDescription("Multicast (and anycast) memberships"),
  Command.withSubcommands([maddressList])
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

/**
 * `nlink mpls list`: MPLS label routes.
 *
 * @example
 * ```ts
 * Command.make("nlink").pipe(Command.withSubcommands([mplsCmd]))
 * ```
 */
export const mplsCmd = Command.make("mpls").pipe(
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

/**
 * `nlink ntable list`: neighbour tables and their per-device parameters.
 *
 * @example
 * ```ts
 * Command.make("nlink").pipe(Command.withSubcommands([ntableCmd]))
 * ```
 */
export const ntableCmd = Command.make("ntable").pipe(
  Command.withDescription("Neighbour tables"),
  Command.withSubcommands([
    listCommand(
      "List neighbour tables and device parameters, like `ip ntable show`",
      NeighborTable.list(),
      (ts) => Effect.succeed(ts.map(ntableLine).join("\n"))
    )
  ])
)
