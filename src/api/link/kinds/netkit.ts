/**
 * netkit: `ip link add NAME type netkit [mode l2|l3] [forward|blackhole]
 * [scrub none|default] [headroom N] [tailroom N] peer [NAME ...] [forward|blackhole]
 * [scrub ...]`, a BPF-programmable device pair (Linux 6.7+). The view gives the
 * policies, mode, scrub settings, head/tailroom and pairing; the peer is
 * carried and read back like a veth's (NETKIT_PEER_INFO).
 *
 * Each listed end reads its own policy/scrub as `policy`/`scrub` and the other
 * end's as `peerPolicy`/`peerScrub`, so either end recreates an equal pair;
 * which end was created by name is `status.primary`. Options newer than the
 * running kernel (scrub 6.11, head/tailroom 6.14, pairing later) are ignored by
 * it silently: `verify` reads the new link back and fails naming them.
 *
 * @since 0.2.0
 */
import * as os from "node:os"
import type * as Schema from "effect/Schema"
import type { LinkinfoNetkitAttrs } from "../../../generated/rt-link/index.ts"
import {
  NetkitFields,
  type NetkitOptions as Generated,
  netkitCanonical,
  netkitFromWire,
  netkitStatusFromWire,
  netkitToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind } from "../LinkKind.ts"
import { type VethPeer, veth } from "./veth.ts"

/**
 * The options of a netkit pair.
 *
 * @example
 * ```ts
 * const o: NetkitOptions = { mode: "l2", policy: "forward", peerPolicy: "blackhole", peer: { name: "nk1" } }
 * ```
 * @since 0.2.0
 */
export interface NetkitOptions extends Generated {
  /** The peer end (the kernel names it when omitted). */
  readonly peer?: VethPeer
}

/** Option → the attribute the kernel reports it in, and the release that added it. */
const newer: ReadonlyArray<readonly [keyof Generated, keyof LinkinfoNetkitAttrs, string]> = [
  ["scrub", "scrub", "Linux 6.11"],
  ["peerScrub", "peerScrub", "Linux 6.11"],
  ["headroom", "headroom", "Linux 6.14"],
  ["tailroom", "tailroom", "Linux 6.14"],
  ["pairing", "pairing", "a kernel with IFLA_NETKIT_PAIRING"]
]

/**
 * The netkit descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "netkit", name: "nk0", mode: "l3", peer: { name: "nk1", netns: "blue" } })
 * ```
 * @since 0.2.0
 */
export const netkit: LinkKind<NetkitOptions, "netkit"> = {
  kind: "netkit",
  fields: { ...NetkitFields, peer: veth.fields.peer as Schema.optional<Schema.Top> },
  devices: [],
  kernelChosen: ["peer"],
  namespaces: veth.namespaces as LinkKind<NetkitOptions>["namespaces"],
  alsoCreates: veth.alsoCreates as LinkKind<NetkitOptions>["alsoCreates"],
  companions: (name, o) =>
    o.peer === undefined
      ? []
      : [
          {
            kind: "netkit",
            name: o.peer.name,
            peer: { name },
            mode: o.mode,
            policy: o.peerPolicy,
            peerPolicy: o.policy,
            scrub: o.peerScrub,
            peerScrub: o.scrub,
            headroom: o.headroom,
            tailroom: o.tailroom
          } as { name: string }
        ],
  check: (o) =>
    o.pairing === "single" && o.peer !== undefined
      ? ["peer", "a single netkit device has no peer"]
      : undefined,
  toKernel: (o, ctx) => {
    const w: { -readonly [K in keyof LinkinfoNetkitAttrs]: LinkinfoNetkitAttrs[K] } = netkitToWire(o)
    const p = o.peer === undefined ? undefined : veth.toKernel({ peer: o.peer }, ctx)?.peer
    if (p !== undefined) w.peerInfo = p
    return w
  },
  fromKernel: (d, ctx) => ({
    ...(d === undefined ? {} : netkitFromWire(d, ctx.name)),
    ...veth.fromKernel(undefined, ctx)
  }),
  status: netkitStatusFromWire,
  canonical: (o) => {
    const c: any = netkitCanonical(o as Generated)
    if (o.peer !== undefined) c.peer = { name: o.peer.name }
    return c
  },
  verify: (o, data) => {
    for (const [field, attr, since] of newer) {
      if ((o as any)[field] !== undefined && data?.[attr] === undefined)
        return [
          field,
          `netkit ${field} needs ${since}; this kernel (${os.release()}) ignored it, so the link was removed again`
        ]
    }
    return undefined
  }
}
