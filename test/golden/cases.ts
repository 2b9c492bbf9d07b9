/**
 * The golden cases: each is one exact `ip` command for one configuration the library's
 * builders produce. test/golden/capture.ts runs each in a fresh network namespace under
 * strace and stores the requests iproute2 sent in test/fixtures/golden/<name>.json.
 *
 * Placeholders in `setup` and `command`:
 *   {other}  the name of a second, empty namespace (cases with `otherNs`)
 *   {pid}    the pid of a process living in {other} (cases with `pidTarget`); the capture runs
 *            in its own pid namespace where that process is always pid 2
 *
 * @since 0.1.0
 */

export const RTM_NEWLINK = 16
export const RTM_DELLINK = 17
export const RTM_SETLINK = 19
export const RTM_NEWADDR = 20
export const RTM_DELADDR = 21
export const RTM_NEWROUTE = 24
export const RTM_DELROUTE = 25
export const RTM_GETROUTE = 26
export const RTM_NEWNEIGH = 28
export const RTM_DELNEIGH = 29
export const RTM_NEWRULE = 32
export const RTM_DELRULE = 33
export const RTM_NEWQDISC = 36
export const RTM_DELQDISC = 37
export const RTM_NEWTCLASS = 40
export const RTM_DELTCLASS = 41
export const RTM_NEWNEXTHOP = 104
export const RTM_DELNEXTHOP = 105
export const RTM_GETNEXTHOP = 106
export const RTM_GETNEXTHOPBUCKET = 118

export interface GoldenCase {
  /** File name of the fixture (kebab-case). */
  readonly name: string
  /** One line: what the case pins down. */
  readonly doc: string
  /** ip argument lists run with `ip -n <ns>` before the command; each must succeed unless `setupMayFail`. */
  readonly setup: ReadonlyArray<ReadonlyArray<string>>
  /** The ip arguments under test (without `-n <ns>`). */
  readonly command: ReadonlyArray<string>
  /** nlmsg_type values to keep; lookups such as RTM_GETLINK are dropped. */
  readonly types: ReadonlyArray<number>
  /** Create a second namespace, named by {other}. */
  readonly otherNs?: boolean
  /** Start a process in {other} and run the capture in a pid namespace where it is pid 2 ({pid}). */
  readonly pidTarget?: boolean
  /** Setup commands may fail on this kernel (e.g. a bond master the host cannot create). */
  readonly setupMayFail?: boolean
  /**
   * The iproute2 program that runs `command` (default "ip"); setup runs with ip, except
   * steps beginning with "tc", which run tc.
   */
  readonly tool?: "ip" | "bridge" | "tc"
}

const veth: ReadonlyArray<string> = ["link", "add", "d0", "type", "veth", "peer", "name", "d1"]
const bridge: ReadonlyArray<string> = ["link", "add", "br0", "type", "bridge"]
const addr4: ReadonlyArray<string> = ["addr", "add", "10.1.2.3/24", "dev", "d0"]
const up: ReadonlyArray<ReadonlyArray<string>> = [
  ["link", "set", "d0", "up"],
  ["link", "set", "d1", "up"]
]
/** A veth pair d0/d1, both up, with 10.1.2.3/24 on d0. */
const routed: ReadonlyArray<ReadonlyArray<string>> = [veth, addr4, ...up]
/** `routed` plus 2001:db8::1/64 on d0. */
const routed6: ReadonlyArray<ReadonlyArray<string>> = [
  ...routed,
  ["addr", "add", "2001:db8::1/64", "dev", "d0", "nodad"]
]

const split = (s: string): Array<string> => s.split(" ")

const link = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `link-${name}`,
  doc,
  setup: [veth],
  command: split(command),
  types: [RTM_NEWLINK, RTM_SETLINK],
  ...extra
})

const linkCases: ReadonlyArray<GoldenCase> = [
  link(
    "add-veth",
    "veth pair: peer in IFLA_INFO_DATA/VETH_INFO_PEER (ifinfomsg + attrs)",
    "link add veth0 type veth peer name veth1",
    { setup: [] }
  ),
  link(
    "add-veth-peer-netns",
    "veth whose peer goes to another namespace: IFLA_NET_NS_FD inside VETH_INFO_PEER = 4, the fd iproute2 (6.1) opened on /run/netns/{other}",
    "link add veth0 type veth peer name p1 netns {other}",
    { setup: [], otherNs: true }
  ),
  link("add-bridge", "bridge with defaults", "link add br0 type bridge", { setup: [] }),
  link(
    "add-bridge-options",
    "bridge with IFLA_BR_STP_STATE, FORWARD_DELAY, VLAN_FILTERING, AGEING_TIME",
    "link add br0 type bridge stp_state 1 forward_delay 400 vlan_filtering 1 ageing_time 30000",
    { setup: [] }
  ),
  link(
    "add-vxlan",
    "vxlan with id, dstport, local, remote, underlying dev, ttl",
    "link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 remote 10.0.0.2 dev d0 ttl 64"
  ),
  link(
    "add-vxlan-group",
    "vxlan with a multicast group and learning off",
    "link add vx1 type vxlan id 43 group 239.1.1.1 dev d0 dstport 4789 nolearning"
  ),
  link("add-macvlan-bridge", "macvlan mode bridge", "link add mv0 link d0 type macvlan mode bridge"),
  link("add-macvlan-private", "macvlan mode private", "link add mv0 link d0 type macvlan mode private"),
  link("add-macvlan-vepa", "macvlan mode vepa", "link add mv0 link d0 type macvlan mode vepa"),
  link("add-macvlan-passthru", "macvlan mode passthru", "link add mv0 link d0 type macvlan mode passthru"),
  link("add-macvlan-source", "macvlan mode source", "link add mv0 link d0 type macvlan mode source"),
  link("add-macvtap-bridge", "macvtap mode bridge", "link add mt0 link d0 type macvtap mode bridge"),
  link("add-ifb", "ifb device", "link add ifb0 type ifb", { setup: [] }),
  link("add-dummy", "dummy device (host kernel lacks dummy)", "link add dummy0 type dummy", { setup: [] }),
  link("add-vlan", "802.1Q vlan on d0 (host kernel lacks 8021q)", "link add v5 link d0 type vlan id 5"),
  link(
    "add-vlan-8021ad",
    "802.1ad vlan (IFLA_VLAN_PROTOCOL big-endian)",
    "link add v6 link d0 type vlan protocol 802.1ad id 6"
  ),
  link(
    "add-vlan-qos-map",
    "vlan with IFLA_VLAN_EGRESS_QOS / INGRESS_QOS mapping lists",
    "link add v7 link d0 type vlan id 7 egress-qos-map 1:2 3:4 ingress-qos-map 1:2"
  ),
  link(
    "add-bond-8023ad",
    "bond mode 802.3ad with miimon (host kernel lacks bonding)",
    "link add bond0 type bond mode 802.3ad miimon 100",
    { setup: [] }
  ),
  link("add-bond-active-backup", "bond mode active-backup", "link add bond0 type bond mode active-backup", {
    setup: []
  }),
  link("add-vrf", "vrf with table 10 (host kernel lacks vrf)", "link add vrf0 type vrf table 10", {
    setup: []
  }),
  link("set-up", "set IFF_UP (ifi_flags/ifi_change)", "link set dev d0 up"),
  link("set-down", "clear IFF_UP", "link set dev d0 down"),
  link("set-mtu", "IFLA_MTU", "link set dev d0 mtu 1400"),
  link("set-address", "IFLA_ADDRESS", "link set dev d0 address 02:00:00:00:00:01"),
  link("set-name", "rename: IFLA_IFNAME with ifi_index set", "link set dev d0 name d9"),
  {
    ...link("set-alias", "IFLA_IFALIAS", "link set dev d0 alias"),
    command: ["link", "set", "dev", "d0", "alias", "hello world"]
  },
  link("set-txqueuelen", "IFLA_TXQLEN", "link set dev d0 txqueuelen 500"),
  link("set-group", "IFLA_GROUP", "link set dev d0 group 7"),
  link("set-master", "IFLA_MASTER = bridge index", "link set dev d0 master br0", { setup: [veth, bridge] }),
  link("set-nomaster", "IFLA_MASTER = 0", "link set dev d0 nomaster", {
    setup: [veth, bridge, ["link", "set", "dev", "d0", "master", "br0"]]
  }),
  link(
    "set-netns-name",
    "move to a named namespace: IFLA_NET_NS_FD = 4, the fd iproute2 (6.1) opened on /run/netns/{other}",
    "link set dev d0 netns {other}",
    { otherNs: true }
  ),
  link(
    "set-netns-pid",
    "move to the namespace of a pid: IFLA_NET_NS_PID = 2 (the capture's pid namespace makes the pid fixed)",
    "link set dev d0 netns {pid}",
    {
      otherNs: true,
      pidTarget: true
    }
  ),
  link(
    "set-master-bond",
    "IFLA_MASTER = index of bond0; where the kernel lacks bonding a bridge named bond0 stands in (the request only carries its index)",
    "link set d0 master bond0",
    {
      setup: [veth, ["link", "add", "bond0", "type", "bond"], ["link", "add", "bond0", "type", "bridge"]],
      setupMayFail: true
    }
  ),
  link("del", "RTM_DELLINK by name", "link del d0", { types: [RTM_DELLINK] })
]

const addr = (
  name: string,
  doc: string,
  command: ReadonlyArray<string>,
  extra: Partial<GoldenCase> = {}
): GoldenCase => ({
  name: `addr-${name}`,
  doc,
  setup: [veth],
  command,
  types: [RTM_NEWADDR],
  ...extra
})

const addrCases: ReadonlyArray<GoldenCase> = [
  addr("add", "IPv4 address with prefix length", split("addr add 10.1.2.3/24 dev d0")),
  addr("add-label", "IFA_LABEL", split("addr add 10.1.2.3/24 dev d0 label d0:1")),
  addr("add-broadcast", "IFA_BROADCAST", split("addr add 10.1.2.3/24 broadcast 10.1.2.255 dev d0")),
  addr(
    "add-peer",
    "point-to-point: IFA_LOCAL + IFA_ADDRESS = peer",
    split("addr add 10.1.2.3 peer 10.9.9.9/32 dev d0")
  ),
  addr(
    "add-lifetimes",
    "IFA_CACHEINFO with valid/preferred lifetimes",
    split("addr add 10.1.2.3/24 dev d0 valid_lft 100 preferred_lft 50")
  ),
  addr(
    "add-noprefixroute",
    "IFA_FLAGS with IFA_F_NOPREFIXROUTE",
    split("addr add 10.1.2.3/24 dev d0 noprefixroute")
  ),
  addr("add-ipv6-nodad", "IPv6 address with IFA_F_NODAD", split("addr add 2001:db8::1/64 dev d0 nodad")),
  addr("replace", "NLM_F_REPLACE instead of NLM_F_EXCL", split("addr replace 10.1.2.3/24 dev d0")),
  addr("del", "RTM_DELADDR", split("addr del 10.1.2.3/24 dev d0"), {
    setup: [veth, addr4],
    types: [RTM_DELADDR]
  })
]

const route = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `route-${name}`,
  doc,
  setup: routed,
  command: split(command),
  types: [RTM_NEWROUTE],
  ...extra
})

const routeCases: ReadonlyArray<GoldenCase> = [
  route("add-via", "IPv4 route via a gateway", "route add 10.2.0.0/16 via 10.1.2.1"),
  route(
    "add-dev-table-metric-proto",
    "RTA_OIF, RTA_TABLE (> 255), RTA_PRIORITY, rtm_protocol static",
    "route add 10.3.0.0/16 dev d0 table 1000 metric 50 proto static"
  ),
  route(
    "add-multipath",
    "RTA_MULTIPATH with two weighted nexthops (rtnexthop structs)",
    "route add 10.4.0.0/16 nexthop via 10.1.2.1 weight 1 nexthop via 10.1.2.2 weight 3"
  ),
  route("add-blackhole", "rtm_type RTN_BLACKHOLE", "route add blackhole 10.5.0.0/16"),
  route("add-unreachable", "rtm_type RTN_UNREACHABLE", "route add unreachable 10.5.0.0/16"),
  route("add-prohibit", "rtm_type RTN_PROHIBIT", "route add prohibit 10.5.0.0/16"),
  route(
    "add-metrics",
    "RTA_METRICS nest with RTAX_MTU and RTAX_ADVMSS",
    "route add 10.6.0.0/16 via 10.1.2.1 mtu 1400 advmss 1300"
  ),
  route(
    "add-scope-src",
    "scope link with RTA_PREFSRC",
    "route add 10.7.0.0/16 dev d0 scope link src 10.1.2.3"
  ),
  route("replace", "NLM_F_REPLACE|NLM_F_CREATE", "route replace 10.2.0.0/16 via 10.1.2.1"),
  route("del", "RTM_DELROUTE", "route del 10.2.0.0/16 via 10.1.2.1", {
    setup: [...routed, split("route add 10.2.0.0/16 via 10.1.2.1")],
    types: [RTM_DELROUTE]
  }),
  route(
    "add-via-inet6",
    "IPv4 route via an IPv6 gateway: RTA_VIA (struct rtvia: u16 family, address)",
    "route add 10.8.0.0/24 via inet6 fe80::1 dev d0",
    { setup: routed6 }
  ),
  route("add-ipv6-via", "IPv6 route via a gateway", "route add 2001:db8:1::/48 via 2001:db8::2", {
    setup: routed6
  }),
  route("get", "RTM_GETROUTE for a destination", "route get 10.2.3.4", {
    setup: [...routed, split("route add 10.2.0.0/16 via 10.1.2.1")],
    types: [RTM_GETROUTE]
  }),
  route(
    "get-from-iif-mark",
    "RTM_GETROUTE with RTA_SRC, RTA_IIF, RTA_MARK",
    "route get 10.2.3.4 from 10.1.2.3 iif d0 mark 5",
    {
      setup: [...routed, split("route add 10.2.0.0/16 via 10.1.2.1")],
      types: [RTM_GETROUTE]
    }
  )
]

const neigh = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `neigh-${name}`,
  doc,
  setup: routed,
  command: split(command),
  types: [RTM_NEWNEIGH],
  ...extra
})

const neighAdd = split("neigh add 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 nud permanent")

const neighCases: ReadonlyArray<GoldenCase> = [
  neigh(
    "add-permanent",
    "NDA_DST, NDA_LLADDR, NUD_PERMANENT",
    "neigh add 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 nud permanent"
  ),
  neigh(
    "replace-reachable",
    "NLM_F_REPLACE with NUD_REACHABLE",
    "neigh replace 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 nud reachable"
  ),
  neigh("del", "RTM_DELNEIGH", "neigh del 10.1.2.9 dev d0", {
    setup: [...routed, neighAdd],
    types: [RTM_DELNEIGH]
  }),
  neigh("add-proxy", "IPv4 proxy entry (NTF_PROXY)", "neigh add proxy 10.1.2.10 dev d0"),
  neigh("add-proxy-ipv6", "IPv6 proxy entry (NTF_PROXY)", "neigh add proxy 2001:db8::10 dev d0", {
    setup: routed6
  })
]

const rule = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `rule-${name}`,
  doc,
  setup: [veth],
  command: split(command),
  types: [RTM_NEWRULE],
  ...extra
})

const ruleCases: ReadonlyArray<GoldenCase> = [
  rule(
    "add-from-table",
    "FRA_SRC, FRA_TABLE, FRA_PRIORITY",
    "rule add from 10.0.0.0/8 table 100 priority 1000"
  ),
  rule("add-fwmark", "FRA_FWMARK and FRA_FWMASK", "rule add fwmark 0x10/0xff table 101 priority 1001"),
  rule(
    "add-to-iif-oif",
    "FRA_DST, FRA_IIFNAME, FRA_OIFNAME",
    "rule add to 10.8.0.0/16 iif d0 oif d1 lookup 102 pref 1002"
  ),
  rule(
    "add-suppress-prefixlength",
    "FRA_SUPPRESS_PREFIXLEN with table main",
    "rule add table main suppress_prefixlength 0 priority 1003"
  ),
  rule("add-prohibit", "action FR_ACT_PROHIBIT", "rule add prohibit from 10.9.0.0/16 priority 1004"),
  rule("del-priority", "RTM_DELRULE by priority", "rule del priority 1000", {
    setup: [veth, split("rule add from 10.0.0.0/8 table 100 priority 1000")],
    types: [RTM_DELRULE]
  }),
  rule("add-ipv6", "IPv6 rule (family AF_INET6)", "-6 rule add from 2001:db8::/32 table 103 priority 1005")
]

/** Link kinds the host kernel lacks (dummy, vlan, bond, vrf): their options in full. */
const linkKindCases: ReadonlyArray<GoldenCase> = [
  link(
    "add-vlan-flags",
    "vlan IFLA_VLAN_FLAGS: flags/mask of every flag named",
    "link add v8 link d0 type vlan id 8 reorder_hdr off gvrp on loose_binding on mvrp off bridge_binding on"
  ),
  link(
    "add-bond-8023ad-options",
    "bond 802.3ad with LACP, hashing and delay options",
    "link add bond0 type bond mode 802.3ad miimon 100 updelay 200 downdelay 400 lacp_rate fast ad_select bandwidth xmit_hash_policy layer3+4 min_links 1 ad_actor_sys_prio 100 ad_user_port_key 10 ad_actor_system 02:00:00:00:00:aa use_carrier 1 all_slaves_active 0 resend_igmp 2 num_grat_arp 3 lacp_active on",
    { setup: [] }
  ),
  link(
    "add-bond-arp",
    "bond ARP monitoring: IFLA_BOND_ARP_IP_TARGET nest (types = slots), NS targets, validation",
    "link add bond1 type bond mode active-backup arp_interval 1000 arp_ip_target 10.0.0.1,10.0.0.2 ns_ip6_target 2001:db8::1 arp_validate all arp_all_targets all primary_reselect better fail_over_mac active arp_missed_max 3",
    { setup: [] }
  ),
  link(
    "add-bond-primary",
    "bond IFLA_BOND_PRIMARY = index of d0",
    "link add bond2 type bond mode active-backup miimon 100 primary d0"
  ),
  link(
    "add-bond-balance-alb",
    "bond balance-alb with tlb_dynamic_lb and lp_interval",
    "link add bond3 type bond mode balance-alb tlb_dynamic_lb 1 lp_interval 2 packets_per_slave 4",
    { setup: [] }
  )
]

/** A bridge br0 with port d0 (of the veth pair d0/d1) and a VXLAN device vx0 (VNI 42, port 4789). */
const bridged: ReadonlyArray<ReadonlyArray<string>> = [
  veth,
  bridge,
  split("link set d0 master br0"),
  split("link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 nolearning")
]

const fdb = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `fdb-${name}`,
  doc,
  setup: bridged,
  command: split(command),
  types: [RTM_NEWNEIGH],
  tool: "bridge",
  ...extra
})

const fdbCases: ReadonlyArray<GoldenCase> = [
  fdb(
    "add-master-static-sticky",
    "AF_BRIDGE NDA_LLADDR, NTF_MASTER|NTF_STICKY, NUD_NOARP|NUD_REACHABLE",
    "fdb add 02:00:00:00:00:01 dev d0 master static sticky"
  ),
  fdb(
    "add-self",
    "default target NTF_SELF and state NUD_PERMANENT|NUD_NOARP",
    "fdb add 02:00:00:00:00:02 dev d0"
  ),
  fdb(
    "add-vlan-dynamic-extern-learn",
    "NDA_VLAN, dynamic (NUD_REACHABLE), NTF_EXT_LEARNED (the host bridge rejects the VLAN: no filtering)",
    "fdb add 02:00:00:00:00:03 dev d0 master dynamic extern_learn vlan 10"
  ),
  fdb(
    "add-vxlan-remote",
    "VXLAN remote: NDA_DST, NDA_PORT (big-endian), NDA_VNI, NDA_IFINDEX (via)",
    "fdb add 02:00:00:00:00:04 dev vx0 dst 10.0.0.2 port 4790 vni 7 via d1 self static"
  ),
  fdb(
    "append-vxlan",
    "NLM_F_CREATE|NLM_F_APPEND with a second remote and NDA_SRC_VNI",
    "fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.3 src_vni 5"
  ),
  fdb(
    "add-vxlan-nhid",
    "NDA_NH_ID (a nexthop group of FDB nexthops) with NTF_ROUTER",
    "fdb add 02:00:00:00:00:05 dev vx0 nhid 10 router"
  ),
  fdb(
    "replace-master",
    "NLM_F_CREATE|NLM_F_REPLACE",
    "fdb replace 02:00:00:00:00:01 dev d0 master permanent"
  ),
  fdb("del-master", "RTM_DELNEIGH of a bridge entry", "fdb del 02:00:00:00:00:01 dev d0 master", {
    types: [RTM_DELNEIGH]
  }),
  fdb(
    "del-vxlan-remote",
    "RTM_DELNEIGH of one VXLAN remote",
    "fdb del 00:00:00:00:00:00 dev vx0 dst 10.0.0.3",
    {
      types: [RTM_DELNEIGH]
    }
  ),
  fdb(
    "flush-bridge-filters",
    "bulk delete: NLM_F_BULK, state/flags with NDA_NDM_STATE_MASK/NDA_NDM_FLAGS_MASK, NDA_VLAN",
    "fdb flush dev br0 vlan 5 nopermanent static sticky noextern_learn added_by_user",
    { types: [RTM_DELNEIGH] }
  ),
  fdb(
    "flush-port-dynamic",
    "bulk delete of one port's dynamic entries: NDA_IFINDEX, state mask without state",
    "fdb flush dev br0 brport d0 dynamic",
    { types: [RTM_DELNEIGH] }
  ),
  fdb(
    "flush-master",
    "bulk delete on a port with NTF_MASTER",
    "fdb flush dev d0 master nodynamic nooffloaded",
    {
      types: [RTM_DELNEIGH]
    }
  )
]

const RTM_NEWVLAN = 112

/** A plain bridge br0 with port d0: the host bridge has no VLAN filtering, so the kernel rejects these (they are still sent). */
const vlanPort: ReadonlyArray<ReadonlyArray<string>> = [veth, bridge, split("link set d0 master br0")]

const vlan = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `vlan-${name}`,
  doc,
  setup: vlanPort,
  command: split(command),
  types: [RTM_SETLINK],
  tool: "bridge",
  ...extra
})

const vlanCases: ReadonlyArray<GoldenCase> = [
  vlan("add", "AF_BRIDGE RTM_SETLINK, IFLA_AF_SPEC/IFLA_BRIDGE_VLAN_INFO", "vlan add vid 10 dev d0"),
  vlan("add-pvid-untagged", "BRIDGE_VLAN_INFO_PVID|UNTAGGED", "vlan add vid 5 dev d0 pvid untagged"),
  vlan(
    "add-range",
    "a range: two VLAN_INFO with RANGE_BEGIN / RANGE_END",
    "vlan add vid 20-30 dev d0 untagged"
  ),
  vlan(
    "add-self",
    "the bridge's own VLAN: IFLA_BRIDGE_FLAGS = BRIDGE_FLAGS_SELF",
    "vlan add vid 40 dev br0 self"
  ),
  vlan("del-range", "RTM_DELLINK of a range", "vlan del vid 20-30 dev d0", { types: [RTM_DELLINK] }),
  vlan(
    "add-tunnel",
    "IFLA_BRIDGE_VLAN_TUNNEL_INFO (id, vid, flags)",
    "vlan add dev d0 vid 100 tunnel_info id 1000"
  ),
  vlan(
    "add-tunnel-range",
    "tunnel mapping of a range: two TUNNEL_INFO with RANGE_BEGIN / RANGE_END",
    "vlan add dev d0 vid 200-210 tunnel_info id 2000-2010"
  ),
  vlan(
    "set-options",
    "RTM_NEWVLAN: BRIDGE_VLANDB_ENTRY with INFO, STATE, MCAST_ROUTER",
    "vlan set dev d0 vid 10 state blocking mcast_router 2",
    { types: [RTM_NEWVLAN] }
  ),
  vlan(
    "set-range-state",
    "RTM_NEWVLAN with BRIDGE_VLANDB_ENTRY_RANGE",
    "vlan set dev d0 vid 20-30 state learning",
    {
      types: [RTM_NEWVLAN]
    }
  ),
  vlan(
    "global-set",
    "RTM_NEWVLAN: BRIDGE_VLANDB_GLOBAL_OPTIONS",
    "vlan global set dev br0 vid 10-12 mcast_snooping 1 mcast_igmp_version 3 mcast_mld_version 2 mcast_querier 1 mcast_query_interval 12000 mcast_last_member_count 3",
    { types: [RTM_NEWVLAN] }
  )
]

const RTM_NEWMDB = 84
const RTM_DELMDB = 85

/** A bridge br0 (up) with multicast snooping and port d0. */
const mdbBridge: ReadonlyArray<ReadonlyArray<string>> = [
  veth,
  split("link add br0 type bridge mcast_snooping 1"),
  split("link set d0 master br0"),
  split("link set br0 up")
]

const mdb = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `mdb-${name}`,
  doc,
  setup: mdbBridge,
  command: split(command),
  types: [RTM_NEWMDB],
  tool: "bridge",
  ...extra
})

const mdbCases: ReadonlyArray<GoldenCase> = [
  mdb(
    "add-permanent-ipv4",
    "MDBA_SET_ENTRY (br_mdb_entry: port, MDB_PERMANENT, group, ETH_P_IP)",
    "mdb add dev br0 port d0 grp 239.1.1.1 permanent"
  ),
  mdb("add-temp-ipv6", "MDB_TEMPORARY, IPv6 group (ETH_P_IPV6)", "mdb add dev br0 port d0 grp ff0e::1 temp"),
  mdb(
    "add-l2",
    "L2 group: MAC in the address union, proto 0",
    "mdb add dev br0 port d0 grp 01:00:5e:01:02:03 permanent"
  ),
  mdb(
    "add-source",
    "(S, G): MDBA_SET_ENTRY_ATTRS / MDBE_ATTR_SOURCE",
    "mdb add dev br0 port d0 grp 239.1.1.2 src 10.0.0.1 permanent"
  ),
  mdb("add-vid", "br_mdb_entry.vid", "mdb add dev br0 port d0 grp 239.1.1.4 permanent vid 10"),
  mdb("del", "RTM_DELMDB", "mdb del dev br0 port d0 grp 239.1.1.1", { types: [RTM_DELMDB] })
]

const RTM_NEWADDRLABEL = 72
const RTM_DELADDRLABEL = 73
const RTM_GETNETCONF = 82

const otherCases: ReadonlyArray<GoldenCase> = [
  {
    name: "addrlabel-add",
    doc: "RTM_NEWADDRLABEL: ifaddrlblmsg prefix length, IFAL_ADDRESS, IFAL_LABEL",
    setup: [],
    command: split("addrlabel add prefix 2001:db8::/32 label 100"),
    types: [RTM_NEWADDRLABEL]
  },
  {
    name: "addrlabel-add-dev",
    doc: "RTM_NEWADDRLABEL on one device (ifal_index)",
    setup: [veth],
    command: split("addrlabel add prefix 2001:db8:1::/48 dev d0 label 7"),
    types: [RTM_NEWADDRLABEL]
  },
  {
    name: "addrlabel-del",
    doc: "RTM_DELADDRLABEL",
    setup: [split("addrlabel add prefix 2001:db8::/32 label 100")],
    command: split("addrlabel del prefix 2001:db8::/32 label 100"),
    types: [RTM_DELADDRLABEL]
  },
  {
    name: "netconf-get-dev",
    doc: "RTM_GETNETCONF of one device: netconfmsg family, NETCONFA_IFINDEX",
    setup: [veth],
    command: split("-6 netconf show dev d0"),
    types: [RTM_GETNETCONF]
  }
]

/** Issue 20: the rest of `ip rule`, `ip addr` and `ip neigh` options. */
const moreRuleCases: ReadonlyArray<GoldenCase> = [
  rule("add-realms", "FRA_FLOW from realms FROM/TO", "rule add realms 3/4 table 100 priority 1006"),
  rule("add-tun-id", "FRA_TUN_ID (be64)", "rule add tun_id 77 table 100 priority 1007"),
  rule(
    "add-nat",
    "action RTN_NAT with the main table (and the address the kernel drops)",
    "rule add nat 1.2.3.4 priority 1008"
  ),
  rule("add-dsfield", "dsfield: the header's tos", "rule add dsfield 0x10 table 100 priority 1009"),
  rule(
    "add-uidrange-ipproto-ports",
    "FRA_UID_RANGE, FRA_IP_PROTO, FRA_SPORT_RANGE, FRA_DPORT_RANGE",
    "rule add uidrange 100-200 ipproto tcp sport 1000-2000 dport 80 table 100 priority 1010"
  ),
  rule(
    "add-not-l3mdev-protocol",
    "FIB_RULE_INVERT, FRA_L3MDEV (header table 0), FRA_PROTOCOL",
    "rule add not from 1.2.3.0/24 l3mdev protocol static priority 1011"
  ),
  rule("add-goto", "action FR_ACT_GOTO with FRA_GOTO", "rule add goto 1020 priority 1012"),
  rule("add-blackhole", "action FR_ACT_BLACKHOLE", "rule add blackhole priority 1013"),
  rule(
    "add-unreachable",
    "action FR_ACT_UNREACHABLE",
    "-6 rule add unreachable from 2001:db8::/32 priority 1014"
  ),
  rule(
    "add-suppress-ifgroup",
    "FRA_SUPPRESS_IFGROUP with table main",
    "rule add table main suppress_ifgroup 5 priority 1015"
  ),
  rule("add-oif-l3mdev", "oif with l3mdev", "rule add oif d1 l3mdev priority 1016"),
  rule("add-ipv6-fwmark-nop", "IPv6 fwmark with action nop", "-6 rule add fwmark 0x20/0xf0 nop priority 1017")
]

const moreAddrCases: ReadonlyArray<GoldenCase> = [
  addr(
    "add-ipv6-flags",
    "IFA_FLAGS with mngtmpaddr (above 8 bits), nodad, home, noprefixroute",
    split("addr add 2001:db8::5/64 dev d0 mngtmpaddr nodad home noprefixroute")
  ),
  addr(
    "add-ipv6-optimistic",
    "IFA_F_OPTIMISTIC in the header flags",
    split("addr add 2001:db8::6/64 dev d0 optimistic")
  ),
  addr(
    "add-autojoin",
    "IFA_F_MCAUTOJOIN on a multicast address",
    split("addr add 239.1.1.1/32 dev d0 autojoin")
  ),
  // (`proto` on addresses came with iproute2 6.2: IFA_PROTO has no 6.1 capture)
  addr("add-metric", "IFA_RT_PRIORITY from metric", split("addr add 10.1.2.3/24 dev d0 metric 300"))
]

const moreNeighCases: ReadonlyArray<GoldenCase> = [
  neigh(
    "add-router-extern-learn",
    "NTF_ROUTER and NTF_EXT_LEARNED on an IPv6 entry",
    "neigh add 2001:db8::9 lladdr 02:00:00:00:00:09 dev d0 router extern_learn",
    { setup: routed6 }
  ),
  neigh("add-managed", "NDA_FLAGS_EXT with NTF_EXT_MANAGED", "neigh add 10.1.2.9 dev d0 managed"),
  neigh("replace-use", "NTF_USE", "neigh replace 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 use"),
  neigh("add-noarp", "state NUD_NOARP", "neigh add 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 nud noarp")
]

/** Traffic control: `tc qdisc ...` / `tc class ...` on d0 of a veth pair. */
const tc = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `tc-${name}`,
  doc,
  setup: [veth],
  command: split(command),
  types: [RTM_NEWQDISC, RTM_DELQDISC, RTM_NEWTCLASS, RTM_DELTCLASS],
  tool: "tc",
  ...extra
})
const htbRoot: ReadonlyArray<ReadonlyArray<string>> = [veth, split("tc qdisc add dev d0 root handle 1: htb")]

const tcCases: ReadonlyArray<GoldenCase> = [
  tc(
    "pfifo-limit",
    "pfifo: TCA_OPTIONS is struct tc_fifo_qopt (no nest)",
    "qdisc add dev d0 root handle 1: pfifo limit 100"
  ),
  tc("pfifo-plain", "pfifo without options: TCA_KIND alone", "qdisc add dev d0 root pfifo"),
  tc(
    "bfifo-limit",
    "bfifo limit in bytes through get_size (10kb)",
    "qdisc add dev d0 root handle 2: bfifo limit 10kb"
  ),
  tc("pfifo-fast", "pfifo_fast: kind alone", "qdisc add dev d0 root handle 3: pfifo_fast"),
  tc(
    "tbf-rate-burst-latency",
    "tbf: PARMS (limit from latency), BURST, RTAB computed from rate",
    "qdisc add dev d0 root handle 1: tbf rate 1mbit burst 10kb latency 50ms"
  ),
  tc(
    "tbf-limit-peakrate",
    "tbf with peakrate/mtu (PTAB, PBURST), mpu, overhead",
    "qdisc add dev d0 root tbf rate 8mbit burst 32kb limit 100kb peakrate 10mbit mtu 1600 mpu 64 overhead 4"
  ),
  tc(
    "tbf-rate64",
    "tbf above 2^32 bytes/s: rate ~0 in PARMS, TCA_TBF_RATE64",
    "qdisc add dev d0 root tbf rate 40gbit burst 1mb limit 10mb"
  ),
  tc(
    "tbf-atm",
    "tbf linklayer atm rate table",
    "qdisc add dev d0 root tbf rate 2mbit burst 20k limit 30k linklayer atm"
  ),
  tc("htb-default", "htb: TCA_HTB_INIT defaults (r2q 10, version 3)", "qdisc add dev d0 root handle 1: htb"),
  tc(
    "htb-options",
    "htb r2q, default (hex), direct_qlen",
    "qdisc add dev d0 root handle 1: htb r2q 5 default 20 direct_qlen 100"
  ),
  tc(
    "htb-class-rate",
    "htb class: rate only (ceil = rate, burst from mtu and hz), RTAB/CTAB",
    "class add dev d0 parent 1: classid 1:10 htb rate 100mbit",
    { setup: htbRoot }
  ),
  tc(
    "htb-class-full",
    "htb class: rate, ceil, burst, cburst, prio, quantum, mpu, overhead",
    "class add dev d0 parent 1: classid 1:20 htb rate 10mbit ceil 20mbit burst 15k cburst 20k prio 2 quantum 3000 mpu 64 overhead 10",
    { setup: htbRoot }
  ),
  tc(
    "htb-class-rate64",
    "htb class above 2^32 bytes/s: TCA_HTB_RATE64 and CEIL64",
    "class add dev d0 parent 1: classid 1:30 htb rate 50gbit ceil 60gbit",
    { setup: htbRoot }
  ),
  tc("ingress", "ingress: parent ffff:fff1, handle ffff:", "qdisc add dev d0 ingress"),
  tc("clsact", "clsact: parent ffff:fff1, handle ffff:", "qdisc add dev d0 clsact"),
  tc(
    "replace-pfifo",
    "replace: NLM_F_CREATE|NLM_F_REPLACE",
    "qdisc replace dev d0 root handle 1: pfifo limit 50"
  ),
  tc("change-htb", "change: no NLM_F_CREATE", "qdisc change dev d0 root handle 1: htb r2q 20", {
    setup: htbRoot
  }),
  tc("del-root", "qdisc del dev d0 root", "qdisc del dev d0 root", { setup: htbRoot }),
  tc("class-del", "class del by classid", "class del dev d0 classid 1:10", {
    setup: [...htbRoot, split("tc class add dev d0 parent 1: classid 1:10 htb rate 1mbit")]
  }),
  tc(
    "prio-default",
    "prio without options: tc sends the default bands and priomap",
    "qdisc add dev d0 root handle 1: prio"
  ),
  tc(
    "prio-bands",
    "prio bands 4 with a priomap",
    "qdisc add dev d0 root handle 1: prio bands 4 priomap 3 2 1 0 3 2 1 0 3 2 1 0 3 2 1 0"
  ),
  tc("fq-codel-default", "fq_codel without options", "qdisc add dev d0 root fq_codel"),
  tc(
    "fq-codel-options",
    "fq_codel with every option",
    "qdisc add dev d0 root handle 1: fq_codel limit 2000 flows 2048 target 3ms interval 50ms quantum 1500 ce_threshold 2ms memory_limit 16mb drop_batch 32 noecn"
  ),
  tc(
    "codel-options",
    "codel with every option",
    "qdisc add dev d0 root handle 1: codel limit 500 target 4ms interval 80ms ecn ce_threshold 1ms"
  )
]

/** IP tunnels (issue 11): each kind with its main options, encap (fou/gue) on the IP tunnels. */
const tunnelCases: ReadonlyArray<GoldenCase> = [
  link(
    "add-gre",
    "gre with endpoints, ttl, tos, keys, checksums and sequence numbers (IFLA_GRE_IFLAGS/OFLAGS big-endian)",
    "link add g0 type gre remote 10.0.0.2 local 10.0.0.1 ttl 64 tos 0x10 ikey 5 okey 6 icsum oseq dev d0"
  ),
  link(
    "add-gre-encap-fou",
    "gre over fou: IFLA_GRE_ENCAP_TYPE/SPORT/DPORT/FLAGS (csum), pmtudisc off needs ttl inherit",
    "link add g1 type gre remote 10.0.0.2 local 10.0.0.1 encap fou encap-sport 4000 encap-dport 5555 encap-csum nopmtudisc ignore-df fwmark 7"
  ),
  link(
    "add-gretap",
    "gretap with key (both directions) and tos inherit",
    "link add gt0 type gretap remote 10.0.0.2 local 10.0.0.1 key 9 tos inherit"
  ),
  link(
    "add-erspan-v1",
    "erspan version 1 with index",
    "link add es0 type erspan remote 10.0.0.2 local 10.0.0.1 seq key 10 erspan_ver 1 erspan 123"
  ),
  link(
    "add-erspan-v2",
    "erspan version 2 with direction and hardware id",
    "link add es1 type erspan remote 10.0.0.2 local 10.0.0.1 seq key 11 erspan_ver 2 erspan_dir egress erspan_hwid 7"
  ),
  link(
    "add-ip6gre",
    "ip6gre with hoplimit, encaplimit, tclass, flowlabel",
    "link add g6 type ip6gre remote 2001:db8::2 local 2001:db8::1 hoplimit 32 encaplimit 5 tclass 0x20 flowlabel 0x1234 key 3"
  ),
  link(
    "add-ip6gre-inherit",
    "ip6gre with encaplimit none, tclass/flowlabel inherit, allow-localremote, encap gue remcsum",
    "link add g7 type ip6gre remote 2001:db8::2 local 2001:db8::1 encaplimit none tclass inherit flowlabel inherit allow-localremote encap gue encap-sport auto encap-dport 6000 encap-remcsum"
  ),
  link(
    "add-ip6gretap",
    "ip6gretap with csum",
    "link add gt6 type ip6gretap remote 2001:db8::2 local 2001:db8::1 csum"
  ),
  link(
    "add-ip6erspan-v2",
    "ip6erspan version 2",
    "link add es6 type ip6erspan remote 2001:db8::2 local 2001:db8::1 seq key 12 erspan_ver 2 erspan_dir ingress erspan_hwid 3"
  ),
  link(
    "add-ipip",
    "ipip with ttl, tos, encap gue and remcsum",
    "link add t4 type ipip remote 10.0.0.2 local 10.0.0.1 ttl 64 tos 0x10 encap gue encap-sport 1000 encap-dport 6000 encap-remcsum dev d0"
  ),
  link(
    "add-ipip-any",
    "ipip mode any with fwmark",
    "link add t5 type ipip mode any remote 10.0.0.2 local 10.0.0.1 fwmark 3"
  ),
  link(
    "add-sit-6rd",
    "sit with 6rd prefix and relay prefix",
    "link add s0 type sit remote 10.0.0.2 local 10.0.0.1 ttl 64 6rd-prefix 2001:db8::/32 6rd-relay_prefix 10.0.0.0/8"
  ),
  link(
    "add-sit-isatap",
    "sit isatap (IFLA_IPTUN_FLAGS = SIT_ISATAP)",
    "link add s1 type sit local 10.0.0.1 isatap"
  ),
  link(
    "add-ip6tnl-ip6ip6",
    "ip6tnl mode ip6ip6 with encaplimit, hoplimit, tclass, flowlabel",
    "link add t6 type ip6tnl mode ip6ip6 remote 2001:db8::2 local 2001:db8::1 encaplimit 2 hoplimit 40 tclass 0x08 flowlabel 0x99"
  ),
  link(
    "add-ip6tnl-ipip6",
    "ip6tnl mode ipip6 with encaplimit none and dscp inherit",
    "link add t7 type ip6tnl mode ipip6 remote 2001:db8::2 local 2001:db8::1 encaplimit none dscp inherit"
  ),
  link(
    "add-ip6tnl-any",
    "ip6tnl mode any with encap fou",
    "link add t8 type ip6tnl mode any remote 2001:db8::2 local 2001:db8::1 encap fou encap-sport 1111 encap-dport 2222 encap-csum"
  ),
  link(
    "add-vti",
    "vti with keys and fwmark",
    "link add vti0 type vti remote 10.0.0.2 local 10.0.0.1 ikey 7 okey 8 fwmark 2"
  ),
  link(
    "add-vti6",
    "vti6 with key and underlying dev",
    "link add vti6 type vti6 remote 2001:db8::2 local 2001:db8::1 key 9 dev d0"
  )
]

/** xfrm, geneve, bareudp, ipvlan/ipvtap, nlmon, vcan (issue 11). */
const kindCases2: ReadonlyArray<GoldenCase> = [
  link("add-xfrm", "xfrm interface with if_id on d0", "link add xi0 type xfrm dev d0 if_id 7"),
  link("add-xfrm-external", "xfrm interface in metadata mode", "link add xi1 type xfrm external", {
    setup: []
  }),
  link(
    "add-geneve",
    "geneve with id, IPv4 remote, ttl, tos, df, dstport, udpcsum",
    "link add gn0 type geneve id 5 remote 10.0.0.2 ttl 64 tos 0x10 df set dstport 6082 udpcsum",
    { setup: [] }
  ),
  link(
    "add-geneve6",
    "geneve with IPv6 remote, flowlabel, ttl inherit, tos inherit, zero-csum options",
    "link add gn1 type geneve id 6 remote 2001:db8::2 flowlabel 0x99 ttl inherit tos inherit udp6zerocsumtx udp6zerocsumrx",
    { setup: [] }
  ),
  link("add-geneve-external", "geneve external", "link add gn2 type geneve external", { setup: [] }),
  link(
    "add-bareudp",
    "bareudp with dstport, ethertype mpls_uc, srcportmin, multiproto",
    "link add bu0 type bareudp dstport 6635 ethertype mpls_uc srcportmin 1000 multiproto",
    { setup: [] }
  ),
  link("add-bareudp-ipv4", "bareudp carrying IPv4", "link add bu1 type bareudp dstport 6636 ethertype ipv4", {
    setup: []
  }),
  link("add-ipvlan-l3", "ipvlan mode l3 on d0", "link add iv0 link d0 type ipvlan mode l3"),
  link("add-ipvlan-l2-private", "ipvlan mode l2 private", "link add iv1 link d0 type ipvlan mode l2 private"),
  link("add-ipvlan-l3s-vepa", "ipvlan mode l3s vepa", "link add iv2 link d0 type ipvlan mode l3s vepa"),
  link("add-ipvtap-l2-bridge", "ipvtap mode l2 bridge", "link add it0 link d0 type ipvtap mode l2 bridge"),
  link("add-nlmon", "nlmon: the kind alone", "link add nlmon0 type nlmon", { setup: [] }),
  link("add-vcan", "vcan: the kind alone", "link add vcan0 type vcan", { setup: [] })
]

/** wireguard, vxcan, hsr/prp, team, amt and gtp (iproute2 6.1 knows no netkit or ovpn). */
const kindCases3: ReadonlyArray<GoldenCase> = [
  link("add-wireguard", "wireguard: the kind alone", "link add wg0 type wireguard", { setup: [] }),
  link(
    "add-vxcan",
    "vxcan pair: peer in VXCAN_INFO_PEER (ifinfomsg + attrs)",
    "link add vc0 type vxcan peer name vc1",
    {
      setup: []
    }
  ),
  link(
    "add-hsr",
    "hsr on d0/d1 with supervision byte and version 1",
    "link add hsr0 type hsr slave1 d0 slave2 d1 supervision 45 version 1"
  ),
  link("add-prp", "prp: hsr with proto 1", "link add prp0 type hsr slave1 d0 slave2 d1 proto 1"),
  link("add-team", "team: the kind alone", "link add team0 type team", { setup: [] }),
  link(
    "add-amt-gateway",
    "amt gateway with local, discovery, dev and both ports",
    "link add amt0 type amt mode gateway local 10.0.0.1 discovery 10.0.0.2 dev d0 gateway_port 4000 relay_port 4001"
  ),
  link(
    "add-amt-relay",
    "amt relay with relay port and max tunnels",
    "link add amt1 type amt mode relay local 10.0.0.1 dev d0 relay_port 3000 max_tunnels 5"
  ),
  link(
    "add-gtp",
    "gtp sgsn with hsize and restart count (ip adds CREATE_SOCKETS)",
    "link add gtp0 type gtp role sgsn hsize 2000 restart_count 3",
    {
      setup: []
    }
  )
]

/** `routed6` plus nexthops 1 (via 10.1.2.1) and 2 (via 10.1.2.2) on d0. */
const withNexthops: ReadonlyArray<ReadonlyArray<string>> = [
  ...routed6,
  split("nexthop add id 1 via 10.1.2.1 dev d0"),
  split("nexthop add id 2 via 10.1.2.2 dev d0")
]
const nexthop = (
  name: string,
  doc: string,
  command: string,
  extra: Partial<GoldenCase> = {}
): GoldenCase => ({
  name: `nexthop-${name}`,
  doc,
  setup: routed6,
  command: split(command),
  types: [RTM_NEWNEXTHOP],
  ...extra
})

const nexthopCases: ReadonlyArray<GoldenCase> = [
  nexthop(
    "add-via",
    "IPv4 gateway and device: family inet, NHA_ID, NHA_GATEWAY, NHA_OIF",
    "nexthop add id 1 via 10.1.2.1 dev d0"
  ),
  nexthop(
    "add-onlink-proto",
    "onlink in nh_flags, protocol in the header",
    "nexthop add id 2 via 10.9.9.9 dev d0 onlink proto static"
  ),
  nexthop("add-blackhole", "NHA_BLACKHOLE, family inet", "nexthop add id 3 blackhole", {
    setup: [...routed6, split("link set lo up")]
  }),
  nexthop("add-ipv6", "IPv6 gateway: family inet6", "nexthop add id 4 via 2001:db8::2 dev d0"),
  nexthop("add-fdb", "NHA_FDB with a gateway and no device", "nexthop add id 5 via 10.1.2.1 fdb"),
  nexthop("add-dev", "device only", "nexthop add id 6 dev d0"),
  nexthop(
    "add-encap-mpls",
    "NHA_ENCAP_TYPE 1, NHA_ENCAP nest: MPLS_IPTUNNEL_DST label stack (bottom-of-stack bit on the last), TTL",
    "nexthop add id 7 encap mpls 100/200 ttl 5 via 10.1.2.1 dev d0"
  ),
  nexthop(
    "add-encap-ip",
    "NHA_ENCAP_TYPE 2: LWTUNNEL_IP_ID (be64), DST, SRC, TTL, TOS, FLAGS (be16 key|csum)",
    "nexthop add id 8 encap ip id 100 dst 10.9.9.9 src 10.1.2.3 tos 4 ttl 9 key csum dev d0"
  ),
  nexthop(
    "add-encap-ip6",
    "NHA_ENCAP_TYPE 4: LWTUNNEL_IP6_ID, DST, HOPLIMIT, TC",
    "nexthop add id 9 encap ip6 id 7 dst 2001:db8::9 hoplimit 3 tc 1 dev d0"
  ),
  nexthop(
    "add-group",
    "NHA_GROUP with weights (weight-1 on the wire), family unspec",
    "nexthop add id 10 group 1/2,3",
    {
      setup: withNexthops
    }
  ),
  nexthop(
    "add-resilient",
    "resilient group: NHA_GROUP_TYPE 1, NHA_RES_GROUP nest with buckets and timers in clock ticks",
    "nexthop add id 11 group 1/2,3 type resilient buckets 32 idle_timer 100 unbalanced_timer 200",
    { setup: withNexthops }
  ),
  nexthop("add-fdb-group", "group of fdb nexthops with NHA_FDB", "nexthop add id 12 group 5 fdb", {
    setup: [...routed6, split("nexthop add id 5 via 10.1.2.1 fdb")]
  }),
  nexthop("replace", "NLM_F_CREATE|NLM_F_REPLACE", "nexthop replace id 1 via 10.1.2.2 dev d0", {
    setup: withNexthops
  }),
  nexthop("del", "RTM_DELNEXTHOP with NHA_ID only", "nexthop del id 1", {
    setup: withNexthops,
    types: [RTM_DELNEXTHOP]
  }),
  nexthop("get", "RTM_GETNEXTHOP for one id", "nexthop get id 1", {
    setup: withNexthops,
    types: [RTM_GETNEXTHOP]
  }),
  nexthop(
    "bucket-get",
    "one bucket: NHA_ID and NHA_RES_BUCKET { INDEX }",
    "nexthop bucket get id 11 index 3",
    {
      setup: [...withNexthops, split("nexthop add id 11 group 1/2 type resilient buckets 8")],
      types: [RTM_GETNEXTHOPBUCKET]
    }
  ),
  {
    name: "route-add-encap-mpls",
    doc: "RTA_ENCAP_TYPE 1 and the RTA_ENCAP nest: label stack 100/200, ttl 5",
    setup: routed,
    command: split("route add 10.5.0.0/16 encap mpls 100/200 ttl 5 via 10.1.2.1 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-encap-ip",
    doc: "RTA_ENCAP_TYPE 2: LWTUNNEL_IP_ID (be64), DST, SRC, TOS, TTL, FLAGS (be16 key|csum)",
    setup: routed,
    command: split(
      "route add 10.6.0.0/16 encap ip id 100 dst 10.9.9.9 src 10.1.2.3 tos 4 ttl 9 key csum dev d0"
    ),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-encap-ip6",
    doc: "RTA_ENCAP_TYPE 4: LWTUNNEL_IP6_ID, DST, HOPLIMIT, TC",
    setup: routed,
    command: split("route add 10.7.0.0/16 encap ip6 id 7 dst 2001:db8::9 hoplimit 3 tc 1 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-encap-seg6",
    doc: "RTA_ENCAP_TYPE 5: SEG6_IPTUNNEL_SRH = mode 1 (encap) + SRH with the segments last-visited first",
    setup: routed6,
    command: split("route add 10.12.0.0/16 encap seg6 mode encap segs 2001:db8::a,2001:db8::b dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-encap-seg6-inline",
    doc: "seg6 inline: mode 0, an SRH with one more (zero) segment for the final destination",
    setup: routed6,
    command: split("route add 2001:db8:5::/48 encap seg6 mode inline segs 2001:db8::c dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-encap-seg6-hmac",
    doc: "seg6 with an HMAC TLV: flag 0x08, SR6_TLV_HMAC with the key id",
    setup: routed6,
    command: split("route add 10.13.0.0/16 encap seg6 mode l2encap segs 2001:db8::a hmac 7 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-encap-multipath",
    doc: "per-nexthop RTA_ENCAP_TYPE/RTA_ENCAP inside RTA_MULTIPATH records",
    setup: routed,
    command: split(
      "route add 10.8.0.0/16 nexthop encap ip id 1 dst 10.9.9.1 dev d0 nexthop encap ip id 2 dst 10.9.9.2 dev d0"
    ),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-nhid",
    doc: "route using a nexthop object: RTA_NH_ID",
    setup: withNexthops,
    command: split("route add 10.6.0.0/16 nhid 1"),
    types: [RTM_NEWROUTE]
  }
]

const macsecLinkCases: ReadonlyArray<GoldenCase> = [
  link("add-macsec", "macsec on d0 with no options", "link add link d0 m0 type macsec"),
  link(
    "add-macsec-options",
    "macsec with port, icvlen, cipher, encrypt, send_sci off, end_station, replay window, validate check, encodingsa",
    "link add link d0 m1 type macsec port 7 icvlen 12 cipher gcm-aes-256 encrypt on send_sci off end_station on replay on window 64 validate check encodingsa 2"
  ),
  link(
    "add-macsec-sci-xpn",
    "macsec with an explicit sci, cipher gcm-aes-xpn-128, scb, protect off, offload off",
    "link add link d0 m2 type macsec sci 02aabbccddee0009 cipher gcm-aes-xpn-128 scb on protect off offload off"
  ),
  link(
    "add-macsec-gcm-aes-128",
    "macsec with cipher gcm-aes-128 (MACSEC_CIPHER_ID_GCM_AES_128), validate disabled, encrypt off",
    "link add link d0 m3 type macsec cipher gcm-aes-128 validate disabled encrypt off"
  ),
  link(
    "add-macsec-xpn-256",
    "macsec with cipher gcm-aes-xpn-256, icvlen 16",
    "link add link d0 m4 type macsec cipher gcm-aes-xpn-256 icvlen 16"
  )
]

/** Traffic control, second half (issue 13): classful schedulers and the multi-queue kinds. */
const vethMq: ReadonlyArray<string> = split("link add d0 numtxqueues 8 type veth peer name d1")
const tcSchedCases: ReadonlyArray<GoldenCase> = [
  tc(
    "hfsc-qdisc",
    "hfsc: struct tc_hfsc_qopt (defcls, hexadecimal)",
    "qdisc add dev d0 root handle 1: hfsc default 10"
  ),
  tc("hfsc-qdisc-plain", "hfsc without default: defcls 0", "qdisc add dev d0 root handle 1: hfsc"),
  tc(
    "hfsc-class-sc-ul",
    "hfsc class: sc (RSC and FSC) with m1/d/m2 and ul",
    "class add dev d0 parent 1: classid 1:10 hfsc sc m1 10mbit d 10ms m2 5mbit ul m2 20mbit"
  ),
  tc(
    "hfsc-class-rt-ls",
    "hfsc class: rt and ls apart, umax/dmax/rate form",
    "class add dev d0 parent 1: classid 1:20 hfsc rt umax 1500b dmax 5ms rate 2mbit ls m2 3mbit"
  ),
  tc("drr-qdisc", "drr: kind alone", "qdisc add dev d0 root handle 1: drr"),
  tc("drr-class", "drr class quantum", "class add dev d0 parent 1: classid 1:10 drr quantum 3000"),
  tc("drr-class-plain", "drr class without quantum", "class add dev d0 parent 1: classid 1:11 drr"),
  tc("qfq-qdisc", "qfq: kind alone", "qdisc add dev d0 root handle 1: qfq"),
  tc(
    "qfq-class",
    "qfq class weight and maxpkt (LMAX)",
    "class add dev d0 parent 1: classid 1:10 qfq weight 10 maxpkt 2000"
  ),
  tc(
    "ets-qdisc",
    "ets bands, strict, quanta, priomap (nests of QUANTA_BAND / PRIOMAP_BAND)",
    "qdisc add dev d0 root handle 1: ets bands 5 strict 2 quanta 1500 3000 4500 priomap 0 1 2 3 4 4 4 4 3 3 3 3 2 2 2 2"
  ),
  tc("ets-qdisc-strict", "ets strict only", "qdisc add dev d0 root handle 1: ets strict 3"),
  tc("ets-class", "ets class change: quantum", "class change dev d0 classid 1:3 ets quantum 4000"),
  tc("mq", "mq: kind alone", "qdisc add dev d0 root handle 1: mq", { setup: [vethMq] }),
  tc("multiq", "multiq: struct tc_multiq_qopt (zero)", "qdisc add dev d0 root handle 1: multiq", {
    setup: [vethMq]
  }),
  tc(
    "mqprio-basic",
    "mqprio: struct tc_mqprio_qopt (num_tc, map, queues, hw)",
    "qdisc add dev d0 root handle 1: mqprio num_tc 2 map 0 0 0 0 1 1 1 1 queues 4@0 4@4 hw 0",
    { setup: [vethMq] }
  ),
  tc(
    "mqprio-channel",
    "mqprio mode channel, shaper bw_rlimit, min/max rates (TCA_MQPRIO_MIN_RATE64 nests)",
    "qdisc add dev d0 root handle 1: mqprio num_tc 2 map 0 0 0 0 1 1 1 1 queues 4@0 4@4 hw 1 mode channel shaper bw_rlimit min_rate 1mbit 2mbit max_rate 10mbit 20gbit",
    { setup: [vethMq] }
  ),
  tc(
    "taprio",
    "taprio: priomap, base time, entries (S gate masks, intervals), clockid",
    "qdisc add dev d0 root handle 1: taprio num_tc 2 map 0 0 0 0 1 1 1 1 queues 4@0 4@4 base-time 1000000000 sched-entry S 01 300000 sched-entry S 02 200000 clockid CLOCK_TAI",
    { setup: [vethMq] }
  ),
  tc(
    "taprio-full",
    "taprio with cycle-time, cycle-time-extension, flags (txtime-assist), txtime-delay",
    "qdisc add dev d0 root handle 1: taprio num_tc 3 map 0 1 2 2 2 2 2 2 queues 1@0 1@1 2@2 base-time 200 sched-entry S 03 100000 sched-entry S 04 150000 sched-entry S ff 50000 cycle-time 400000 cycle-time-extension 1000 flags 0x1 txtime-delay 200000 clockid CLOCK_TAI",
    { setup: [vethMq] }
  ),
  tc(
    "etf",
    "etf: struct tc_etf_qopt (clockid, delta, deadline_mode, skip_sock_check)",
    "qdisc add dev d0 parent 1:1 etf clockid CLOCK_TAI delta 300000 deadline_mode skip_sock_check"
  ),
  tc(
    "etf-offload",
    "etf with offload",
    "qdisc add dev d0 parent 1:2 etf clockid CLOCK_TAI delta 100 offload"
  ),
  tc(
    "cbs",
    "cbs: struct tc_cbs_qopt (idleslope, sendslope, hicredit, locredit, offload)",
    "qdisc add dev d0 parent 1:1 cbs idleslope 98688 sendslope -901312 hicredit 153 locredit -1389 offload 0"
  )
]

const RTM_GETNEIGH = 30
const RTM_SETNEIGHTBL = 67

/** Neighbour tables (issue 15): `ip ntable change`. */
const ntableCases: ReadonlyArray<GoldenCase> = [
  {
    name: "ntable-change-table",
    doc: "RTM_SETNEIGHTBL: NDTA_NAME, thresholds and gc interval of the table",
    setup: routed,
    command: split("ntable change name arp_cache thresh1 256 thresh2 1024 thresh3 2048 gc_int 40000"),
    types: [RTM_SETNEIGHTBL]
  },
  {
    name: "ntable-change-dev",
    doc: "RTM_SETNEIGHTBL: NDTA_PARMS of one device (NDTPA_IFINDEX) with every parameter ip sets",
    setup: routed,
    command: split(
      "ntable change name arp_cache dev d0 base_reachable 20000 retrans 2000 gc_stale 70000 delay_probe 6000 queue 11 app_probes 1 ucast_probes 4 mcast_probes 5 anycast_delay 900 proxy_delay 700 proxy_queue 70 locktime 1100"
    ),
    types: [RTM_SETNEIGHTBL]
  },
  {
    name: "ntable-change-ipv6",
    doc: "RTM_SETNEIGHTBL for ndisc_cache (ip -6: ndtm_family AF_INET6), the table's default parameters",
    setup: routed,
    command: split("-6 ntable change name ndisc_cache base_reachable 25000"),
    types: [RTM_SETNEIGHTBL]
  }
]

/** Neighbor.get (issue 15): RTM_GETNEIGH for one entry. */
const neighGetCases: ReadonlyArray<GoldenCase> = [
  neigh(
    "get",
    "RTM_GETNEIGH with NLM_F_REQUEST only: ndm_family, ndm_ifindex, NDA_DST",
    "neigh get 10.1.2.9 dev d0",
    {
      setup: [...routed, split("neigh add 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0")],
      types: [RTM_GETNEIGH]
    }
  ),
  neigh("get-proxy", "RTM_GETNEIGH for a proxy entry: NTF_PROXY", "neigh get proxy 10.1.2.10 dev d0", {
    setup: [...routed, split("neigh add proxy 10.1.2.10 dev d0")],
    types: [RTM_GETNEIGH]
  })
]

/** MPLS routes (issue 15): AF_MPLS label routes (the host has no mpls_router: rejected, captured). */
const mplsCases: ReadonlyArray<GoldenCase> = [
  {
    name: "mpls-route-add",
    doc: "AF_MPLS route: RTA_DST label (bottom of stack), RTA_NEWDST stack, RTA_VIA inet, RTA_OIF",
    setup: routed6,
    command: split("-f mpls route add 100 as 200/300 via inet 10.1.2.1 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "mpls-route-add-via6",
    doc: "AF_MPLS route via inet6 with ttl-propagate enabled (RTA_TTL_PROPAGATE 1)",
    setup: routed6,
    command: split("-f mpls route add 101 via inet6 2001:db8::2 dev d0 ttl-propagate enabled"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "mpls-route-add-dev",
    doc: "AF_MPLS route to a device only (label pop)",
    setup: routed6,
    command: split("-f mpls route add 102 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "mpls-route-add-multipath",
    doc: "AF_MPLS multipath: rtnexthop records with RTA_NEWDST and RTA_VIA each",
    setup: routed6,
    command: split(
      "-f mpls route add 103 nexthop as 300 via inet 10.1.2.1 dev d0 nexthop as 301 via inet 10.1.2.2 dev d0"
    ),
    types: [RTM_NEWROUTE]
  },
  {
    name: "mpls-route-replace",
    doc: "AF_MPLS replace with ttl-propagate disabled (RTA_TTL_PROPAGATE 0)",
    setup: routed6,
    command: split("-f mpls route replace 100 as 400 via inet 10.1.2.1 dev d0 ttl-propagate disabled"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "mpls-route-del",
    doc: "AF_MPLS delete: the label only",
    setup: routed6,
    command: split("-f mpls route del 100"),
    types: [RTM_DELROUTE]
  }
]

/** Route attributes (issue 15): realms, expires, congctl lock, fastopen_no_cookie, get fibmatch/connected. */
const routeAttrCases: ReadonlyArray<GoldenCase> = [
  {
    name: "route-add-realms",
    doc: "RTA_FLOW: realms FROM/TO as (from << 16) | to",
    setup: routed,
    command: split("route add 10.31.0.0/16 dev d0 realms 3/5"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-expires",
    doc: "RTA_EXPIRES: u32 seconds (IPv6)",
    setup: routed6,
    command: split("route add 2001:db8:9::/48 dev d0 expires 100"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-congctl-lock",
    doc: "RTA_METRICS: RTAX_CC_ALGO string, RTAX_LOCK bit 16, RTAX_FASTOPEN_NO_COOKIE",
    setup: routed,
    command: split("route add 10.32.0.0/16 dev d0 congctl lock cubic fastopen_no_cookie 1"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-get-fibmatch",
    doc: "RTM_GETROUTE with RTM_F_FIB_MATCH (and RTM_F_LOOKUP_TABLE)",
    setup: [...routed, split("route add 10.2.0.0/16 via 10.1.2.1")],
    command: split("route get fibmatch 10.2.3.4"),
    types: [RTM_GETROUTE]
  },
  {
    name: "route-get-connected",
    doc: "route get connected: the lookup, then the answer sent back with RTA_PREFSRC as RTA_SRC",
    setup: [...routed, split("route add 10.2.0.0/16 via 10.1.2.1")],
    command: split("route get 10.2.3.4 connected"),
    types: [RTM_GETROUTE]
  }
]

/** Route encapsulation, remainder (issue 15): seg6local actions, flavors and counters, ioam6. */
const encapCases2: ReadonlyArray<GoldenCase> = [
  {
    name: "route-add-seg6local-end",
    doc: "seg6local End: SEG6_LOCAL_ACTION 1 only",
    setup: routed6,
    command: split("route add fc00::1/128 encap seg6local action End dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-x",
    doc: "seg6local End.X: SEG6_LOCAL_NH6",
    setup: routed6,
    command: split("route add fc00::2/128 encap seg6local action End.X nh6 2001:db8::2 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-t",
    doc: "seg6local End.T: SEG6_LOCAL_TABLE",
    setup: routed6,
    command: split("route add fc00::3/128 encap seg6local action End.T table 100 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-dx2",
    doc: "seg6local End.DX2: SEG6_LOCAL_OIF (ifindex)",
    setup: routed6,
    command: split("route add fc00::4/128 encap seg6local action End.DX2 oif d1 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-dx6",
    doc: "seg6local End.DX6: SEG6_LOCAL_NH6",
    setup: routed6,
    command: split("route add fc00::5/128 encap seg6local action End.DX6 nh6 2001:db8::3 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-dx4",
    doc: "seg6local End.DX4: SEG6_LOCAL_NH4",
    setup: routed6,
    command: split("route add fc00::6/128 encap seg6local action End.DX4 nh4 10.1.2.1 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-dt6",
    doc: "seg6local End.DT6 with table: SEG6_LOCAL_TABLE",
    setup: routed6,
    command: split("route add fc00::7/128 encap seg6local action End.DT6 table 100 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-dt6-vrf",
    doc: "seg6local End.DT6 with vrftable: SEG6_LOCAL_VRFTABLE",
    setup: routed6,
    command: split("route add fc00::8/128 encap seg6local action End.DT6 vrftable 100 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-dt4",
    doc: "seg6local End.DT4: SEG6_LOCAL_VRFTABLE",
    setup: routed6,
    command: split("route add fc00::9/128 encap seg6local action End.DT4 vrftable 100 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-dt46",
    doc: "seg6local End.DT46: SEG6_LOCAL_VRFTABLE",
    setup: routed6,
    command: split("route add fc00::a/128 encap seg6local action End.DT46 vrftable 100 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-b6",
    doc: "seg6local End.B6: SEG6_LOCAL_SRH (ipv6_sr_hdr with a zero slot for the final destination)",
    setup: routed6,
    command: split(
      "route add fc00::b/128 encap seg6local action End.B6 srh segs 2001:db8::a,2001:db8::b dev d0"
    ),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-b6-encaps",
    doc: "seg6local End.B6.Encaps: SEG6_LOCAL_SRH with an HMAC TLV",
    setup: routed6,
    command: split(
      "route add fc00::c/128 encap seg6local action End.B6.Encaps srh segs 2001:db8::a hmac 5 dev d0"
    ),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-bm",
    doc: "seg6local End.BM: SRH (the kernel has no such behaviour: rejected, captured)",
    setup: routed6,
    command: split("route add fc00::d/128 encap seg6local action End.BM srh segs 2001:db8::a dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-s",
    doc: "seg6local End.S: table (rejected by the kernel, captured)",
    setup: routed6,
    command: split("route add fc00::e/128 encap seg6local action End.S table 100 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-as",
    doc: "seg6local End.AS: action only (rejected by the kernel, captured)",
    setup: routed6,
    command: split("route add fc00::f/128 encap seg6local action End.AS dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-end-am",
    doc: "seg6local End.AM: action only (rejected by the kernel, captured)",
    setup: routed6,
    command: split("route add fc00::10/128 encap seg6local action End.AM dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-count",
    doc: "seg6local count: an empty SEG6_LOCAL_COUNTERS nest",
    setup: routed6,
    command: split("route add fc00::11/128 encap seg6local action End count dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-flavors",
    doc: "seg6local flavors psp,usd: SEG6_LOCAL_FLAVORS { OPERATION bitmask }",
    setup: routed6,
    command: split("route add fc00::12/128 encap seg6local action End flavors psp,usd dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-seg6local-next-csid",
    doc: "seg6local flavors next-csid lblen 24 nflen 8: OPERATION, LCBLOCK_BITS, LCNODE_FN_BITS",
    setup: routed6,
    command: split(
      "route add fc00::13/128 encap seg6local action End flavors next-csid lblen 24 nflen 8 dev d0"
    ),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-ioam6",
    doc: "ioam6 inline trace: IOAM6_IPTUNNEL_MODE, IOAM6_IPTUNNEL_TRACE (namespace, remlen, type)",
    setup: routed6,
    command: split("route add fc00::20/128 encap ioam6 trace prealloc type 0x800000 ns 1 size 12 dev d0"),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-ioam6-encap",
    doc: "ioam6 encap mode with tundst: IOAM6_IPTUNNEL_DST",
    setup: routed6,
    command: split(
      "route add fc00::21/128 encap ioam6 mode encap tundst 2001:db8::9 trace prealloc type 0xc00000 ns 7 size 16 dev d0"
    ),
    types: [RTM_NEWROUTE]
  },
  {
    name: "route-add-ioam6-auto",
    doc: "ioam6 auto mode with tundst",
    setup: routed6,
    command: split(
      "route add fc00::22/128 encap ioam6 mode auto tundst 2001:db8::9 trace prealloc type 0x800000 ns 2 size 8 dev d0"
    ),
    types: [RTM_NEWROUTE]
  }
]

/** Qdisc kinds, first half (issue 13): netem, fq, sfq, red, cake, pie, fq_pie, hhf, skbprio, plug, choke, sfb, gred. */
const qdiscCases1: ReadonlyArray<GoldenCase> = [
  tc(
    "netem-default",
    "netem without options: struct tc_netem_qopt with limit 1000",
    "qdisc add dev d0 root netem"
  ),
  tc(
    "netem-delay-dist",
    "netem delay, jitter, correlation, distribution normal (DELAY_DIST), limit",
    "qdisc add dev d0 root handle 1: netem delay 100ms 10ms 25% distribution normal limit 2000"
  ),
  tc(
    "netem-pareto",
    "netem delay with the paretonormal table",
    "qdisc add dev d0 root netem delay 20ms 5ms distribution paretonormal"
  ),
  tc(
    "netem-loss-random",
    "netem loss random with correlation, duplicate, reorder with gap, corrupt",
    "qdisc add dev d0 root netem delay 10ms loss random 1% 25% duplicate 2% 10% reorder 5% 50% gap 3 corrupt 0.1% 5%"
  ),
  tc(
    "netem-loss-state",
    "netem loss state: the 4-state model (NETEM_LOSS_GI)",
    "qdisc add dev d0 root netem loss state 1% 10% 20% 30% 40%"
  ),
  tc(
    "netem-loss-gemodel",
    "netem loss gemodel (NETEM_LOSS_GE) and ecn",
    "qdisc add dev d0 root netem loss gemodel 1% 10% 70% 0.1% ecn"
  ),
  tc(
    "netem-rate",
    "netem rate with packet overhead, cell size and cell overhead",
    "qdisc add dev d0 root netem rate 10mbit 20 100 -5"
  ),
  tc("netem-rate64", "netem rate above 2^32 bytes/s: RATE64", "qdisc add dev d0 root netem rate 50gbit"),
  tc(
    "netem-slot",
    "netem slot min/max delay with packets and bytes",
    "qdisc add dev d0 root netem slot 1ms 5ms packets 10 bytes 2000"
  ),
  tc(
    "netem-slot-dist",
    "netem slot distribution (SLOT_DIST)",
    "qdisc add dev d0 root netem slot distribution pareto 1ms 200us packets 5"
  ),
  tc("fq-default", "fq without options", "qdisc add dev d0 root fq"),
  tc(
    "fq-options",
    "fq with the options tc 6.1 knows",
    "qdisc add dev d0 root handle 1: fq limit 5000 flow_limit 50 quantum 3028 initial_quantum 15140 maxrate 1gbit buckets 2048 orphan_mask 511 refill_delay 20ms low_rate_threshold 275kbit ce_threshold 4ms timer_slack 20us horizon 5s horizon_cap nopacing"
  ),
  tc("sfq-default", "sfq without options: struct tc_sfq_qopt_v1", "qdisc add dev d0 root sfq"),
  tc(
    "sfq-options",
    "sfq with perturb, quantum, limit, divisor, flows, depth, headdrop",
    "qdisc add dev d0 root handle 1: sfq perturb 10 quantum 1514 limit 200 divisor 2048 flows 100 depth 64 headdrop"
  ),
  tc(
    "sfq-red",
    "sfq with RED per flow (redflowlimit, min, max, avpkt, burst, probability, ecn, harddrop)",
    "qdisc add dev d0 root sfq limit 3000 depth 64 redflowlimit 100000 min 8000 max 60000 avpkt 1000 burst 20 probability 0.2 ecn harddrop"
  ),
  tc(
    "red-options",
    "red: PARMS, STAB from bandwidth, MAX_P, flags ecn adaptive",
    "qdisc add dev d0 root handle 1: red limit 400000 min 30000 max 90000 avpkt 1000 burst 55 ecn adaptive bandwidth 10mbit probability 0.05"
  ),
  tc(
    "red-defaults",
    "red with only limit and avpkt: tc's thresholds, burst and 10mbit",
    "qdisc add dev d0 root red limit 100000 avpkt 1500"
  ),
  tc(
    "red-nodrop",
    "red nodrop and harddrop (TCA_RED_FLAGS)",
    "qdisc add dev d0 root red limit 100000 min 10000 max 30000 avpkt 1000 harddrop nodrop ecn"
  ),
  tc("cake-default", "cake without options", "qdisc add dev d0 root cake"),
  tc(
    "cake-options",
    "cake: bandwidth, diffserv4, dual-srchost, nat, wash, ack-filter, no-split-gso, rtt, memlimit, fwmark, overhead, mpu, atm, ingress",
    "qdisc add dev d0 root handle 1: cake bandwidth 100mbit diffserv4 dual-srchost nat wash ack-filter no-split-gso rtt 50ms memlimit 32mb fwmark 0xff overhead 18 mpu 64 atm ingress"
  ),
  tc(
    "cake-ptm",
    "cake: unlimited, besteffort, flows, nonat, nowash, ack-filter-aggressive, ptm, negative overhead, egress",
    "qdisc add dev d0 root cake unlimited besteffort flows nonat nowash ack-filter-aggressive ptm overhead -4 egress"
  ),
  tc(
    "cake-raw",
    "cake: autorate-ingress, diffserv8, triple-isolate, raw, noatm, satellite",
    "qdisc add dev d0 root cake autorate-ingress diffserv8 triple-isolate raw noatm satellite"
  ),
  tc(
    "cake-precedence",
    "cake: precedence, hosts, conservative, lan",
    "qdisc add dev d0 root cake bandwidth 1gbit precedence hosts conservative lan"
  ),
  tc("pie-default", "pie without options", "qdisc add dev d0 root pie"),
  tc(
    "pie-options",
    "pie with every option",
    "qdisc add dev d0 root handle 1: pie limit 2000 target 20ms tupdate 30ms alpha 2 beta 20 ecn bytemode dq_rate_estimator"
  ),
  tc("fq-pie-default", "fq_pie without options", "qdisc add dev d0 root fq_pie"),
  tc(
    "fq-pie-options",
    "fq_pie with every option",
    "qdisc add dev d0 root handle 1: fq_pie limit 2048 flows 256 target 10ms tupdate 20ms alpha 3 beta 30 quantum 1500 memory_limit 16mb ecn_prob 20 ecn bytemode dq_rate_estimator"
  ),
  tc(
    "hhf-options",
    "hhf with every option",
    "qdisc add dev d0 root handle 1: hhf limit 2000 quantum 1514 hh_limit 1024 reset_timeout 50ms admit_bytes 131072 evict_timeout 1s non_hh_weight 3"
  ),
  tc("skbprio-limit", "skbprio limit (struct tc_skbprio_qopt)", "qdisc add dev d0 root skbprio limit 100"),
  tc("plug-limit", "plug limit: TCQ_PLUG_LIMIT", "qdisc add dev d0 root handle 1: plug limit 1000"),
  tc(
    "plug-release-one",
    "plug release (TCQ_PLUG_RELEASE_ONE)",
    "qdisc change dev d0 root handle 1: plug release",
    {
      setup: [veth, split("tc qdisc add dev d0 root handle 1: plug")],
      setupMayFail: true
    }
  ),
  tc(
    "choke-options",
    "choke: PARMS in packets, STAB, MAX_P, ecn",
    "qdisc add dev d0 root handle 1: choke limit 1000 bandwidth 10mbit min 100 max 300 avpkt 1000 burst 200 probability 0.05 ecn"
  ),
  tc(
    "sfb-options",
    "sfb with every option",
    "qdisc add dev d0 root handle 1: sfb rehash 600000 db 60000 limit 100 max 25 target 20 increment 0.0005 decrement 0.00005 penalty_rate 10 penalty_burst 20"
  ),
  tc(
    "gred-setup",
    "gred setup: DPS with 4 virtual queues, default 0, grio",
    "qdisc add dev d0 root handle 1: gred setup vqs 4 default 0 grio"
  ),
  tc(
    "gred-vq",
    "gred change of one virtual queue: PARMS (16 entries), STAB, MAX_P, LIMIT",
    "qdisc change dev d0 root handle 1: gred limit 60KB min 15KB max 45KB burst 20 avpkt 1000 bandwidth 10mbit DP 1 probability 0.1 prio 2",
    {
      setup: [veth, split("tc qdisc add dev d0 root handle 1: gred setup vqs 4 default 0 grio")],
      setupMayFail: true
    }
  )
]

const RTM_NEWLINKPROP = 108
const RTM_DELLINKPROP = 109
const RTM_GETLINK = 18
const LONG_ALT = "uplink-to-the-datacenter-core-switch"
const vxlanOnD0: ReadonlyArray<string> = split("link add vx0 type vxlan id 42 dstport 4789 dev d0")

/** Link settings of issue 11 and lookups by alternative name (issue 20). */
const linkAttrCases: ReadonlyArray<GoldenCase> = [
  link(
    "set-gso",
    "IFLA_GSO_MAX_SIZE and IFLA_GSO_MAX_SEGS",
    "link set d0 gso_max_size 32768 gso_max_segs 100"
  ),
  link("set-gro", "IFLA_GRO_MAX_SIZE", "link set d0 gro_max_size 32768"),
  link(
    "set-addrgenmode",
    "IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE } }",
    "link set d0 addrgenmode none"
  ),
  link(
    "set-protodown",
    "IFLA_PROTO_DOWN on a vxlan (a device that supports it)",
    "link set vx0 protodown on",
    {
      setup: [veth, vxlanOnD0]
    }
  ),
  link("set-xdp-off", "IFLA_XDP { IFLA_XDP_FD -1 } (detach, any mode)", "link set d0 xdp off"),
  link("set-xdpgeneric-off", "IFLA_XDP { FD -1, FLAGS XDP_FLAGS_SKB_MODE }", "link set d0 xdpgeneric off"),
  link(
    "set-vf-mac",
    "IFLA_VFINFO_LIST { IFLA_VF_INFO { IFLA_VF_MAC } } (the host has no SR-IOV: captured, refused)",
    "link set d0 vf 0 mac 02:00:00:00:00:05"
  ),
  link(
    "set-vf-options",
    "IFLA_VF_VLAN, IFLA_VF_SPOOFCHK, IFLA_VF_LINK_STATE, IFLA_VF_TRUST of VF 1 (ip keeps the command order: given in the spec's; captured, refused)",
    "link set d0 vf 1 vlan 10 qos 3 spoofchk off state enable trust on"
  ),
  {
    name: "token-set",
    doc: "ip token set: RTM_SETLINK, family AF_INET6, IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_TOKEN } }",
    setup: [veth],
    command: split("token set ::1a dev d0"),
    types: [RTM_SETLINK]
  },
  link(
    "altname-add",
    "RTM_NEWLINKPROP with IFLA_PROP_LIST { IFLA_ALT_IFNAME }",
    `link property add dev d0 altname ${LONG_ALT}`,
    {
      types: [RTM_NEWLINKPROP]
    }
  ),
  link(
    "altname-del",
    "RTM_DELLINKPROP with IFLA_PROP_LIST { IFLA_ALT_IFNAME }",
    `link property del dev d0 altname ${LONG_ALT}`,
    {
      setup: [veth, split(`link property add dev d0 altname ${LONG_ALT}`)],
      types: [RTM_DELLINKPROP]
    }
  ),
  link(
    "set-type-vxlan",
    "kind options via ip link set: IFLA_LINKINFO with only the changed vxlan data",
    "link set vx0 type vxlan ttl 10 ageing 100",
    { setup: [veth, vxlanOnD0] }
  ),
  link(
    "set-type-bridge",
    "kind options via ip link set: bridge stp_state",
    "link set br0 type bridge stp_state 1",
    {
      setup: [bridge]
    }
  ),
  link(
    "set-type-macvlan",
    "kind options via ip link set: macvlan mode",
    "link set mv0 type macvlan mode private",
    {
      setup: [veth, split("link add mv0 link d0 type macvlan mode bridge")]
    }
  ),
  link(
    "get-by-altname",
    "a lookup by a name longer than 15 bytes: RTM_GETLINK with IFLA_ALT_IFNAME",
    `link show dev ${LONG_ALT}`,
    {
      setup: [veth, split(`link property add dev d0 altname ${LONG_ALT}`)],
      types: [RTM_GETLINK]
    }
  )
]

/** Filters, chains and actions: `tc filter|chain|action ...` on d0 (clsact) of a veth pair. */
const RTM_NEWTFILTER = 44
const RTM_DELTFILTER = 45
const RTM_NEWACTION = 48
const RTM_DELACTION = 49
const RTM_GETACTION = 50
const RTM_NEWCHAIN = 100
const RTM_DELCHAIN = 101
const clsact: ReadonlyArray<ReadonlyArray<string>> = [veth, split("tc qdisc add dev d0 clsact")]
const tcf = (name: string, doc: string, command: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  name: `tcf-${name}`,
  doc,
  setup: clsact,
  command: split(command),
  types: [RTM_NEWTFILTER, RTM_DELTFILTER, RTM_NEWCHAIN, RTM_DELCHAIN, RTM_NEWQDISC],
  tool: "tc",
  setupMayFail: true,
  ...extra
})
const tca = (name: string, doc: string, command: string): GoldenCase =>
  tcf(name, doc, command, { types: [RTM_NEWACTION, RTM_DELACTION, RTM_GETACTION] })

const tcFilterCases: ReadonlyArray<GoldenCase> = [
  tcf(
    "u32-src",
    "u32 match ip src prefix: one key at 12",
    "filter add dev d0 ingress protocol ip pref 10 u32 match ip src 10.0.0.0/8"
  ),
  tcf(
    "u32-ports-classid",
    "u32 protocol/dport keys, handle, classid (terminal)",
    "filter add dev d0 ingress protocol ip pref 11 handle 800::5 u32 match ip protocol 6 0xff match ip dport 80 0xffff classid 1:10"
  ),
  tcf(
    "u32-ip6-tcp",
    "u32 ip6 dst /40 (two keys) and tcp dst at nexthdr+2 on egress",
    "filter add dev d0 egress protocol ipv6 pref 12 u32 match ip6 dst 2001:db8::/40 match tcp dst 22 0xffff"
  ),
  tcf(
    "u32-divisor",
    "u32 hash table: TCA_U32_DIVISOR, no selector",
    "filter add dev d0 ingress protocol ip pref 20 handle 2: u32 divisor 256"
  ),
  tcf(
    "u32-link-hashkey",
    "u32 link to a table with hashkey (sel hmask/hoff)",
    "filter add dev d0 ingress protocol ip pref 20 u32 link 2: hashkey mask 0x000000ff at 16 match ip protocol 17 0xff"
  ),
  tcf(
    "u32-ht",
    "u32 node placed in table 2 bucket a (TCA_U32_HASH)",
    "filter add dev d0 ingress protocol ip pref 20 handle 2:a:1 u32 ht 2:a: match ip dst 10.0.0.10/32 classid 1:1"
  ),
  tcf(
    "matchall-gact",
    "matchall with gact drop (TCA_MATCHALL_ACT nest)",
    "filter add dev d0 ingress pref 1 matchall action gact drop"
  ),
  tcf(
    "matchall-skip-goto",
    "matchall in chain 3, skip_hw, gact goto chain 5",
    "filter add dev d0 ingress pref 2 chain 3 matchall skip_hw action gact goto chain 5"
  ),
  tcf(
    "matchall-gact-random",
    "gact with TCA_GACT_PROB (determ)",
    "filter add dev d0 ingress pref 2 matchall action gact pass random determ drop 10"
  ),
  tcf(
    "matchall-mirred",
    "mirred egress redirect to a device",
    "filter add dev d0 ingress pref 3 matchall action mirred egress redirect dev d1"
  ),
  tcf(
    "matchall-mirred-mirror",
    "mirred ingress mirror (control pipe)",
    "filter add dev d0 ingress pref 3 matchall action mirred ingress mirror dev d1"
  ),
  tcf(
    "matchall-police",
    "police rate/burst with the rate table, conform-exceed drop/pass",
    "filter add dev d0 ingress pref 4 matchall action police rate 1mbit burst 10k conform-exceed drop/pass"
  ),
  tcf(
    "matchall-police-peak",
    "police with peakrate, mtu, mpu, overhead",
    "filter add dev d0 ingress pref 4 matchall action police rate 8mbit burst 32k mtu 1600 peakrate 10mbit mpu 64 overhead 4 conform-exceed drop"
  ),
  tcf(
    "matchall-police-pps",
    "police in packets per second (PKTRATE64, PKTBURST64)",
    "filter add dev d0 ingress pref 4 matchall action police pkts_rate 1000 pkts_burst 100 conform-exceed drop"
  ),
  tcf(
    "matchall-police-rate64",
    "police above 2^32 bytes/s: TCA_POLICE_RATE64",
    "filter add dev d0 ingress pref 4 matchall action police rate 40gbit burst 1mb conform-exceed drop"
  ),
  tcf(
    "u32-nat",
    "nat egress old/mask new after a u32 match",
    "filter add dev d0 egress protocol ip pref 5 u32 match ip src 10.0.0.0/8 action nat egress 10.0.0.0/8 192.168.1.1"
  ),
  tcf(
    "matchall-two-actions",
    "two actions in order, an index and a cookie",
    "filter add dev d0 ingress pref 6 matchall action gact pass index 7 cookie aabbcc action mirred egress mirror dev d1"
  ),
  tcf(
    "replace-matchall",
    "filter replace: NLM_F_CREATE|NLM_F_REPLACE",
    "filter replace dev d0 ingress pref 1 handle 1 matchall action gact pass"
  ),
  tcf(
    "del-one",
    "filter del of one u32 node (kind, protocol, pref, handle)",
    "filter del dev d0 ingress protocol ip pref 10 handle 800::800 u32"
  ),
  tcf("flush", "filter del of every filter of a parent", "filter del dev d0 ingress"),
  tcf(
    "block",
    "u32 filter on shared block 21",
    "filter add block 21 protocol ip pref 3 u32 match ip src 192.0.2.0/24",
    { setup: [veth, split("tc qdisc add dev d0 ingress_block 21 clsact")] }
  ),
  tcf(
    "qdisc-blocks",
    "clsact with ingress_block and egress_block",
    "qdisc add dev d0 ingress_block 21 egress_block 22 clsact",
    {
      setup: [veth]
    }
  ),
  tcf("chain-add", "chain add (RTM_NEWCHAIN, TCA_CHAIN)", "chain add dev d0 ingress chain 5"),
  tcf("chain-del", "chain del", "chain del dev d0 ingress chain 5", {
    setup: [...clsact, split("tc chain add dev d0 ingress chain 5")]
  }),
  tca(
    "action-add-gact",
    "standalone gact drop with an index (TCA_ACT_TAB)",
    "action add action gact drop index 5"
  ),
  tca(
    "action-add-mirred",
    "standalone mirred redirect with an index",
    "actions add action mirred egress redirect dev d1 index 3"
  ),
  tca("action-del", "standalone delete by kind and index", "action del action gact index 5"),
  tca("action-get", "standalone get by kind and index", "action get action gact index 5"),
  tca("action-flush", "standalone flush of a kind (NLM_F_ROOT)", "action flush action gact"),
  tcf(
    "flower-l3l4",
    "flower ip_proto, v4 addresses with masks, a port, skip_hw, eth_type from the protocol",
    "filter add dev d0 ingress protocol ip pref 1 flower ip_proto tcp dst_ip 10.0.0.0/8 src_ip 192.0.2.1 dst_port 443 skip_hw action gact drop"
  ),
  tcf(
    "flower-l2",
    "flower MAC addresses, one with a prefix mask, protocol all",
    "filter add dev d0 ingress protocol all pref 2 flower dst_mac 02:00:00:00:00:01 src_mac 02:00:00:00:00:00/24"
  ),
  tcf(
    "flower-ipv6-range",
    "flower v6 prefix, a port range, tos and ttl with masks",
    "filter add dev d0 ingress protocol ipv6 pref 3 flower ip_proto udp src_ip 2001:db8::/32 dst_port 1000-2000 ip_tos 0x10/0xfc ip_ttl 64"
  ),
  tcf(
    "flower-vlan-icmp",
    "flower vlan id/prio/ethtype and icmp type/code",
    "filter add dev d0 ingress protocol 802.1q pref 4 flower vlan_id 100 vlan_prio 3 vlan_ethtype ip ip_proto icmp type 8 code 0"
  ),
  tcf(
    "flower-tcp-flags",
    "flower tcp_flags value/mask",
    "filter add dev d0 ingress protocol ip pref 5 flower ip_proto tcp tcp_flags 0x02/0x12"
  ),
  tcf(
    "flower-enc",
    "flower tunnel keys: key id, addresses, port, tos, ttl",
    "filter add dev d0 ingress protocol ip pref 6 flower enc_key_id 42 enc_dst_ip 10.1.1.1 enc_src_ip 10.1.1.2 enc_dst_port 4789 enc_tos 0x10/0xff enc_ttl 64"
  ),
  tcf(
    "flower-mpls",
    "flower mpls label, tc, bos, ttl",
    "filter add dev d0 ingress protocol mpls_uc pref 7 flower mpls_label 100 mpls_tc 3 mpls_bos 1 mpls_ttl 64"
  ),
  tcf(
    "chain-template",
    "chain add with a flower template (TCA_KIND, TCA_OPTIONS, protocol)",
    "chain add dev d0 ingress protocol ip chain 7 flower dst_ip 0.0.0.0/16"
  ),
  tcf(
    "fw-mask",
    "fw: the mark as handle, TCA_FW_MASK, classid",
    "filter add dev d0 ingress protocol ip pref 9 handle 5/0xff fw classid 1:5"
  ),
  tcf(
    "fw-plain",
    "fw without a mask",
    "filter add dev d0 ingress protocol ip pref 9 handle 0x10 fw action gact drop"
  ),
  ...[
    [
      "f2-basic-cmp",
      "basic with one cmp ematch (layer, mask, gt) and a classid",
      "protocol ip pref 1 basic match",
      "cmp(u16 at 3 layer 2 mask 0xff00 gt 20)",
      "classid 1:1"
    ],
    [
      "f2-basic-tree",
      "basic with an and/or/not tree: containers, cmp, meta, u32 at nexthdr, nbyte",
      "protocol ip pref 2 basic match",
      'cmp(u16 at 3 layer 2 mask 0xff00 gt 20) and not meta(nf_mark gt 24) or ( u32(u16 0x1122 0xffff at nexthdr+4) and nbyte("ababa" at 12 layer 1) )',
      "classid 1:1"
    ],
    [
      "f2-basic-not-group",
      "basic: a negated group, then u32 (container with the invert flag)",
      "protocol ip pref 3 basic match",
      "not (cmp(u8 at 9 layer network eq 6) or cmp(u8 at 9 layer network eq 17)) and u32(u32 0x0a000000 0xff000000 at 16)",
      "classid 1:2"
    ],
    [
      "f2-basic-meta",
      "basic meta ematches: a mask on the left, vlan, dev as an index",
      "protocol ip pref 4 basic match",
      "meta(priority mask 0xff eq 5) and meta(vlan eq 3) and meta(dev eq 3)",
      "classid 1:1"
    ],
    [
      "f2-basic-meta-lt",
      "basic meta lt with a value above 2^31, or a socket meta",
      "protocol ip pref 5 basic match",
      "meta(random lt 2147483648) or meta(sk_rcvbuf gt 100)",
      "classid 1:2"
    ],
    [
      "f2-basic-canid",
      "basic canid: standard ids with and without masks, an extended id",
      "protocol all pref 6 basic match",
      "canid(sff 0x123 sff 0x500:0x700 eff 0x1234)",
      "classid 1:1"
    ],
    [
      "f2-basic-cmp-trans",
      "basic cmp u32 with trans",
      "protocol ip pref 7 basic match",
      "cmp(u32 at 0 trans eq 5)",
      "classid 1:2"
    ],
    [
      "f2-cgroup-ematch",
      "cgroup with an ematch and an action",
      "protocol ip pref 8 cgroup match",
      "meta(nf_mark eq 5)",
      "action gact pass"
    ]
  ].map(([name, doc, head, expr, tail]) =>
    tcf(name, doc, "", {
      command: [...split(`filter add dev d0 ingress ${head}`), expr, ...split(tail)]
    })
  ),
  tcf(
    "f2-route-to-from",
    "route: to and from realms, classid",
    "filter add dev d0 ingress protocol ip pref 10 route to 10 from 2 classid 1:1"
  ),
  tcf(
    "f2-route-fromif",
    "route: to realm, input device",
    "filter add dev d0 ingress protocol ip pref 10 route to 10 fromif d1 classid 1:1"
  ),
  tcf("f2-cgroup", "cgroup alone", "filter add dev d0 ingress protocol ip pref 11 cgroup action gact drop"),
  tcf(
    "f2-flow-hash",
    "flow hash: keys, divisor, perturb, baseclass",
    "filter add dev d0 ingress protocol ip pref 12 flow hash keys src,dst,proto-src,proto-dst divisor 1024 perturb 10 baseclass 1:1"
  ),
  tcf(
    "f2-flow-map",
    "flow map: one key, and/xor/rshift/addend, divisor, baseclass",
    "filter add dev d0 ingress protocol ip pref 12 flow map key mark and 0xff xor 0x3 rshift 2 addend 5 divisor 16 baseclass 1:10"
  ),
  tcf(
    "f2-flow-map-or",
    "flow map: or (mask and xor), a negative address addend",
    "filter add dev d0 ingress protocol ip pref 12 flow map key dst or 0x100 addend -10.0.0.0"
  ),
  tcf(
    "f2-flower-ct",
    "flower ct_state, ct_zone, ct_mark with mask, ct_label with mask",
    "filter add dev d0 ingress protocol ip pref 20 flower ct_state +trk+est-new ct_zone 5 ct_mark 0x10/0xff ct_label 0102/0fff action gact pass"
  ),
  tcf(
    "f2-flower-arp",
    "flower arp sip/tip prefixes, op, sha/tha",
    "filter add dev d0 ingress protocol arp pref 21 flower arp_sip 10.0.0.0/8 arp_tip 10.1.1.1 arp_op request arp_sha 02:00:00:00:00:01 arp_tha 02:00:00:00:00:00/24"
  ),
  tcf(
    "f2-flower-geneve",
    "flower geneve_opts: two options with masks",
    "filter add dev d0 ingress protocol ip pref 22 flower enc_dst_port 6081 geneve_opts 0102:80:00800022/ffff:ff:ffffffff,0103:81:12345678/ffff:ff:ffff0000"
  ),
  tcf(
    "f2-flower-vxlan",
    "flower vxlan_opts gbp with a mask",
    "filter add dev d0 ingress protocol ip pref 23 flower enc_dst_port 4789 vxlan_opts 1234/0xffff"
  ),
  tcf(
    "f2-flower-erspan1",
    "flower erspan_opts version 1 index with mask",
    "filter add dev d0 ingress protocol ip pref 24 flower erspan_opts 1:12:0:0/1:65535:0:0"
  ),
  tcf(
    "f2-flower-erspan2",
    "flower erspan_opts version 2 dir and hwid",
    "filter add dev d0 ingress protocol ip pref 24 flower erspan_opts 2:0:1:63/2:0:1:63"
  ),
  tcf(
    "f2-flower-gtp",
    "flower gtp_opts pdu type and qfi",
    "filter add dev d0 ingress protocol ip pref 25 flower gtp_opts 1:8/ff:ff"
  ),
  tcf(
    "f2-flower-ip-flags",
    "flower ip_flags frag/nofirstfrag",
    "filter add dev d0 ingress protocol ip pref 26 flower ip_flags frag/nofirstfrag"
  ),
  tcf(
    "f2-flower-num-vlans",
    "flower num_of_vlans with a vlan id",
    "filter add dev d0 ingress protocol 802.1q pref 27 flower num_of_vlans 2 vlan_id 5"
  ),
  tcf(
    "f2-flower-pppoe",
    "flower pppoe_sid and ppp_proto",
    "filter add dev d0 ingress protocol ppp_ses pref 28 flower pppoe_sid 1234 ppp_proto ip"
  ),
  tcf(
    "f2-flower-mpls-lse",
    "flower mpls lse list (TCA_FLOWER_KEY_MPLS_OPTS)",
    "filter add dev d0 ingress protocol mpls_uc pref 29 flower mpls lse depth 1 label 100 tc 3 lse depth 2 bos 1 ttl 64"
  )
]

const tcActionCases2: ReadonlyArray<GoldenCase> = [
  tca(
    "a2-skbedit",
    "standalone skbedit priority, queue_mapping, mark/mask, ptype",
    "action add action skbedit priority 1:10 queue_mapping 3 mark 0x10/0xff ptype host index 11"
  ),
  tca(
    "a2-skbedit-inherit",
    "standalone skbedit inheritdsfield",
    "action add action skbedit inheritdsfield pipe index 12"
  ),
  tcf(
    "a2-matchall-skbedit",
    "matchall with skbedit mark",
    "filter add dev d0 ingress pref 1 matchall action skbedit mark 5"
  ),
  tca(
    "a2-vlan-push",
    "standalone vlan push id, protocol, priority",
    "action add action vlan push id 100 protocol 802.1ad priority 3 index 13"
  ),
  tca("a2-vlan-pop", "standalone vlan pop", "action add action vlan pop index 14"),
  tca("a2-vlan-modify", "standalone vlan modify id", "action add action vlan modify id 200 pipe index 15"),
  tca("a2-csum", "standalone csum iph, tcp, udp", "action add action csum iph tcp udp index 16"),
  tca(
    "a2-csum-all",
    "standalone csum every protocol",
    "action add action csum iph icmp igmp tcp udp udplite sctp index 17"
  ),
  tca(
    "a2-pedit-ip-dst",
    "pedit ex munge ip dst set",
    "action add action pedit ex munge ip dst set 10.0.0.1 index 18"
  ),
  tca(
    "a2-pedit-multi",
    "pedit ex keys: eth dst, ip ttl add, tcp dport, udp sport, ip6 src",
    "action add action pedit ex munge eth dst set 02:00:00:00:00:01 munge ip ttl add 255 munge tcp dport set 8080 munge ip6 src set 2001:db8::1 pipe index 19"
  ),
  tca(
    "a2-pedit-udp",
    "pedit ex munge udp sport and ip tos",
    "action add action pedit ex munge udp sport set 53 munge ip tos set 0x10 index 20"
  ),
  tca(
    "a2-tunnel-key-set",
    "tunnel_key set v4, id, port, tos, ttl, nocsum",
    "action add action tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id 42 dst_port 4789 tos 0x10 ttl 64 nocsum index 21"
  ),
  tca("a2-tunnel-key-unset", "tunnel_key unset", "action add action tunnel_key unset index 22"),
  tca(
    "a2-tunnel-key-v6-geneve",
    "tunnel_key set v6 with geneve options",
    "action add action tunnel_key set src_ip 2001:db8::1 dst_ip 2001:db8::2 id 7 geneve_opts 0102:80:00880022 index 23"
  ),
  tca(
    "a2-tunnel-key-vxlan",
    "tunnel_key set with vxlan gbp option",
    "action add action tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id 8 vxlan_opts 1025 index 24"
  ),
  tca(
    "a2-tunnel-key-erspan",
    "tunnel_key set with erspan v1 option",
    "action add action tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id 9 erspan_opts 1:12:0:0 index 25"
  ),
  tca(
    "a2-ct-commit",
    "ct commit zone mark labels",
    "action add action ct commit zone 5 mark 0x10/0xff label 01/ff index 26"
  ),
  tca(
    "a2-ct-nat",
    "ct commit nat src with a range and ports",
    "action add action ct commit nat src addr 10.0.0.1-10.0.0.9 port 1000-2000 index 27"
  ),
  tca("a2-ct-clear", "ct clear", "action add action ct clear index 28"),
  tca("a2-ct-plain", "ct with zone only", "action add action ct zone 3 pipe index 29"),
  tca(
    "a2-ct-nat6",
    "ct nat dst v6 single address",
    "action add action ct commit force nat dst addr 2001:db8::1 index 30"
  ),
  tca("a2-ct-mark", "ct commit with a mark and no mask", "action add action ct commit mark 5 index 32"),
  tca(
    "a2-ct-nat-port",
    "ct nat src with one address and one port",
    "action add action ct commit nat src addr 10.0.0.1 port 1000 index 33"
  ),
  tca("a2-ct-restore", "ct nat without a type (restore)", "action add action ct nat index 34"),
  tca("a2-connmark", "connmark with a zone", "action add action connmark zone 4 index 35"),
  tca(
    "a2-mpls-push",
    "mpls push label, tc, ttl, bos",
    "action add action mpls push protocol mpls_uc label 100 tc 3 ttl 64 bos 1 index 36"
  ),
  tca("a2-mpls-pop", "mpls pop to ipv4", "action add action mpls pop protocol ipv4 index 37"),
  tca("a2-mpls-modify", "mpls modify label", "action add action mpls modify label 200 index 38"),
  tca("a2-mpls-dec-ttl", "mpls dec_ttl", "action add action mpls dec_ttl index 39"),
  tca(
    "a2-skbmod",
    "skbmod set dmac, smac, etype",
    "action add action skbmod set dmac 02:00:00:00:00:01 set smac 02:00:00:00:00:02 set etype 0x8847 index 40"
  ),
  tca("a2-skbmod-swap", "skbmod swap mac", "action add action skbmod swap mac index 41"),
  tca(
    "a2-sample",
    "sample rate, group, trunc",
    "action add action sample rate 100 group 5 trunc 128 index 42"
  ),
  tca("a2-simple", "simple sdata", "action add action simple sdata hello index 43"),
  tca(
    "a2-ctinfo",
    "ctinfo dscp with masks, cpmark with a mask, zone",
    "action add action ctinfo dscp 0xfc000000 0x01000000 cpmark 0xff zone 2 index 44"
  )
]

/** Issue 11, wave 4: virt_wifi, batadv, rmnet, ipoib, vxlan vnifilter (captured whether or not the host has the kind). */
const kindCases4: ReadonlyArray<GoldenCase> = [
  link(
    "add-virt-wifi",
    "virt_wifi over d0: IFLA_LINK, the kind alone",
    "link add link d0 name vw0 type virt_wifi"
  ),
  link(
    "add-batadv",
    "batadv with the routing algorithm (IFLA_BATADV_ALGO_NAME)",
    "link add bat0 type batadv ra BATMAN_V",
    {
      setup: []
    }
  ),
  link("add-batadv-default", "batadv without options: the kind alone", "link add bat1 type batadv", {
    setup: []
  }),
  link("add-rmnet", "rmnet over d0 with a mux id", "link add link d0 name rm0 type rmnet mux_id 5"),
  link(
    "add-ipoib",
    "ipoib child of d0 with pkey, connected mode and umcast",
    "link add link d0 name ib0 type ipoib pkey 0x8001 mode connected umcast 1"
  ),
  link(
    "set-bridge-slave",
    "every bridge port option ip link set ... type bridge_slave takes (IFLA_INFO_SLAVE_KIND/SLAVE_DATA)",
    "link set d0 type bridge_slave state 3 priority 3 cost 5 guard on hairpin on fastleave on root_block on learning off flood off proxy_arp on proxy_arp_wifi on mcast_router 2 mcast_flood off bcast_flood off mcast_to_unicast on group_fwd_mask 0x4000 neigh_suppress on vlan_tunnel on isolated on locked on backup_port d1",
    { setup: [veth, bridge, split("link set d0 master br0"), split("link set d1 master br0")] }
  ),
  link(
    "set-bond-slave",
    "bond port queue_id and prio (IFLA_BOND_SLAVE_*)",
    "link set d0 type bond_slave queue_id 3 prio 7",
    {
      setup: [veth, split("link add b0 type bond"), split("link set d0 master b0")],
      setupMayFail: true
    }
  ),
  {
    name: "bridge-link-set",
    doc: "bridge link set: RTM_SETLINK, family AF_BRIDGE, IFLA_PROTINFO (nested) with IFLA_BRPORT_*",
    setup: [veth, bridge, split("link set d0 master br0"), split("link set d1 master br0")],
    command: split(
      "link set dev d0 cost 5 priority 3 state 3 guard on hairpin on fastleave on root_block on learning off learning_sync on flood off mcast_router 2 mcast_flood off bcast_flood off mcast_to_unicast on neigh_suppress on vlan_tunnel on isolated on locked on backup_port d1"
    ),
    types: [RTM_SETLINK],
    tool: "bridge"
  },
  {
    name: "bridge-link-set-nobackup",
    doc: "bridge link set nobackup_port: IFLA_BRPORT_BACKUP_PORT 0",
    setup: [veth, bridge, split("link set d0 master br0")],
    command: split("link set dev d0 nobackup_port"),
    types: [RTM_SETLINK],
    tool: "bridge"
  },
  link(
    "add-bridge-all",
    "bridge with every IFLA_BR_* option ip 6.1 takes: STP times (cs), the six mcast intervals (cs), querier/snooping, vlan stats, boolopts",
    "link add br9 type bridge forward_delay 800 hello_time 300 max_age 3000 ageing_time 20000 stp_state 0 priority 100 vlan_filtering 1 vlan_protocol 802.1ad vlan_default_pvid 7 vlan_stats_enabled 1 vlan_stats_per_port 1 group_fwd_mask 0x4000 group_address 01:80:c2:00:00:0e mcast_snooping 1 mcast_vlan_snooping 1 mcast_router 2 mcast_query_use_ifaddr 1 mcast_querier 1 mcast_hash_max 1024 mcast_last_member_count 3 mcast_startup_query_count 4 mcast_last_member_interval 200 mcast_membership_interval 30000 mcast_querier_interval 26000 mcast_query_interval 13000 mcast_query_response_interval 1200 mcast_startup_query_interval 3000 mcast_stats_enabled 1 mcast_igmp_version 3 mcast_mld_version 2 nf_call_iptables 1 nf_call_ip6tables 1 nf_call_arptables 1 no_linklocal_learn 1",
    { setup: [] }
  ),
  link(
    "set-bridge-boolopt",
    "ip link set type bridge with one boolopt off: IFLA_BR_MULTI_BOOLOPT value 0, selector its bit",
    "link set br0 type bridge no_linklocal_learn 0",
    { setup: [bridge] }
  ),
  link(
    "add-vxlan-vnifilter",
    "vxlan external with per-VNI filtering (no id)",
    "link add vx0 type vxlan dstport 4789 external vnifilter",
    { setup: [] }
  )
]

/** Action kinds gate, ife and bpf (issue 14). */
const tcActionCases3: ReadonlyArray<GoldenCase> = [
  tca(
    "a3-gate-full",
    "gate with priority, base/cycle time and extension, clockid, entries with ipv and max octets",
    "action add action gate priority 1 base-time 1000000 cycle-time 20000000 cycle-time-ext 100000 clockid CLOCK_TAI sched-entry open 10000000 2 1500 sched-entry close 10000000 index 50"
  ),
  tca(
    "a3-gate-plain",
    "gate with only entries (defaults: clock TAI, any priority)",
    "action add action gate sched-entry open 5000000 sched-entry close 3000000 -1 -1 index 51"
  ),
  tca(
    "a3-ife-encode",
    "ife encode: use mark, allow prio, type, dst and src MAC",
    "action add action ife encode use mark 0x12 allow prio type 0xed3e dst 02:00:00:00:00:02 src 02:00:00:00:00:01 pipe index 52"
  ),
  tca(
    "a3-ife-tcindex",
    "ife encode: use tcindex, allow mark",
    "action add action ife encode use tcindex 7 allow mark index 53"
  ),
  tca("a3-ife-decode", "ife decode with reclassify", "action add action ife decode reclassify index 54"),
  {
    ...tca(
      "a3-bpf-bytecode",
      "bpf with classic bytecode (OPS_LEN, OPS), control drop",
      "action add action bpf"
    ),
    // the bytecode is one argument with spaces
    command: [
      ...split("action add action bpf bytecode"),
      "2,48 0 0 0,6 0 0 4294967295",
      ...split("drop index 70")
    ]
  }
]

export const cases: ReadonlyArray<GoldenCase> = [
  ...linkCases,
  ...addrCases,
  ...routeCases,
  ...neighCases,
  ...ruleCases,
  ...linkKindCases,
  ...fdbCases,
  ...vlanCases,
  ...mdbCases,
  ...otherCases,
  ...moreRuleCases,
  ...moreAddrCases,
  ...moreNeighCases,
  ...tcCases,
  ...tunnelCases,
  ...kindCases2,
  ...nexthopCases,
  ...macsecLinkCases,
  ...tcSchedCases,
  ...encapCases2,
  ...routeAttrCases,
  ...mplsCases,
  ...neighGetCases,
  ...kindCases3,
  ...qdiscCases1,
  ...tcFilterCases,
  ...linkAttrCases,
  ...ntableCases,
  ...tcActionCases2,
  ...kindCases4,
  ...tcActionCases3,
  // the ipset ematch: tc looks the sets up by name (index 0 and 1 in a fresh namespace)
  {
    name: "tcf-ipset-basic",
    doc: "basic with ipset ematches: xt_set_info with the set's index, dimensions and src bits",
    setup: [
      ...clsact,
      ["ipset", "create", "nlset0", "hash:ip"],
      ["ipset", "create", "nlblk", "hash:net,port"]
    ],
    command: [
      ...split("filter add dev d0 ingress protocol ip pref 3 basic match"),
      "ipset(nlblk src,dst) and not ipset(nlset0 dst)",
      ...split("classid 1:1")
    ],
    types: [RTM_NEWTFILTER],
    tool: "tc",
    setupMayFail: true
  }
]
