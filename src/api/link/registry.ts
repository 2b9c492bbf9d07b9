/**
 * The link kinds Link.add can create and Link.list maps: one line per kind.
 * A new kind is its spec entries, its module in ./kinds, one line here and
 * its tests (CONTRIBUTING.md).
 *
 * @since 0.2.0
 */
import type { LinkKind } from "./LinkKind.ts"
import { bond } from "./kinds/bond.ts"
import { bridge } from "./kinds/bridge.ts"
import { dummy } from "./kinds/dummy.ts"
import { ifb } from "./kinds/ifb.ts"
import { macvlan } from "./kinds/macvlan.ts"
import { macvtap } from "./kinds/macvtap.ts"
import { veth } from "./kinds/veth.ts"
import { vlan } from "./kinds/vlan.ts"
import { vrf } from "./kinds/vrf.ts"
import { vxlan } from "./kinds/vxlan.ts"
import { erspan, gre, gretap, ip6erspan, ip6gre, ip6gretap } from "./kinds/gre.ts"
import { ipip, sit } from "./kinds/ipip.ts"
import { ip6tnl } from "./kinds/ip6tnl.ts"
import { vti, vti6 } from "./kinds/vti.ts"
import { xfrm } from "./kinds/xfrm.ts"
import { geneve } from "./kinds/geneve.ts"
import { bareudp } from "./kinds/bareudp.ts"
import { ipvlan, ipvtap } from "./kinds/ipvlan.ts"
import { nlmon, vcan } from "./kinds/simple.ts"
import { macsec } from "./kinds/macsec.ts"
import { wireguard } from "./kinds/wireguard.ts"
import { vxcan } from "./kinds/vxcan.ts"
import { netkit } from "./kinds/netkit.ts"
import { hsr } from "./kinds/hsr.ts"
import { team } from "./kinds/team.ts"
import { amt } from "./kinds/amt.ts"
import { gtp } from "./kinds/gtp.ts"
import { ovpn } from "./kinds/ovpn.ts"
import { tun } from "./kinds/tun.ts"
import { ipoib, rmnet, virtWifi } from "./kinds/stacked.ts"
import { batadv } from "./kinds/batadv.ts"

/**
 * Every link kind's descriptor.
 *
 * @example
 * ```ts
 * registry.map((k) => k.kind) // ["veth", "bridge", "vxlan", ...]
 * ```
 * @since 0.2.0
 */
export const registry = [
  veth,
  bridge,
  vxlan,
  macvlan,
  macvtap,
  ifb,
  dummy,
  vlan,
  bond,
  vrf,
  gre,
  gretap,
  erspan,
  ip6gre,
  ip6gretap,
  ip6erspan,
  ipip,
  sit,
  ip6tnl,
  vti,
  vti6,
  xfrm,
  geneve,
  bareudp,
  ipvlan,
  ipvtap,
  nlmon,
  vcan,
  macsec,
  wireguard,
  vxcan,
  netkit,
  hsr,
  team,
  amt,
  gtp,
  ovpn,
  tun,
  virtWifi,
  batadv,
  rmnet,
  ipoib
] as const

/**
 * Descriptors by kind name.
 *
 * @example
 * ```ts
 * byKind.get("vxlan")?.kind // "vxlan"
 * ```
 * @since 0.2.0
 */
export const byKind: ReadonlyMap<string, LinkKind> = new Map(registry.map((k) => [k.kind, k as LinkKind]))
