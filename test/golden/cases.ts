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

export const cases: ReadonlyArray<GoldenCase> = [
  ...linkCases,
  ...addrCases,
  ...routeCases,
  ...neighCases,
  ...ruleCases,
  ...linkKindCases,
  ...nexthopCases
]
