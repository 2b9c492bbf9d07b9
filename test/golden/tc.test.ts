/**
 * Qdisc and class requests against what `tc` sent (test/fixtures/golden/tc-*.json): header,
 * attribute trees (TCA_OPTIONS opened as a nest for the kinds that nest), and the kind data
 * decoded field by field (rate tables included, so they match tc's byte for byte).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Class from "../../src/api/Class.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { htbClass } from "../../src/api/tc/kinds/htb.ts"
import { qdiscKinds } from "../../src/api/tc/registry.ts"
import * as Units from "../../src/api/tc/Units.ts"
import { decodeQdiscMessage } from "../../src/generated/tc/index.ts"
import { attributeTree, NLM_F_ACK, nlmsgHeader, onlyMessage } from "./nlmsg.ts"

const TCMSG = 20
const IFINDEX = 3 // d0 in the capture namespace
const decode = (b: Uint8Array) =>
  decodeQdiscMessage(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 16, b.length)
const nestedKinds = new Set(["tbf", "htb", "fq_codel", "codel"])

const expectSame = (ours: Uint8Array, name: string, isClass = false): void => {
  const theirs = onlyMessage(name).bytes
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.len).toBe(ours.length)
  expect(a.type).toBe(b.type)
  expect(a.flags | NLM_F_ACK).toBe(b.flags)
  const ma = decode(ours)
  const mb = decode(theirs)
  const nested = (path: ReadonlyArray<number>) =>
    path.length === 1 && path[0] === 2 && nestedKinds.has(mb.kind ?? "")
  expect(attributeTree(ours, TCMSG, nested)).toEqual(attributeTree(theirs, TCMSG, nested))
  const { options: oa, ...ra } = ma
  const { options: ob, ...rb } = mb
  expect(ra).toEqual(rb)
  expect(oa === undefined).toBe(ob === undefined)
  if (oa !== undefined && ob !== undefined) {
    const k = isClass ? htbClass : qdiscKinds.find((q) => q.kind === mb.kind)!
    const dv = (x: Uint8Array) => new DataView(x.buffer, x.byteOffset, x.byteLength)
    expect(k.decode(oa, dv(oa), 0, oa.length)).toEqual(k.decode(ob, dv(ob), 0, ob.length))
  }
}

const q = (command: "add" | "replace" | "change" | "remove", o: Qdisc.Qdisc) =>
  Qdisc.request(command, o, IFINDEX)
const c = (command: "add" | "replace" | "change" | "remove", o: Class.Class) =>
  Class.request(command, o, IFINDEX)

describe("the psched clock tc reads", () => {
  it("this kernel's /proc/net/psched gives 64 ns ticks and tc's HZ (the fixtures depend on it)", () => {
    expect(Units.psched()).toEqual({ tickInUsec: 15.625, clockFactor: 1, hz: 1000000000 })
  })
})

describe("Qdisc requests match tc fixtures", () => {
  it("pfifo limit 100 (struct tc_fifo_qopt, no nest)", () => {
    expectSame(
      q("add", { dev: "d0", handle: "1:", kind: "pfifo", options: { limit: 100 } }),
      "tc-pfifo-limit"
    )
  })
  it("pfifo without options sends the kind alone", () => {
    expectSame(q("add", { dev: "d0", parent: "root", kind: "pfifo" }), "tc-pfifo-plain")
  })
  it("bfifo limit 10kb = 10240 bytes", () => {
    expectSame(
      q("add", { dev: "d0", handle: "2:", kind: "bfifo", options: { limit: "10kb" } }),
      "tc-bfifo-limit"
    )
  })
  it("pfifo_fast", () => {
    expectSame(q("add", { dev: "d0", handle: "3:", kind: "pfifo_fast" }), "tc-pfifo-fast")
  })
  it("tbf rate 1mbit burst 10kb latency 50ms: limit from latency, rate table", () => {
    expectSame(
      q("add", {
        dev: "d0",
        handle: "1:",
        kind: "tbf",
        options: { rate: "1mbit", burst: "10kb", latency: "50ms" }
      }),
      "tc-tbf-rate-burst-latency"
    )
  })
  it("tbf with peakrate, mtu, mpu, overhead: peak table and PBURST", () => {
    expectSame(
      q("add", {
        dev: "d0",
        kind: "tbf",
        options: {
          rate: "8mbit",
          burst: "32kb",
          limit: "100kb",
          peakrate: "10mbit",
          mtu: 1600,
          mpu: 64,
          overhead: 4
        }
      }),
      "tc-tbf-limit-peakrate"
    )
  })
  it("tbf rate 40gbit: RATE64 and ~0 in PARMS", () => {
    const ours = q("add", {
      dev: "d0",
      kind: "tbf",
      options: { rate: "40gbit", burst: "1mb", limit: "10mb" }
    })
    expectSame(ours, "tc-tbf-rate64")
  })
  it("tbf linklayer atm", () => {
    expectSame(
      q("add", {
        dev: "d0",
        kind: "tbf",
        options: { rate: "2mbit", burst: "20k", limit: "30k", linklayer: "atm" }
      }),
      "tc-tbf-atm"
    )
  })
  it("htb defaults and htb r2q/default/direct_qlen (default 20 is hex: 0x20)", () => {
    expectSame(q("add", { dev: "d0", handle: "1:", kind: "htb" }), "tc-htb-default")
    expectSame(
      q("add", { dev: "d0", handle: "1:", kind: "htb", options: { r2q: 5, default: 0x20, directQlen: 100 } }),
      "tc-htb-options"
    )
  })
  it("ingress and clsact hang at ffff:fff1 with handle ffff:", () => {
    expectSame(q("add", { dev: "d0", kind: "ingress" }), "tc-ingress")
    expectSame(q("add", { dev: "d0", kind: "clsact" }), "tc-clsact")
  })
  it("replace, change, del", () => {
    expectSame(
      q("replace", { dev: "d0", handle: "1:", kind: "pfifo", options: { limit: 50 } }),
      "tc-replace-pfifo"
    )
    expectSame(q("change", { dev: "d0", handle: "1:", kind: "htb", options: { r2q: 20 } }), "tc-change-htb")
    expectSame(q("remove", { dev: "d0", parent: "root", kind: "htb" }), "tc-del-root")
  })
})

describe("Full-kernel kinds' requests match tc fixtures", () => {
  it("prio: struct and compat nest; defaults sent when no option is given", () => {
    expectSame(q("add", { dev: "d0", handle: "1:", kind: "prio" }), "tc-prio-default")
    expectSame(
      q("add", {
        dev: "d0",
        handle: "1:",
        kind: "prio",
        options: { bands: 4, priomap: [3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0] }
      }),
      "tc-prio-bands"
    )
  })
  it("fq_codel: an empty nest without options; every option in its unit", () => {
    expectSame(q("add", { dev: "d0", kind: "fq_codel" }), "tc-fq-codel-default")
    expectSame(
      q("add", {
        dev: "d0",
        handle: "1:",
        kind: "fq_codel",
        options: {
          limit: 2000,
          flows: 2048,
          target: "3ms",
          interval: "50ms",
          quantum: 1500,
          ceThreshold: "2ms",
          memoryLimit: "16mb",
          dropBatch: 32,
          ecn: false
        }
      }),
      "tc-fq-codel-options"
    )
  })
})

describe("codel request matches tc", () => {
  it("codel with every option", () => {
    expectSame(
      q("add", {
        dev: "d0",
        handle: "1:",
        kind: "codel",
        options: { limit: 500, target: "4ms", interval: "80ms", ecn: true, ceThreshold: "1ms" }
      }),
      "tc-codel-options"
    )
  })
})

describe("Class requests match tc fixtures", () => {
  it("htb class rate 100mbit: ceil = rate, bursts from mtu and HZ, both tables", () => {
    expectSame(
      c("add", { dev: "d0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: "100mbit" } }),
      "tc-htb-class-rate",
      true
    )
  })
  it("htb class with every option", () => {
    expectSame(
      c("add", {
        dev: "d0",
        parent: "1:",
        classid: "1:20",
        kind: "htb",
        options: {
          rate: "10mbit",
          ceil: "20mbit",
          burst: "15k",
          cburst: "20k",
          prio: 2,
          quantum: 3000,
          mpu: 64,
          overhead: 10
        }
      }),
      "tc-htb-class-full",
      true
    )
  })
  it("htb class rate 50gbit ceil 60gbit: RATE64 and CEIL64", () => {
    expectSame(
      c("add", {
        dev: "d0",
        parent: "1:",
        classid: "1:30",
        kind: "htb",
        options: { rate: "50gbit", ceil: "60gbit" }
      }),
      "tc-htb-class-rate64",
      true
    )
  })
  it("class del by classid", () => {
    expectSame(
      c("remove", { dev: "d0", classid: "1:10", kind: "htb", options: { rate: "1mbit" } }),
      "tc-class-del",
      true
    )
  })
})
