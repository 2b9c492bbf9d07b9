/**
 * nlink — Linux networking over netlink for TypeScript, built on Effect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Address, Link, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Link.add({ kind: "veth", name: "veth0", peer: { name: "veth1" } })
 *   yield* Link.setUp("veth0")
 *   yield* Address.add({ dev: "veth0", address: "10.0.0.1/24" })
 *   return yield* Address.list({ dev: "veth0" })
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(Netlink.layer)))
 * ```
 * @since 0.1.0
 */
export * as Action from "./api/Action.ts"
export * as Address from "./api/Address.ts"
export * as AddressLabel from "./api/AddressLabel.ts"
export * as BridgeVlan from "./api/BridgeVlan.ts"
export * as Apply from "./api/Apply.ts"
export * as Batch from "./api/Batch.ts"
export * as Diff from "./api/Diff.ts"
export * as Class from "./api/Class.ts"
export * as Chain from "./api/Chain.ts"
export * as Filter from "./api/Filter.ts"
export * as Encap from "./api/nexthop/Encap.ts"
export * as Events from "./api/Events.ts"
export * as Fdb from "./api/Fdb.ts"
export * as Genl from "./api/Genl.ts"
export * as Link from "./api/Link.ts"
export * as Macsec from "./api/Macsec.ts"
export * as Mdb from "./api/Mdb.ts"
export * as Mpls from "./api/Mpls.ts"
export * as MulticastRoute from "./api/MulticastRoute.ts"
export * as Neighbor from "./api/Neighbor.ts"
export * as NeighborTable from "./api/NeighborTable.ts"
export * as Netconf from "./api/Netconf.ts"
export { Netlink } from "./api/Netlink.ts"
export * as Qdisc from "./api/Qdisc.ts"
export * as Nexthop from "./api/Nexthop.ts"
export * as Route from "./api/Route.ts"
export * as Rule from "./api/Rule.ts"
export * as Snapshot from "./api/Snapshot.ts"
export * as StateRegistry from "./api/state/Registry.ts"
export * as Transaction from "./api/Transaction.ts"
export * as TcHandle from "./api/tc/Handle.ts"
export * as TcUnits from "./api/tc/Units.ts"
export * as Watch from "./api/Watch.ts"
export * as WireGuard from "./api/WireGuard.ts"
export * as Connection from "./runtime/Connection.ts"
export * as Namespace from "./api/Namespace.ts"
export { NetlinkError } from "./runtime/NetlinkError.ts"
export * as NetlinkErrors from "./runtime/NetlinkError.ts"
