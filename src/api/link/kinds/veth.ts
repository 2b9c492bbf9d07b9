/**
 * veth: `ip link add NAME type veth peer name PEER [netns NS]`. All by hand:
 * the peer is a whole link message (ifinfomsg and link attributes) inside
 * VETH_INFO_PEER.
 *
 * Read back, each end is its own listed link whose `peer` names the other end
 * (`{ name }`, when the peer is in the same namespace); the peer's own
 * settings (MTU, address, ...) are on its own listing. `add` of one listed end
 * creates both, so recreating a namespace adds one end of each pair (adding the
 * second end too fails with EEXIST, naming the peer); canonical forms keep only
 * the peer's name.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import * as P from "../../../runtime/Primitives.ts"
import { defined } from "../../internal/Kind.ts"
import {
  emptyHeader,
  groupNumber,
  type LinkKind,
  type NamespaceTarget,
  NamespaceSchema,
  nsAttrs
} from "../LinkKind.ts"

/**
 * The peer end of a veth pair.
 *
 * @example
 * ```ts
 * const peer: VethPeer = { name: "veth1", netns: "blue" }
 * ```
 * @since 0.2.0
 */
export interface VethPeer {
  readonly name: string
  readonly netns?: NamespaceTarget
  readonly mtu?: number
  readonly address?: string
  readonly txqlen?: number
  readonly group?: number | "default"
  readonly numTxQueues?: number
  readonly numRxQueues?: number
}

/**
 * The options of a veth link: its peer (the kernel names it when omitted).
 *
 * @example
 * ```ts
 * const o: VethOptions = { peer: { name: "veth1" } }
 * ```
 * @since 0.2.0
 */
export interface VethOptions {
  readonly peer?: VethPeer
}

const PeerSchema = Schema.Struct({
  name: P.InterfaceName,
  netns: Schema.optional(NamespaceSchema),
  mtu: Schema.optional(P.U32),
  address: Schema.optional(P.MacAddress),
  txqlen: Schema.optional(P.U32),
  group: Schema.optional(Schema.Union([P.U32, Schema.Literal("default")])),
  numTxQueues: Schema.optional(P.U32),
  numRxQueues: Schema.optional(P.U32)
})

/**
 * The veth descriptor.
 *
 * @example
 * ```ts
 * veth.alsoCreates?.({ peer: { name: "veth1" } }) // [["peer.name", "veth1"]]
 * ```
 * @since 0.2.0
 */
export const veth: LinkKind<VethOptions, "veth"> = {
  kind: "veth",
  fields: { peer: Schema.optional(PeerSchema) },
  devices: [],
  kernelChosen: ["peer"],
  namespaces: (o) => (o.peer?.netns === undefined ? [] : [["peer.netns", o.peer.netns]]),
  alsoCreates: (o) => (o.peer === undefined ? [] : [["peer.name", o.peer.name]]),
  companions: (name, o) =>
    o.peer === undefined ? [] : [{ kind: "veth", name: o.peer.name, peer: { name } }],
  toKernel: (o, ctx) => {
    const p = o.peer
    if (p === undefined) return undefined
    return {
      peer: defined({
        ...emptyHeader,
        ifname: p.name,
        mtu: p.mtu,
        address: p.address,
        txqlen: p.txqlen,
        group: groupNumber(p.group),
        numTxQueues: p.numTxQueues,
        numRxQueues: p.numRxQueues,
        ...nsAttrs(ctx.namespaces["peer.netns"])
      })
    }
  },
  fromKernel: (_d, ctx) =>
    ctx.link !== undefined && ctx.link !== 0 && ctx.linkNetnsId === undefined
      ? { peer: { name: String(ctx.name(ctx.link)) } }
      : {},
  canonical: (o) => (o.peer === undefined ? {} : { peer: { name: o.peer.name } })
}
