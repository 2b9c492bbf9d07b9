/**
 * Requests of the classful and multi-queue kinds (hfsc, drr, qfq, ets, mq, multiq, mqprio,
 * taprio, etf, cbs) against what `tc` sent (test/fixtures/golden/tc-*.json): the same message
 * type and flags and the same bytes after the netlink header, attribute for attribute in tc's
 * order (NLA_F_NESTED on ets's TCA_OPTIONS included: the kernel parses it strictly).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Class from "../../src/api/Class.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { hexToBytes, NLM_F_ACK, nlmsgHeader, onlyMessage } from "./nlmsg.ts"

const IFINDEX = 3 // d0 in the capture namespace
const expectSame = (ours: Uint8Array, name: string): void => {
  const theirs = hexToBytes(onlyMessage(name).hex)
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.len).toBe(ours.length)
  expect(a.type).toBe(b.type)
  expect(a.flags | NLM_F_ACK).toBe(b.flags)
  expect(Buffer.from(ours.subarray(16)).toString("hex")).toBe(
    Buffer.from(theirs.subarray(16)).toString("hex")
  )
}

const q = (o: Qdisc.Qdisc) => Qdisc.request("add", o, IFINDEX)
const c = (command: "add" | "change", o: Class.Class) => Class.request(command, o, IFINDEX)
const queues = [
  { count: 4, offset: 0 },
  { count: 4, offset: 4 }
]

describe("hfsc, drr, qfq, ets requests match tc", () => {
  it("hfsc default 10 (hex) is struct tc_hfsc_qopt { 0x10 }", () => {
    expectSame(q({ dev: "d0", handle: "1:", kind: "hfsc", options: { default: 0x10 } }), "tc-hfsc-qdisc")
  })
  it("hfsc without options sends defcls 0", () => {
    expectSame(q({ dev: "d0", handle: "1:", kind: "hfsc" }), "tc-hfsc-qdisc-plain")
  })
  it("hfsc class sc + ul: RSC and FSC from sc, USC, rates in bytes/s and d in us", () => {
    expectSame(
      c("add", {
        dev: "d0",
        parent: "1:",
        classid: "1:10",
        kind: "hfsc",
        options: { sc: { m1: "10mbit", d: "10ms", m2: "5mbit" }, ul: { m2: "20mbit" } }
      }),
      "tc-hfsc-class-sc-ul"
    )
  })
  it("hfsc class rt (tc's umax 1500b dmax 5ms rate 2mbit = m1 2400kbit d 5ms m2 2mbit) and ls", () => {
    expectSame(
      c("add", {
        dev: "d0",
        parent: "1:",
        classid: "1:20",
        kind: "hfsc",
        options: { rt: { m1: "2400kbit", d: 5000, m2: "2mbit" }, ls: { m2: "3mbit" } }
      }),
      "tc-hfsc-class-rt-ls"
    )
  })
  it("drr qdisc: kind alone", () => {
    expectSame(q({ dev: "d0", handle: "1:", kind: "drr" }), "tc-drr-qdisc")
  })
  it("drr class quantum 3000", () => {
    expectSame(
      c("add", { dev: "d0", parent: "1:", classid: "1:10", kind: "drr", options: { quantum: 3000 } }),
      "tc-drr-class"
    )
  })
  it("drr class without quantum: an empty TCA_OPTIONS", () => {
    expectSame(c("add", { dev: "d0", parent: "1:", classid: "1:11", kind: "drr" }), "tc-drr-class-plain")
  })
  it("qfq qdisc: kind alone", () => {
    expectSame(q({ dev: "d0", handle: "1:", kind: "qfq" }), "tc-qfq-qdisc")
  })
  it("qfq class weight 10 maxpkt 2000", () => {
    expectSame(
      c("add", {
        dev: "d0",
        parent: "1:",
        classid: "1:10",
        kind: "qfq",
        options: { weight: 10, maxpkt: 2000 }
      }),
      "tc-qfq-class"
    )
  })
  it("ets bands 5 strict 2 quanta priomap: nests of QUANTA_BAND and PRIOMAP_BAND", () => {
    expectSame(
      q({
        dev: "d0",
        handle: "1:",
        kind: "ets",
        options: {
          bands: 5,
          strict: 2,
          quanta: [1500, 3000, 4500],
          priomap: [0, 1, 2, 3, 4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2]
        }
      }),
      "tc-ets-qdisc"
    )
  })
  it("ets strict 3: NBANDS 3 from strict", () => {
    expectSame(q({ dev: "d0", handle: "1:", kind: "ets", options: { strict: 3 } }), "tc-ets-qdisc-strict")
  })
  it("ets class change quantum 4000", () => {
    expectSame(
      c("change", { dev: "d0", classid: "1:3", kind: "ets", options: { quantum: 4000 } }),
      "tc-ets-class"
    )
  })
})

describe("multi-queue kinds match tc", () => {
  it("mq: kind alone", () => {
    expectSame(q({ dev: "d0", handle: "1:", kind: "mq" }), "tc-mq")
  })
  it("multiq: zeroed struct tc_multiq_qopt", () => {
    expectSame(q({ dev: "d0", handle: "1:", kind: "multiq" }), "tc-multiq")
  })
  it("mqprio num_tc 2 map queues hw 0: the struct padded to 4 bytes", () => {
    expectSame(
      q({
        dev: "d0",
        handle: "1:",
        kind: "mqprio",
        options: { numTc: 2, map: [0, 0, 0, 0, 1, 1, 1, 1], queues, hw: false }
      }),
      "tc-mqprio-basic"
    )
  })
  it("mqprio mode channel shaper bw_rlimit with min/max rates (16 slots, 20gbit above 2^32 bytes/s)", () => {
    expectSame(
      q({
        dev: "d0",
        handle: "1:",
        kind: "mqprio",
        options: {
          numTc: 2,
          map: [0, 0, 0, 0, 1, 1, 1, 1],
          queues,
          mode: "channel",
          shaper: "bw_rlimit",
          minRate: ["1mbit", "2mbit"],
          maxRate: ["10mbit", "20gbit"]
        }
      }),
      "tc-mqprio-channel"
    )
  })
  it("taprio: clockid, priomap, base time, schedule", () => {
    expectSame(
      q({
        dev: "d0",
        handle: "1:",
        kind: "taprio",
        options: {
          numTc: 2,
          map: [0, 0, 0, 0, 1, 1, 1, 1],
          queues,
          baseTime: 1000000000n,
          schedule: [
            { command: "S", gates: 0x1, interval: 300000 },
            { gates: 0x2, interval: 200000 }
          ],
          clockid: "CLOCK_TAI"
        }
      }),
      "tc-taprio"
    )
  })
  it("taprio with cycle time, extension, txtime-assist and its delay", () => {
    expectSame(
      q({
        dev: "d0",
        handle: "1:",
        kind: "taprio",
        options: {
          numTc: 3,
          map: [0, 1, 2, 2, 2, 2, 2, 2],
          queues: [
            { count: 1, offset: 0 },
            { count: 1, offset: 1 },
            { count: 2, offset: 2 }
          ],
          baseTime: 200,
          schedule: [
            { gates: 0x3, interval: 100000 },
            { gates: 0x4, interval: 150000 },
            { gates: 0xff, interval: 50000 }
          ],
          cycleTime: 400000,
          cycleTimeExtension: 1000,
          flags: ["txtime-assist"],
          txtimeDelay: 200000,
          clockid: "CLOCK_TAI"
        }
      }),
      "tc-taprio-full"
    )
  })
  it("etf clockid CLOCK_TAI delta deadline_mode skip_sock_check", () => {
    expectSame(
      q({
        dev: "d0",
        parent: "1:1",
        kind: "etf",
        options: { clockid: "CLOCK_TAI", delta: 300000, deadlineMode: true, skipSockCheck: true }
      }),
      "tc-etf"
    )
  })
  it("etf offload", () => {
    expectSame(
      q({
        dev: "d0",
        parent: "1:2",
        kind: "etf",
        options: { clockid: "CLOCK_TAI", delta: 100, offload: true }
      }),
      "tc-etf-offload"
    )
  })
  it("cbs slopes and credits", () => {
    expectSame(
      q({
        dev: "d0",
        parent: "1:1",
        kind: "cbs",
        options: { idleslope: 98688, sendslope: -901312, hicredit: 153, locredit: -1389, offload: false }
      }),
      "tc-cbs"
    )
  })
})
