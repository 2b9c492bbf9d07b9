/**
 * vxcan: `ip link add NAME type vxcan peer name PEER [netns NS]`, a virtual
 * CAN tunnel between two devices (usually in two namespaces). Its peer is
 * carried and read back exactly like a veth's (VXCAN_INFO_PEER holds an
 * ifinfomsg and link attributes; each listed end names the other in `peer`),
 * so the descriptor is veth's under another kind name.
 *
 * @since 0.2.0
 */
import type { LinkKind } from "../LinkKind.ts"
import { type VethOptions, veth } from "./veth.ts"

/**
 * The options of a vxcan link: its peer (the kernel names it when omitted).
 *
 * @example
 * ```ts
 * const o: VxcanOptions = { peer: { name: "vc1", netns: "blue" } }
 * ```
 * @since 0.2.0
 */
export type VxcanOptions = VethOptions

/**
 * The vxcan descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "vxcan", name: "vc0", peer: { name: "vc1" } })
 * ```
 * @since 0.2.0
 */
export const vxcan: LinkKind<VxcanOptions, "vxcan"> = {
  ...(veth as unknown as LinkKind<VxcanOptions, "vxcan">),
  kind: "vxcan",
  companions: (name, o) =>
    o.peer === undefined ? [] : [{ kind: "vxcan", name: o.peer.name, peer: { name } } as { name: string }]
}
