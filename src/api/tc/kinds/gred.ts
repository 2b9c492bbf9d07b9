/**
 * gred (generic RED): up to 16 virtual queues ("DPs"), each a RED queue of
 * its own, chosen by the packet's tc_index; with `grio` the queues have
 * priorities. The kernel takes the table first (TCA_GRED_DPS on the add)
 * and each virtual queue as a change of that qdisc, which is how `tc` sends
 * them: one object here is that sequence of requests (`followUps`).
 *
 * Each queue's RED parameters are derived as for red (`avpkt`, `burst` and
 * `bandwidth` write only; `ewmaLog`, `scellLog` and `probability` read back).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcGredAttrs,
  decodeTcGredQopt,
  encodeTcGredAttrs,
  encodeTcGredQopt,
  type TcGredAttrs,
  TcGredQoptSize
} from "../../../generated/tc/index.ts"
import { Writer } from "../../../runtime/Wire.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"
import { type Derived, derive, readProbability } from "./red.ts"

/**
 * One virtual queue. `limit`, `min` and `max` are bytes; `prio` orders the
 * queues in grio mode (0: the default queue's, else 8; without grio the
 * kernel gives every queue 8).
 *
 * @example
 * ```ts
 * const q: GredQueue = { dp: 1, limit: "60KB", min: "15KB", max: "45KB", avpkt: 1000, burst: 20, probability: 0.1, prio: 2 }
 * ```
 * @since 0.3.0
 */
export interface GredQueue {
  /** The virtual queue, 0 to vqs - 1. */
  readonly dp: number
  readonly limit: Units.Size
  readonly min: Units.Size
  readonly max: Units.Size
  /** Average packet size in bytes (write only); default 1000. */
  readonly avpkt?: number | undefined
  /** Packets allowed to burst (write only); default (2 min + max) / (3 avpkt). */
  readonly burst?: number | undefined
  /** The link's rate for idle damping (write only); default 10mbit. */
  readonly bandwidth?: Units.Rate | undefined
  /** Mark or drop probability at max, 0 to 1; default 0.02. */
  readonly probability?: number | undefined
  readonly prio?: number | undefined
  readonly ewmaLog?: number | undefined
  readonly scellLog?: number | undefined
  readonly ecn?: boolean | undefined
  readonly harddrop?: boolean | undefined
}

/**
 * gred options: the table (`vqs` queues, the `default` one for packets
 * whose tc_index names none, `grio`, the table's byte `limit`) and its
 * configured virtual `queues`.
 *
 * @example
 * ```ts
 * const o: GredOptions = { vqs: 4, default: 0, grio: true, queues: [{ dp: 0, limit: "60KB", min: "15KB", max: "45KB" }] }
 * ```
 * @since 0.3.0
 */
export interface GredOptions {
  /** Virtual queues, 1 to 16. */
  readonly vqs: number
  readonly default: number
  readonly grio?: boolean | undefined
  /** Bytes for the whole table; the kernel's default is txqueuelen × MTU. */
  readonly limit?: Units.Size | undefined
  readonly queues?: ReadonlyArray<GredQueue> | undefined
}

const MAX_DPS = 16
// the flags a virtual queue takes (the kernel refuses nodrop and adaptive there)
const ECN = 1
const HARDDROP = 2
const DEFAULT_PRIO = MAX_DPS / 2

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const Dp = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: MAX_DPS - 1 }))
const Log = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 31 }))

const QueueSchema = Schema.Struct({
  dp: Dp,
  limit: Units.SizeSchema,
  min: Units.SizeSchema,
  max: Units.SizeSchema,
  avpkt: Schema.optional(U32.check(Schema.isGreaterThan(0))),
  burst: Schema.optional(U32),
  bandwidth: Schema.optional(Units.RateSchema),
  probability: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }))),
  prio: Schema.optional(Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 255 }))),
  ewmaLog: Schema.optional(Log),
  scellLog: Schema.optional(Log),
  ecn: Schema.optional(Schema.Boolean),
  harddrop: Schema.optional(Schema.Boolean)
})

const redOf = (q: GredQueue): Derived | string => derive({ ...q, limit: q.limit }, false)

/** The queues in the order they are sent: the default queue first (its prio is the others' default), then by dp. */
const ordered = (o: GredOptions): ReadonlyArray<GredQueue> =>
  [...(o.queues ?? [])].sort((a, b) => (a.dp === o.default ? -1 : b.dp === o.default ? 1 : a.dp - b.dp))

const flagsOf = (q: GredQueue): number => (q.ecn ? ECN : 0) | (q.harddrop ? HARDDROP : 0)

/** The prio the kernel gives a queue sent with `prio` (grio: 0 takes the default queue's, else 8; no grio: 8). */
const prioOf = (o: GredOptions, q: GredQueue): number => {
  if (o.grio !== true) return DEFAULT_PRIO
  const p = q.prio ?? 0
  if (p !== 0) return p
  if (q.dp === o.default) return DEFAULT_PRIO
  const d = o.queues?.find((x) => x.dp === o.default)
  return d === undefined ? DEFAULT_PRIO : prioOf(o, d)
}

/** One virtual queue's change: PARMS, STAB, MAX_P and its flags, as `tc qdisc change ... gred DP n` sends. */
const queueData = (q: GredQueue): TcGredAttrs => {
  const d = redOf(q) as Derived
  const w = new Writer(TcGredQoptSize + 8)
  encodeTcGredQopt(w, {
    limit: Units.parseSize(q.limit)!,
    qthMin: d.qthMin,
    qthMax: d.qthMax,
    dp: q.dp,
    backlog: 0,
    qave: 0,
    forced: 0,
    early: 0,
    other: 0,
    pdrop: 0,
    wlog: d.wlog,
    plog: d.plog,
    scellLog: d.scellLog,
    prio: q.prio ?? 0,
    packets: 0,
    bytesin: 0
  })
  return {
    parms: w.finish(),
    stab: d.stab,
    maxP: [d.maxP],
    vqList: { entry: [{ dp: q.dp, flags: flagsOf(q) }] }
  }
}

interface QueueRead {
  readonly dp: number
  readonly options: GredQueue
  readonly status: object
}

/** The configured queues of a dump: PARMS holds MAX_DPs structs, an unused slot has dp ≥ MAX_DPs. */
const queuesOf = (d: TcGredAttrs): Array<QueueRead> => {
  const out: Array<QueueRead> = []
  const p = d.parms
  if (p === undefined) return out
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength)
  const flags = new Map((d.vqList?.entry ?? []).map((e) => [e.dp, e.flags ?? 0]))
  for (let i = 0, off = 0; off + TcGredQoptSize <= p.length; i++, off += TcGredQoptSize) {
    const q = decodeTcGredQopt(p, view, off, off + TcGredQoptSize)
    if (q.dp >= MAX_DPS) continue
    const f = flags.get(q.dp) ?? 0
    out.push({
      dp: q.dp,
      options: {
        dp: q.dp,
        limit: q.limit,
        min: q.qthMin,
        max: q.qthMax,
        probability: readProbability(d.maxP?.[d.maxP.length === 1 ? 0 : i] ?? 0),
        prio: q.prio,
        ewmaLog: q.wlog,
        scellLog: q.scellLog,
        ecn: (f & ECN) !== 0,
        harddrop: (f & HARDDROP) !== 0
      },
      status: {
        dp: q.dp,
        backlog: q.backlog,
        qave: q.qave,
        forced: q.forced,
        early: q.early,
        other: q.other,
        pdrop: q.pdrop,
        packets: q.packets,
        bytes: q.bytesin
      }
    })
  }
  return out
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The gred kind. @since 0.3.0 */
export const gred: TcKind<GredOptions, TcGredAttrs> = {
  kind: "gred",
  fields: {
    vqs: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: MAX_DPS })),
    default: Dp,
    grio: Schema.optional(Schema.Boolean),
    limit: Schema.optional(Units.SizeSchema),
    queues: Schema.optional(Schema.Array(QueueSchema))
  },
  devices: [],
  kernelChosen: ["limit"],
  check: (o) => {
    if (o.default >= o.vqs) return ["default", `default ${o.default} is not below vqs ${o.vqs}`]
    const seen = new Set<number>()
    for (const [i, q] of (o.queues ?? []).entries()) {
      if (q.dp >= o.vqs) return [`queues.${i}.dp`, `dp ${q.dp} is not below vqs ${o.vqs}`]
      if (seen.has(q.dp)) return [`queues.${i}.dp`, `dp ${q.dp} appears twice`]
      if (q.prio !== undefined && q.prio !== 0 && q.prio !== DEFAULT_PRIO && o.grio !== true)
        return [
          `queues.${i}.prio`,
          "a prio other than 8 needs grio (without it the kernel gives every queue 8)"
        ]
      seen.add(q.dp)
      for (const f of ["limit", "min", "max"] as const)
        if (Units.parseSize(q[f]) === 0) return [`queues.${i}.${f}`, `${f} must be above 0`]
      if (Units.parseSize(q.max)! <= Units.parseSize(q.min)!)
        return [`queues.${i}.max`, "max must be above min"]
      if (q.bandwidth !== undefined && Units.parseRate(q.bandwidth) === 0)
        return [`queues.${i}.bandwidth`, "a rate above 0"]
      const d = redOf(q)
      if (typeof d === "string") return [`queues.${i}.${d.startsWith("burst") ? "burst" : "max"}`, d]
    }
    return undefined
  },
  // the first request sets the table up; each queue follows as a change
  toKernel: (o) => ({
    dps: { dps: o.vqs, defDp: o.default, grio: o.grio ? 1 : 0, flags: 0 },
    ...(o.limit === undefined ? {} : { limit: Units.parseSize(o.limit)! })
  }),
  followUps: (o) => ordered(o).map((q) => ({ what: `virtual queue ${q.dp}`, data: queueData(q) })),
  fromKernel: (d) => {
    if (d?.dps === undefined) return {}
    const out: Mutable<GredOptions> = {
      vqs: d.dps.dps,
      default: d.dps.defDp,
      grio: d.dps.grio !== 0
    }
    if (d.limit !== undefined) out.limit = d.limit
    const queues = queuesOf(d)
    if (queues.length > 0) out.queues = queues.map((q) => q.options)
    return out
  },
  status: (d) => {
    const queues = queuesOf(d)
    return queues.length === 0 ? undefined : { queues: queues.map((q) => q.status) }
  },
  canonical: (o) => {
    if (o.vqs === undefined || o.default === undefined) return o
    const full = o as GredOptions
    const out: Mutable<GredOptions> = { vqs: full.vqs, default: full.default, grio: full.grio === true }
    if (full.limit !== undefined) out.limit = Units.parseSize(full.limit)!
    const queues = [...(full.queues ?? [])]
      .sort((a, b) => a.dp - b.dp)
      .map((q): GredQueue => {
        const d = redOf(q)
        if (typeof d === "string") return q
        return {
          dp: q.dp,
          limit: Units.parseSize(q.limit)!,
          min: d.qthMin,
          max: d.qthMax,
          probability: readProbability(d.maxP),
          prio: prioOf(full, q),
          ewmaLog: d.wlog,
          scellLog: d.scellLog,
          ecn: q.ecn === true,
          harddrop: q.harddrop === true
        }
      })
    if (queues.length > 0) out.queues = queues
    return out
  },
  encode: encodeTcGredAttrs,
  decode: decodeTcGredAttrs
}
