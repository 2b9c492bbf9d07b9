/**
 * `nlink fdb|vlan|mdb list|add|del|...` and `nlink bridge link set`, with
 * `bridge`'s words.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import * as BridgeVlan from "../../api/BridgeVlan.ts"
import * as Fdb from "../../api/Fdb.ts"
import * as Link from "../../api/Link.ts"
import type { Parsed } from "../../api/internal/Words.ts"
import * as Mdb from "../../api/Mdb.ts"
import type { Netlink } from "../../api/Netlink.ts"
import { parseBridgePort } from "../../api/parse/Link.ts"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import { fromParsed, wordsCommand } from "./common.ts"
import { listCommand } from "./list.ts"

/** A writing subcommand: the object's parse, then its library call. */
const write = <A>(
  object: string,
  verb: string,
  description: string,
  parse: (words: ReadonlyArray<string>, command: string) => Parsed<A>,
  act: (a: A) => Effect.Effect<unknown, NetlinkError, Netlink>,
  aliases: ReadonlyArray<string> = []
) =>
  wordsCommand(
    verb,
    description,
    (words) => Effect.asVoid(Effect.flatMap(fromParsed(parse(words, `${object} ${verb}`)), act)),
    aliases
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

/** `nlink fdb ...`. */
export const fdbCmd = Command.make("fdb").pipe(
  Command.withDescription("Bridge forwarding database entries"),
  Command.withSubcommands([
    listCommand("List FDB entries, like `bridge fdb show`", Fdb.list(), (es) =>
      Effect.succeed(es.map(fdbLine).join("\n"))
    ),
    write(
      "fdb",
      "add",
      "Add an FDB entry: bridge fdb add's words (MAC dev DEV [master|self] [static|dynamic] [vlan N] [dst IP] ...)",
      Fdb.parse,
      Fdb.add
    ),
    write(
      "fdb",
      "append",
      "Append a remote to an FDB entry (vxlan), like `bridge fdb append`",
      Fdb.parse,
      Fdb.append
    ),
    write("fdb", "replace", "Add or replace an FDB entry, like `bridge fdb replace`", Fdb.parse, Fdb.replace),
    write("fdb", "del", "Remove an FDB entry, like `bridge fdb del MAC dev DEV ...`", Fdb.parse, Fdb.remove, [
      "delete"
    ]),
    write(
      "fdb",
      "flush",
      "Remove a device's entries that match the conditions ([no]static, [no]dynamic, vlan N, brport P ...), like `bridge fdb flush`",
      Fdb.parseFlush,
      Fdb.flush
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

/** `nlink vlan ...`. */
export const vlanCmd = Command.make("vlan").pipe(
  Command.withDescription("Bridge VLANs of ports and bridges"),
  Command.withSubcommands([
    listCommand("List bridge VLANs, like `bridge -d vlan show`", BridgeVlan.list(), (vs) =>
      Effect.succeed(vs.map(vlanLine).join("\n"))
    ),
    write(
      "vlan",
      "add",
      "Add VLANs to a port or bridge: bridge vlan add's words (vid N[-M] dev DEV [pvid] [untagged] [self] ...)",
      BridgeVlan.parse,
      BridgeVlan.add
    ),
    write(
      "vlan",
      "set",
      "Set per-VLAN options (state, mcast_router), like `bridge vlan set`",
      BridgeVlan.parse,
      BridgeVlan.set
    ),
    write(
      "vlan",
      "del",
      "Remove VLANs, like `bridge vlan del vid N[-M] dev DEV`",
      BridgeVlan.parse,
      BridgeVlan.remove,
      ["delete"]
    ),
    Command.make("global").pipe(
      Command.withDescription("Bridge-wide per-VLAN options"),
      Command.withSubcommands([
        write(
          "vlan global",
          "set",
          "Set a bridge's per-VLAN multicast options, like `bridge vlan global set dev BR vid N[-M] mcast_snooping 1 ...`",
          BridgeVlan.parseGlobal,
          BridgeVlan.setGlobal
        )
      ])
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

/** `nlink mdb ...`. */
export const mdbCmd = Command.make("mdb").pipe(
  Command.withDescription("Bridge multicast group memberships"),
  Command.withSubcommands([
    listCommand("List MDB entries, like `bridge -d mdb show`", Mdb.list(), (ms) =>
      Effect.succeed(ms.map(mdbLine).join("\n"))
    ),
    write(
      "mdb",
      "add",
      "Add a group membership: bridge mdb add's words (dev BR port P grp G [permanent|temp] [vid V] ...)",
      Mdb.parse,
      Mdb.add
    ),
    write(
      "mdb",
      "replace",
      "Add or replace a group membership, like `bridge mdb replace`",
      Mdb.parse,
      Mdb.replace
    ),
    write(
      "mdb",
      "del",
      "Remove a group membership, like `bridge mdb del dev BR port P grp G`",
      Mdb.parse,
      Mdb.remove,
      ["delete"]
    )
  ])
)

/**
 * `nlink bridge link set dev PORT ...`: bridge's own `link` object (`nlink
 * link` is ip's), sent as bridge sends it (AF_BRIDGE, IFLA_PROTINFO).
 */
export const bridgeCmd = Command.make("bridge").pipe(
  Command.withDescription("Bridge ports, with `bridge link`'s words"),
  Command.withSubcommands([
    Command.make("link").pipe(
      Command.withDescription("Bridge port options"),
      Command.withSubcommands([
        write(
          "bridge link",
          "set",
          "Set a bridge port's options: bridge link set's words (dev DEV [cost N] [priority N] [state STATE] [learning on|off] ... [backup_port DEV | nobackup_port])",
          parseBridgePort,
          ({ dev, port }) => Link.setBridgePort(dev, port),
          ["change"]
        )
      ])
    )
  ])
)
