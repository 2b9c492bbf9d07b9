/**
 * Requests of the first half of issue 13's qdisc kinds against what `tc` 6.1 sent
 * (test/fixtures/golden/tc-*.json): header, attribute trees (TCA_OPTIONS opened as a nest, or
 * after netem's struct head), and the kind data decoded field by field (distribution tables,
 * RED's idle damping tables and probabilities included, so they match tc's byte for byte).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { qdiscKinds } from "../../src/api/tc/registry.ts"
import * as Units from "../../src/api/tc/Units.ts"
import { decodeQdiscMessage } from "../../src/generated/tc/index.ts"
import { attributeTree, NLM_F_ACK, nlmsgHeader, onlyMessage } from "./nlmsg.ts"

const TCMSG = 20
const IFINDEX = 3
const decode = (b: Uint8Array) =>
  decodeQdiscMessage(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 16, b.length)
const nestedKinds = new Set(["fq", "red", "cake", "pie", "fq_pie", "hhf", "choke", "sfb", "gred"])

const expectSame = (ours: Uint8Array, name: string): void => {
  const theirs = onlyMessage(name).bytes
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.len).toBe(ours.length)
  expect(a.type).toBe(b.type)
  expect(a.flags | NLM_F_ACK).toBe(b.flags)
  const ma = decode(ours)
  const mb = decode(theirs)
  const nested = (path: ReadonlyArray<number>) =>
    path.length === 1 && path[0] === 2 ? (mb.kind === "netem" ? 24 : nestedKinds.has(mb.kind ?? "")) : false
  expect(attributeTree(ours, TCMSG, nested)).toEqual(attributeTree(theirs, TCMSG, nested))
  const { options: oa, ...ra } = ma
  const { options: ob, ...rb } = mb
  expect(ra).toEqual(rb)
  expect(oa === undefined).toBe(ob === undefined)
  if (oa !== undefined && ob !== undefined) {
    const k = qdiscKinds.find((q) => q.kind === mb.kind)!
    const dv = (x: Uint8Array) => new DataView(x.buffer, x.byteOffset, x.byteLength)
    expect(k.decode(oa, dv(oa), 0, oa.length)).toEqual(k.decode(ob, dv(ob), 0, ob.length))
  }
}

const q = (command: "add" | "replace" | "change", o: Qdisc.Qdisc) => Qdisc.request(command, o, IFINDEX)
const add = (name: string, o: Omit<Qdisc.Qdisc, "dev">) => () =>
  expectSame(q("add", { dev: "d0", ...o } as Qdisc.Qdisc), name)

describe("netem requests match tc", () => {
  it("the distribution tables tc loads are installed", () => {
    for (const n of ["normal", "pareto", "paretonormal"])
      expect(Units.distributionTable(n)).toHaveLength(4096)
  })
  it("without options: limit 1000", add("tc-netem-default", { kind: "netem" }))
  it(
    "delay 100ms 10ms 25% distribution normal limit 2000",
    add("tc-netem-delay-dist", {
      handle: "1:",
      kind: "netem",
      options: {
        delay: "100ms",
        jitter: "10ms",
        delayCorrelation: "25%",
        distribution: "normal",
        limit: 2000
      }
    })
  )
  it(
    "delay 20ms 5ms distribution paretonormal",
    add("tc-netem-pareto", {
      kind: "netem",
      options: { delay: "20ms", jitter: "5ms", distribution: "paretonormal" }
    })
  )
  it(
    "loss random with correlation, duplicate, reorder with gap, corrupt",
    add("tc-netem-loss-random", {
      kind: "netem",
      options: {
        delay: "10ms",
        loss: 1,
        lossCorrelation: 25,
        duplicate: "2%",
        duplicateCorrelation: "10%",
        reorder: 5,
        reorderCorrelation: 50,
        gap: 3,
        corrupt: "0.1%",
        corruptCorrelation: 5
      }
    })
  )
  it(
    "loss state (4-state model)",
    add("tc-netem-loss-state", {
      kind: "netem",
      options: { lossState: { p13: 1, p31: 10, p32: 20, p23: 30, p14: 40 } }
    })
  )
  it(
    "loss gemodel with ecn (h is 100 - tc's third argument)",
    add("tc-netem-loss-gemodel", {
      kind: "netem",
      options: { lossGemodel: { p: 1, r: 10, h: 30.000000000000004, k1: 0.1 }, ecn: true }
    })
  )
  it(
    "rate with packet overhead, cell size and cell overhead",
    add("tc-netem-rate", {
      kind: "netem",
      options: { rate: "10mbit", packetOverhead: 20, cellSize: 100, cellOverhead: -5 }
    })
  )
  it("rate 50gbit: RATE64", add("tc-netem-rate64", { kind: "netem", options: { rate: "50gbit" } }))
  it(
    "slot min/max with packets and bytes",
    add("tc-netem-slot", {
      kind: "netem",
      options: { slot: { minDelay: "1ms", maxDelay: "5ms", packets: 10, bytes: 2000 } }
    })
  )
  it(
    "slot distribution",
    add("tc-netem-slot-dist", {
      kind: "netem",
      options: { slot: { distribution: "pareto", delay: "1ms", jitter: "200us", packets: 5 } }
    })
  )
})

describe("fq, sfq, cake, pie, fq_pie, hhf, skbprio, plug requests match tc", () => {
  it("fq without options", add("tc-fq-default", { kind: "fq" }))
  it(
    "fq with every option tc 6.1 knows",
    add("tc-fq-options", {
      handle: "1:",
      kind: "fq",
      options: {
        limit: 5000,
        flowLimit: 50,
        quantum: 3028,
        initialQuantum: 15140,
        maxrate: "1gbit",
        buckets: 2048,
        orphanMask: 511,
        refillDelay: "20ms",
        lowRateThreshold: "275kbit",
        ceThreshold: "4ms",
        timerSlack: "20us",
        horizon: "5s",
        horizonDrop: false,
        pacing: false
      }
    })
  )
  it("sfq without options sends no TCA_OPTIONS", add("tc-sfq-default", { kind: "sfq" }))
  it(
    "sfq with every flow option",
    add("tc-sfq-options", {
      handle: "1:",
      kind: "sfq",
      options: {
        perturb: 10,
        quantum: 1514,
        limit: 200,
        divisor: 2048,
        flows: 100,
        depth: 64,
        headdrop: true
      }
    })
  )
  it(
    "sfq with RED per flow",
    add("tc-sfq-red", {
      kind: "sfq",
      options: {
        limit: 3000,
        depth: 64,
        redflowlimit: 100000,
        min: 8000,
        max: 60000,
        avpkt: 1000,
        burst: 20,
        probability: 0.2,
        ecn: true,
        harddrop: true
      }
    })
  )
  it("cake without options", add("tc-cake-default", { kind: "cake" }))
  it(
    "cake with the shaper, diffserv4, nat, wash, ack filter, overhead, atm, ingress",
    add("tc-cake-options", {
      handle: "1:",
      kind: "cake",
      options: {
        bandwidth: "100mbit",
        diffserv: "diffserv4",
        flowMode: "dual-srchost",
        nat: true,
        wash: true,
        ackFilter: "enabled",
        splitGso: false,
        rtt: "50ms",
        memlimit: "32mb",
        fwmark: 0xff,
        overhead: 18,
        mpu: 64,
        atm: "atm",
        ingress: true
      }
    })
  )
  it(
    "cake unlimited, besteffort, ptm, negative overhead, aggressive ack filter",
    add("tc-cake-ptm", {
      kind: "cake",
      options: {
        bandwidth: 0,
        diffserv: "besteffort",
        flowMode: "flows",
        nat: false,
        wash: false,
        ackFilter: "aggressive",
        atm: "ptm",
        overhead: -4,
        ingress: false
      }
    })
  )
  it(
    "cake autorate-ingress, diffserv8, raw, satellite rtt",
    add("tc-cake-raw", {
      kind: "cake",
      options: {
        autorateIngress: true,
        diffserv: "diffserv8",
        flowMode: "triple-isolate",
        raw: true,
        atm: "noatm",
        rtt: "1s"
      }
    })
  )
  it(
    "cake precedence, hosts, conservative (atm, overhead 48), lan rtt",
    add("tc-cake-precedence", {
      kind: "cake",
      options: {
        bandwidth: "1gbit",
        diffserv: "precedence",
        flowMode: "hosts",
        atm: "atm",
        overhead: 48,
        rtt: "1ms"
      }
    })
  )
  it("pie without options", add("tc-pie-default", { kind: "pie" }))
  it(
    "pie with every option",
    add("tc-pie-options", {
      handle: "1:",
      kind: "pie",
      options: {
        limit: 2000,
        target: "20ms",
        tupdate: "30ms",
        alpha: 2,
        beta: 20,
        ecn: true,
        bytemode: true,
        dqRateEstimator: true
      }
    })
  )
  it("fq_pie without options", add("tc-fq-pie-default", { kind: "fq_pie" }))
  it(
    "fq_pie with every option",
    add("tc-fq-pie-options", {
      handle: "1:",
      kind: "fq_pie",
      options: {
        limit: 2048,
        flows: 256,
        target: "10ms",
        tupdate: "20ms",
        alpha: 3,
        beta: 30,
        quantum: 1500,
        memoryLimit: "16mb",
        ecnProb: 20,
        ecn: true,
        bytemode: true,
        dqRateEstimator: true
      }
    })
  )
  it(
    "hhf with every option",
    add("tc-hhf-options", {
      handle: "1:",
      kind: "hhf",
      options: {
        limit: 2000,
        quantum: 1514,
        hhLimit: 1024,
        resetTimeout: "50ms",
        admitBytes: 131072,
        evictTimeout: "1s",
        nonHhWeight: 3
      }
    })
  )
  it("skbprio limit", add("tc-skbprio-limit", { kind: "skbprio", options: { limit: 100 } }))
  it("plug limit", add("tc-plug-limit", { handle: "1:", kind: "plug", options: { limit: 1000 } }))
  it("plug release (change)", () =>
    expectSame(
      q("change", { dev: "d0", handle: "1:", kind: "plug", options: { action: "release_one" } }),
      "tc-plug-release-one"
    ))
})

describe("red and choke requests match tc (derived EWMA, probability scale, idle damping table)", () => {
  it(
    "red with every option",
    add("tc-red-options", {
      handle: "1:",
      kind: "red",
      options: {
        limit: 400000,
        min: 30000,
        max: 90000,
        avpkt: 1000,
        burst: 55,
        ecn: true,
        adaptive: true,
        bandwidth: "10mbit",
        probability: 0.05
      }
    })
  )
  it(
    "red defaults from limit and avpkt",
    add("tc-red-defaults", { kind: "red", options: { limit: 100000, avpkt: 1500 } })
  )
  it(
    "red nodrop, harddrop, ecn",
    add("tc-red-nodrop", {
      kind: "red",
      options: { limit: 100000, min: 10000, max: 30000, avpkt: 1000, harddrop: true, nodrop: true, ecn: true }
    })
  )
  it(
    "choke with thresholds in packets",
    add("tc-choke-options", {
      handle: "1:",
      kind: "choke",
      options: {
        limit: 1000,
        bandwidth: "10mbit",
        min: 100,
        max: 300,
        avpkt: 1000,
        burst: 200,
        probability: 0.05,
        ecn: true
      }
    })
  )
})

describe("sfb requests match tc", () => {
  it(
    "sfb with every option (probabilities in Q0.16)",
    add("tc-sfb-options", {
      handle: "1:",
      kind: "sfb",
      options: {
        rehash: 600000,
        db: 60000,
        limit: 100,
        max: 25,
        target: 20,
        increment: 0.0005,
        decrement: 0.00005,
        penaltyRate: 10,
        penaltyBurst: 20
      }
    })
  )
  it("sfb defaults are what tc sends for the same options", () => {
    const k = qdiscKinds.find((x) => x.kind === "sfb")!
    expect(k.toKernel({ limit: 100 }, {})).toEqual(
      k.toKernel(
        {
          limit: 100,
          rehash: 600000,
          db: 60000,
          max: 25,
          target: 20,
          increment: 0.0005,
          decrement: 0.00005,
          penaltyRate: 10,
          penaltyBurst: 20
        },
        {}
      )
    )
  })
})

describe("gred requests match tc: the table, then one change per virtual queue", () => {
  const gred: Qdisc.Qdisc = {
    dev: "d0",
    parent: "root",
    handle: "1:",
    kind: "gred",
    options: {
      vqs: 4,
      default: 0,
      grio: true,
      queues: [
        {
          dp: 1,
          limit: "60KB",
          min: "15KB",
          max: "45KB",
          burst: 20,
          avpkt: 1000,
          bandwidth: "10mbit",
          probability: 0.1,
          prio: 2
        }
      ]
    }
  }
  it("an add sends the setup (DPS: vqs 4 default 0 grio) and the queue's change (PARMS, STAB, MAX_P, VQ_LIST)", () => {
    const sent = Qdisc.requests("add", gred, IFINDEX)
    expect(sent).toHaveLength(2)
    expectSame(sent[0], "tc-gred-setup")
    expectSame(sent[1], "tc-gred-vq")
    // the first is Qdisc.request's; the queue's is a change (no create flags)
    expect(sent[0]).toEqual(Qdisc.request("add", gred, IFINDEX))
  })
  it("the default queue goes first (its prio is the others' default), then by dp", () => {
    const q = (dp: number) => ({ dp, limit: "60KB", min: "15KB", max: "45KB" })
    const sent = Qdisc.requests(
      "replace",
      { ...gred, options: { vqs: 4, default: 2, queues: [q(3), q(0), q(2)] } } as Qdisc.Qdisc,
      IFINDEX
    )
    const k = qdiscKinds.find((x) => x.kind === "gred")!
    const dps = sent.slice(1).map((b) => {
      const o = decode(b).options!
      return k.decode(o, new DataView(o.buffer, o.byteOffset, o.byteLength), 0, o.length).vqList.entry[0].dp
    })
    expect(dps).toEqual([2, 0, 3])
  })
})
