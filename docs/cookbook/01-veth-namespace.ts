/**
 * Recipe 1: a veth pair with one end in another network namespace, addressed
 * and up on both sides.
 *
 *   ip link add veth0 type veth peer name veth1 netns blue
 *   ip addr add 10.0.0.1/24 dev veth0 && ip link set veth0 up
 *   ip -n blue addr add 10.0.0.2/24 dev veth1 && ip -n blue link set veth1 up
 */
import { Effect } from "effect"
import { Address, Link, Netlink } from "nlink"

export const vethIntoNamespace = (inner: string) =>
  Effect.gen(function* () {
    // the peer is created directly in the other namespace: no move afterwards
    yield* Link.add({ kind: "veth", name: "veth0", up: true, peer: { name: "veth1", netns: inner } })
    yield* Address.add({ dev: "veth0", address: "10.0.0.1/24" })
    // the far end is configured with a connection opened inside its namespace
    yield* Effect.gen(function* () {
      yield* Address.add({ dev: "veth1", address: "10.0.0.2/24" })
      yield* Link.setUp("veth1")
    }).pipe(Effect.provide(Netlink.layerNamespace(inner)))
  })

if (import.meta.main) await Effect.runPromise(vethIntoNamespace("blue").pipe(Effect.provide(Netlink.layer)))
