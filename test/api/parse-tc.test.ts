/**
 * The tc parsers (src/api/parse/tc) accept the words `tc` accepts and reject the words it
 * rejects. `tc` itself is the oracle: each line is run as `tc -n NS ...` under strace in a
 * scratch namespace, and tc accepted the words when it sent the request (whatever the kernel
 * then answered: this kernel lacks most kinds, tc's parsing does not depend on it). Rejections
 * name the keyword in the error path.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { isError } from "../../src/api/internal/Words.ts"
import * as ActionWords from "../../src/api/parse/tc/Action.ts"
import * as ChainWords from "../../src/api/parse/tc/Chain.ts"
import * as ClassWords from "../../src/api/parse/tc/Class.ts"
import * as FilterWords from "../../src/api/parse/tc/Filter.ts"
import * as QdiscWords from "../../src/api/parse/tc/Qdisc.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { describeRoot, ip, newNamespaceName } from "../helpers/netns.ts"

const hasStrace = spawnSync("strace", ["-V"]).status === 0

// RTM_NEW/DEL of qdiscs, classes, filters, actions and chains, as strace prints them
const REQUEST = /nlmsg_type=0x(24|25|28|29|2c|2d|30|31|64|65)\b/

/** Whether `tc` sent its request for these words (it parsed them). */
const tcSends = (ns: string, line: string): boolean => {
  const r = spawnSync(
    "strace",
    ["-f", "-e", "trace=sendmsg,sendto", "-s", "32", "tc", "-n", ns, ...line.split(" ")],
    { encoding: "utf8", timeout: 20_000 }
  )
  return REQUEST.test(r.stderr)
}

const parse = (line: string) => {
  const [object, verb, ...rest] = line.split(" ")
  const command = `${object} ${verb}`
  switch (object) {
    case "qdisc":
      return verb === "del" ? QdiscWords.parseWords(rest, command) : QdiscWords.parse(rest, command)
    case "class":
      return verb === "del" ? ClassWords.parseWords(rest, command) : ClassWords.parse(rest, command)
    case "filter":
      return verb === "del" ? FilterWords.parseWords(rest, command) : FilterWords.parse(rest, command)
    case "chain":
      return ChainWords.parse(rest, command)
    default:
      return ActionWords.parseActions(rest, command)
  }
}

const pathOf = (e: unknown): string => {
  expect(e).toBeInstanceOf(NetlinkError)
  return ((e as NetlinkError).reason as { readonly path: string }).path
}

/** Lines tc takes. */
const ACCEPTED = [
  "qdisc add dev d0 root handle 1: htb default 10",
  "qdisc add dev d0 root handle 1: htb r2q 5 direct_qlen 100",
  "qdisc add dev d0 root tbf rate 1mbit burst 10k latency 50ms",
  "qdisc add dev d0 root tbf rate 1mbit buffer 10k limit 3000",
  "qdisc add dev d0 root tbf rate 1mbit maxburst 10k latency 50ms peakrate 2mbit minburst 1540",
  "qdisc add dev d0 root handle 1: netem delay 10ms 5ms 25%",
  "qdisc add dev d0 root netem delay 10ms loss 1% duplicate 2% corrupt 0.1%",
  "qdisc add dev d0 root netem latency 10ms reorder 25% 50% gap 5",
  "qdisc add dev d0 root fq_codel limit 100 target 5ms noecn",
  "qdisc add dev d0 root fq_codel ce_threshold 1ms ce_threshold_selector 0x01/0x03",
  "qdisc add dev d0 root prio bands 3",
  "qdisc add dev d0 root prio bands 4 priomap 0 1",
  "filter add dev d0 parent 1: u32 hashkey mask 0xff",
  "qdisc add dev d0 root sfq perturb 10 quantum 1514",
  "qdisc add dev d0 root fq maxrate 1gbit pacing flow_limit 100",
  "qdisc add dev d0 root cake bandwidth 10mbit besteffort nat",
  "qdisc add dev d0 root cake overhead -4 mpu 64",
  "qdisc add dev d0 root red limit 400000 min 30000 max 90000 avpkt 1000 burst 55 ecn",
  "qdisc add dev d0 ingress",
  "qdisc add dev d0 clsact",
  "qdisc add dev d0 parent 1:10 handle 10: pfifo limit 50",
  "qdisc replace dev d0 root handle 1: bfifo limit 10kb",
  "qdisc change dev d0 root handle 1: htb r2q 20",
  "qdisc del dev d0 root",
  "class add dev d0 parent 1: classid 1:10 htb rate 1mbit ceil 2mbit burst 15k",
  "class add dev d0 parent 1: classid 1:20 htb rate 1mbit cbuffer 20k prio 3",
  "class add dev d0 parent 1: classid 1:30 hfsc sc m1 10mbit d 10ms m2 5mbit",
  "class del dev d0 classid 1:10",
  "filter add dev d0 parent 1: protocol ip pref 1 u32 match ip src 1.2.3.4/32 flowid 1:1",
  "filter add dev d0 parent 1: protocol ip prio 2 u32 match ip dport 22 0xffff match ip protocol 6 0xff classid 1:10",
  "filter add dev d0 ingress protocol ip pref 1 flower src_ip 10.0.0.0/8 ip_proto tcp dst_port 80 action drop",
  "filter add dev d0 ingress protocol ip flower ip_proto udp dst_port 1000-2000 skip_hw action gact pass",
  "filter add dev d0 ingress matchall action police rate 1mbit burst 10k conform-exceed drop/pipe",
  "filter add dev d0 ingress matchall action mirred egress redirect dev d1",
  "filter add dev d0 ingress pref 2 matchall action vlan push id 10 action pass",
  "filter add dev d0 ingress pref 3 matchall action skbedit mark 5 pipe action goto chain 1",
  "filter add dev d0 egress protocol ip pref 4 u32 match ip dst 10.0.0.0/8 action nat egress 10.0.0.0/8 192.168.1.1",
  "filter add block 5 protocol ip pref 1 u32 match ip src 1.1.1.1/32",
  "filter del dev d0 ingress pref 1 u32",
  "actions add action gact drop index 5",
  "actions add action skbedit mark 5 index 3",
  "actions add action tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id 42 dst_port 4789",
  "actions add action ct commit zone 5 mark 0x10/0xff",
  "actions add action mpls push protocol mpls_uc label 100 tc 3",
  "actions add action pedit ex munge ip ttl add 255",
  "chain add dev d0 ingress chain 3",
  "chain add dev d0 ingress protocol ip chain 7 flower dst_ip 10.0.0.0/16",
  "actions add action gate sched-entry open 10ms 3 1k sched-entry close 5ms index 3",
  "actions add action gate base-time 1s sched-entry open 1000 index 4",
  "actions add action gate priority -1 clockid CLOCK_REALTIME sched-entry open 1000 -1 -1",
  "actions add action ife encode allow mark dst 02:00:00:00:00:02 index 5",
  "actions add action ife decode pipe",
  "filter add dev d0 ingress protocol ip pref 3 basic match meta(nf_mark eq 5) and cmp(u8 at 9 layer network eq 6) classid 1:1",
  "filter add dev d0 ingress protocol ip pref 4 cgroup match meta(nf_mark eq 5) action drop",
  "filter add dev d0 ingress protocol ip pref 5 flow map key src and 0xff addend -192.168.0.0",
  "filter add dev d0 ingress protocol ip pref 6 route to 10 classid 1:1",
  "filter add dev d0 ingress protocol ip pref 8 flower enc_dst_port 4789 vxlan_opts 1234",
  "filter add dev d0 ingress protocol mpls_uc pref 9 flower mpls lse depth 1 label 100 lse depth 2 ttl 3",
  "filter add dev d0 ingress protocol ip pref 10 flower ct_state +trk+est ct_zone 5 ct_mark 3/0xff",
  "filter add dev d0 ingress protocol arp pref 11 flower arp_sip 10.0.0.1 arp_op request arp_sha 02:00:00:00:00:01",
  "filter add dev d0 ingress protocol ip pref 12 flower ip_flags frag/nofirstfrag",
  "filter add dev d0 ingress protocol ip pref 13 flower enc_dst_port 6081 geneve_opts 0102:80:00800022/ffff:ff:ffffffff"
]

/** Lines tc refuses, and the keyword our error names. */
const REJECTED: ReadonlyArray<readonly [string, string]> = [
  ["qdisc add dev d0 root htb rate 5", "rate"],
  ["qdisc add dev d0 root tbf rate 1mbit burst foo latency 50ms", "burst"],
  ["qdisc add dev d0 root handle zz: htb", "handle"],
  ["qdisc add dev d0 root netem delay fast", "delay"],
  ["qdisc add dev d0 root fq_codel limit abc", "limit"],
  ["qdisc add dev d0 root fq_codel ce_threshold_selector 0x01", "ce_threshold_selector"],
  ["qdisc add dev d0 root pfifo limit", "limit"],
  ["qdisc add dev d0 root sfq perturb", "perturb"],
  ["class add dev d0 parent 1: classid 1:10 htb rate", "rate"],
  ["class add dev d0 parent 1: classid 1:10 htb rate 1mbit prio x", "prio"],
  ["class add dev d0 parent 1: classid 1:10 htb rate 1mbit bogus 1", "bogus"],
  ["filter add dev d0 ingress flower ip_proto tcp dst_port http", "dst_port"],
  ["filter add dev d0 ingress flower bogus_key 1", "bogus_key"],
  ["filter add dev d0 ingress matchall action mirred egress redirect dev", "dev"],
  ["filter add dev d0 parent 1: u32 match", "match"],
  ["filter add dev d0 parent 1: u32 hashkey mask", "hashkey mask"],
  ["actions add action gact drop index x", "index"],
  ["actions add action vlan push id x", "id"],
  ["qdisc add dev d0 root prio priomap 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0", "priomap"],
  ["actions add action frobnicate", "action"],
  ["actions add action gate sched-entry half 100", "sched-entry"],
  ["actions add action ife encode use tcindex 70000", "use tcindex"],
  ["actions add action ife encode allow foo", "allow"],
  ["actions add action bpf bytecode 2,6 0 0 0", "bytecode"],
  ["filter add dev d0 ingress protocol ip pref 5 flow hash keys src,bogus", "keys"],
  ["filter add dev d0 ingress protocol ip pref 5 flow map key mark addend -10.0.0.0", "addend"],
  ["filter add dev d0 ingress protocol mpls_uc pref 9 flower mpls lse label 100", "mpls lse"],
  ["filter add dev d0 ingress protocol mpls_uc pref 9 flower mpls lse depth 1 tc 9", "mpls lse tc"],
  ["filter add dev d0 ingress protocol ip pref 14 basic match meta(nf_mark eq", "match"]
]

describeRoot("tc parsers against tc's own acceptance", () => {
  if (!hasStrace) {
    it("needs strace", () => expect(hasStrace).toBe(false))
    return
  }
  const ns = newNamespaceName("ptc")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  })
  afterAll(() => {
    execFileSync("ip", ["netns", "del", ns])
  })
  describe("accepted by tc and by nlink", () => {
    for (const line of ACCEPTED)
      it(`tc ${line}`, () => {
        expect(tcSends(ns, line)).toBe(true)
        const r = parse(line)
        if (isError(r)) expect.fail(`nlink refused it: ${pathOf(r)}: ${(r.reason as any).message}`)
      }, 60_000)
  })
  describe("refused by tc and by nlink, naming the keyword", () => {
    for (const [line, keyword] of REJECTED)
      it(`tc ${line}`, () => {
        expect(tcSends(ns, line)).toBe(false)
        const r = parse(line)
        expect(isError(r)).toBe(true)
        const [object, verb] = line.split(" ")
        expect(pathOf(r)).toMatch(new RegExp(`^${object} ${verb}.*: ${keyword}$`))
      }, 60_000)
  })
})

// words of tc releases newer than the 6.1 on this host (so not checked against it): the
// objects they read as
describe("tc words newer than tc 6.1", () => {
  it("ct helper FAMILY-PROTO-NAME", () => {
    expect(parse("actions add action ct commit helper ipv6-udp-sip index 7")).toEqual([
      {
        kind: "ct",
        index: 7,
        options: { commit: true, helper: { name: "sip", family: "ipv6", protocol: "udp" } }
      }
    ])
    expect(pathOf(parse("actions add action ct commit helper ftp"))).toBe("actions add ct: helper")
  })
  it("flower cfm mdl/op", () => {
    expect(parse("filter add dev d0 ingress protocol 0x8902 pref 1 flower cfm mdl 5 op 47")).toMatchObject({
      options: { cfm: { mdl: 5, opcode: 47 } }
    })
    expect(pathOf(parse("filter add dev d0 ingress flower cfm mdl 9"))).toBe("filter add flower: cfm mdl")
    expect(pathOf(parse("filter add dev d0 ingress flower cfm"))).toBe("filter add flower: cfm")
  })
  it("gate times with units and past 2^53 ns; a closed entry keeps no priority or limit", () => {
    expect(
      parse(
        "actions add action gate base-time 1.5ms cycle-time 9223372036854775807 sched-entry close 100 5 5"
      )
    ).toEqual([
      {
        kind: "gate",
        options: {
          baseTime: 1500000,
          cycleTime: 9223372036854775807n,
          entries: [{ gate: "close", interval: 100 }]
        }
      }
    ])
  })
})
