/**
 * The `nlink` command's top-level commands, each loaded only when the
 * command line names it: a start loads the parser and one command's modules
 * (help, completions and unknown words load them all). Adding a command is
 * one line here.
 */
import type { Command } from "effect/cli"

/** Any top-level command (its input, output and requirements vary). */
export type AnyCommand = Command.Command<any, any, any, any, any>

/** A top-level command: the words that name it (name, then alias) and its module. */
export interface Entry {
  readonly names: ReadonlyArray<string>
  readonly load: () => Promise<ReadonlyArray<AnyCommand>>
}

/**
 * Every top-level command, in help order.
 *
 * @example
 * ```ts
 * const route = entries.find((e) => e.names.includes("route"))!
 * const [routeCmd] = await route.load()
 * ```
 */
export const entries: ReadonlyArray<Entry> = [
  { names: ["show"], load: () => import("./show-command.ts").then((m) => [m.showCmd]) },
  { names: ["link"], load: () => import("./commands/link.ts").then((m) => [m.linkCmd]) },
  { names: ["address", "addr"], load: () => import("./commands/address.ts").then((m) => [m.addressCmd]) },
  { names: ["maddress", "maddr"], load: () => import("./lists.ts").then((m) => [m.maddressCmd]) },
  { names: ["route"], load: () => import("./commands/route.ts").then((m) => [m.routeCmd]) },
  { names: ["neighbor", "neigh"], load: () => import("./commands/neighbor.ts").then((m) => [m.neighborCmd]) },
  { names: ["rule"], load: () => import("./commands/rule.ts").then((m) => [m.ruleCmd]) },
  { names: ["nexthop"], load: () => import("./commands/nexthop.ts").then((m) => [m.nexthopCmd]) },
  { names: ["mpls"], load: () => import("./lists.ts").then((m) => [m.mplsCmd]) },
  { names: ["ntable"], load: () => import("./lists.ts").then((m) => [m.ntableCmd]) },
  { names: ["netns"], load: () => import("./commands/netns.ts").then((m) => [m.netnsCmd]) },
  { names: ["fdb"], load: () => import("./commands/bridge.ts").then((m) => [m.fdbCmd]) },
  { names: ["vlan"], load: () => import("./commands/bridge.ts").then((m) => [m.vlanCmd]) },
  { names: ["mdb"], load: () => import("./commands/bridge.ts").then((m) => [m.mdbCmd]) },
  { names: ["bridge"], load: () => import("./commands/bridge.ts").then((m) => [m.bridgeCmd]) },
  { names: ["tc"], load: () => import("./tc.ts").then((m) => [m.tcCmd]) },
  { names: ["wg"], load: () => import("./wg.ts").then((m) => [m.wgCmd]) },
  { names: ["macsec"], load: () => import("./macsec.ts").then((m) => [m.macsecCmd]) },
  { names: ["monitor"], load: () => import("./monitor.ts").then((m) => [m.monitor]) },
  {
    names: ["snapshot", "restore", "diff", "plan", "apply"],
    load: () => import("./state.ts").then((m) => m.stateCommands)
  }
]

/**
 * The commands a command line needs: the one its first word names, else
 * (help, completions, a global flag first, an unknown word) all of them.
 *
 * @example
 * ```ts
 * const commands = await commandsFor(["route", "list"]) // [routeCmd]
 * ```
 */
export const commandsFor = async (args: ReadonlyArray<string>): Promise<ReadonlyArray<AnyCommand>> => {
  const word = args[0]
  const entry = word === undefined ? undefined : entries.find((e) => e.names.includes(word))
  const chosen = entry === undefined ? entries : [entry]
  const loaded = await Promise.all(chosen.map((e) => e.load()))
  return loaded.flat()
}
