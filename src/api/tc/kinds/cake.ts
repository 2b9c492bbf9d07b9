/**
 * cake, common applications kept enhanced: a shaper (`bandwidth`, 0 for
 * unlimited, or `autorateIngress`), diffserv tins, flow isolation, NAT
 * awareness, DSCP washing, the ACK filter, GSO splitting, the link's
 * overhead and framing (`atm`/`ptm`, `mpu`, `raw` when no overhead is
 * given), `rtt`/`target`, `memlimit`, `fwmark` and `ingress`. Requests are
 * what `tc qdisc add ... cake` sends; statistics include every tin's.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcCakeAttrs,
  decodeTcCakeStatsAttrs,
  encodeTcCakeAttrs,
  type TcCakeAttrs
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

const DIFFSERV = ["diffserv3", "diffserv4", "diffserv8", "besteffort", "precedence"] as const
const FLOW = [
  "flowblind",
  "srchost",
  "dsthost",
  "hosts",
  "flows",
  "dual-srchost",
  "dual-dsthost",
  "triple-isolate"
] as const
const ATM = ["noatm", "atm", "ptm"] as const
const ACK = ["disabled", "enabled", "aggressive"] as const

/**
 * cake options, named as `tc -j` prints them (camelCase). `overhead` given
 * turns `raw` off (a raw cake reads back without `overhead`); `rtt` alone
 * sets `target` to rtt / 20 as `tc` does.
 *
 * @example
 * ```ts
 * const o: CakeOptions = { bandwidth: "100mbit", diffserv: "diffserv4", flowMode: "dual-srchost", nat: true, ackFilter: "enabled", overhead: 18, atm: "atm" }
 * ```
 * @since 0.3.0
 */
export interface CakeOptions {
  /** Shaped rate; 0 is unlimited (the default). */
  readonly bandwidth?: Units.Rate | undefined
  readonly autorateIngress?: boolean | undefined
  /** Default 100ms. */
  readonly rtt?: Units.Time | undefined
  /** Default 5ms (rtt / 20 when rtt is given). */
  readonly target?: Units.Time | undefined
  /** Default diffserv3. */
  readonly diffserv?: (typeof DIFFSERV)[number] | undefined
  /** Default triple-isolate. */
  readonly flowMode?: (typeof FLOW)[number] | undefined
  readonly nat?: boolean | undefined
  readonly wash?: boolean | undefined
  /** Default true. */
  readonly splitGso?: boolean | undefined
  readonly ackFilter?: (typeof ACK)[number] | undefined
  /** Bytes; 0 (the default) lets cake size it. */
  readonly memlimit?: Units.Size | undefined
  readonly fwmark?: number | undefined
  /** Bytes added to each packet (-64 to 256). */
  readonly overhead?: number | undefined
  /** No overhead compensation at all (true unless `overhead` is given). */
  readonly raw?: boolean | undefined
  readonly mpu?: number | undefined
  readonly atm?: (typeof ATM)[number] | undefined
  readonly ingress?: boolean | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
type Mutable<T> = { -readonly [K in keyof T]: T[K] }
const b = (x: boolean | undefined) => (x === undefined ? undefined : x ? 1 : 0)

/** The cake kind. @since 0.3.0 */
export const cake: TcKind<CakeOptions, TcCakeAttrs> = {
  kind: "cake",
  fields: {
    bandwidth: Schema.optional(Units.RateSchema),
    autorateIngress: Schema.optional(Schema.Boolean),
    rtt: Schema.optional(Units.TimeSchema),
    target: Schema.optional(Units.TimeSchema),
    diffserv: Schema.optional(Schema.Literals(DIFFSERV)),
    flowMode: Schema.optional(Schema.Literals(FLOW)),
    nat: Schema.optional(Schema.Boolean),
    wash: Schema.optional(Schema.Boolean),
    splitGso: Schema.optional(Schema.Boolean),
    ackFilter: Schema.optional(Schema.Literals(ACK)),
    memlimit: Schema.optional(Units.SizeSchema),
    fwmark: Schema.optional(U32),
    overhead: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: -64, maximum: 256 }))
    ),
    raw: Schema.optional(Schema.Boolean),
    mpu: Schema.optional(Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 256 }))),
    atm: Schema.optional(Schema.Literals(ATM)),
    ingress: Schema.optional(Schema.Boolean)
  },
  devices: [],
  check: (o) =>
    o.raw === true && o.overhead !== undefined
      ? ["raw", "raw means no overhead: give raw or overhead"]
      : o.rtt !== undefined && Units.parseTime(o.rtt) === 0
        ? ["rtt", "an rtt above 0"]
        : undefined,
  toKernel: (o) => {
    const d: Mutable<TcCakeAttrs> = {}
    if (o.bandwidth !== undefined) d.baseRate64 = BigInt(Units.parseRate(o.bandwidth)! / 8)
    if (o.diffserv !== undefined) d.diffservMode = DIFFSERV.indexOf(o.diffserv)
    if (o.atm !== undefined) d.atm = ATM.indexOf(o.atm)
    if (o.flowMode !== undefined) d.flowMode = FLOW.indexOf(o.flowMode)
    if (o.overhead !== undefined) d.overhead = o.overhead
    if (o.raw === true) {
      d.overhead = 0
      d.raw = 0
    }
    if (o.mpu !== undefined) d.mpu = o.mpu
    if (o.rtt !== undefined) d.rtt = Units.parseTime(o.rtt)!
    const target =
      o.target !== undefined
        ? Units.parseTime(o.target)!
        : o.rtt !== undefined
          ? Math.max(1, Math.floor(Units.parseTime(o.rtt)! / 20))
          : undefined
    if (target !== undefined) d.target = target
    if (o.autorateIngress !== undefined) d.autorate = b(o.autorateIngress)
    else if (o.bandwidth !== undefined) d.autorate = 0
    if (o.memlimit !== undefined) d.memory = Units.parseSize(o.memlimit)!
    if (o.fwmark !== undefined) d.fwmark = o.fwmark
    if (o.nat !== undefined) d.nat = b(o.nat)
    if (o.wash !== undefined) d.wash = b(o.wash)
    if (o.splitGso !== undefined) d.splitGso = b(o.splitGso)
    if (o.ingress !== undefined) d.ingress = b(o.ingress)
    if (o.ackFilter !== undefined) d.ackFilter = ACK.indexOf(o.ackFilter)
    return d
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const out: Mutable<CakeOptions> = {}
    if (d.baseRate64 !== undefined) out.bandwidth = Number(d.baseRate64) * 8
    if (d.autorate !== undefined) out.autorateIngress = d.autorate !== 0
    if (d.rtt !== undefined) out.rtt = d.rtt
    if (d.target !== undefined) out.target = d.target
    if (d.diffservMode !== undefined) out.diffserv = DIFFSERV[d.diffservMode] ?? (d.diffservMode as any)
    if (d.flowMode !== undefined) out.flowMode = FLOW[d.flowMode] ?? (d.flowMode as any)
    if (d.nat !== undefined) out.nat = d.nat !== 0
    if (d.wash !== undefined) out.wash = d.wash !== 0
    if (d.splitGso !== undefined) out.splitGso = d.splitGso !== 0
    if (d.ackFilter !== undefined) out.ackFilter = ACK[d.ackFilter] ?? (d.ackFilter as any)
    if (d.memory !== undefined) out.memlimit = d.memory
    if (d.fwmark !== undefined) out.fwmark = d.fwmark
    out.raw = d.raw !== undefined
    if (d.overhead !== undefined && !out.raw) out.overhead = d.overhead
    if (d.mpu !== undefined) out.mpu = d.mpu
    if (d.atm !== undefined) out.atm = ATM[d.atm] ?? (d.atm as any)
    if (d.ingress !== undefined) out.ingress = d.ingress !== 0
    return out
  },
  canonical: (o) => {
    const rtt = o.rtt === undefined ? 100000 : Units.parseTime(o.rtt)!
    const raw = o.overhead === undefined || o.raw === true
    const out: Mutable<CakeOptions> = {
      bandwidth: o.bandwidth === undefined ? 0 : Units.parseRate(o.bandwidth)!,
      autorateIngress: o.autorateIngress ?? false,
      rtt,
      target:
        o.target !== undefined
          ? Units.parseTime(o.target)!
          : o.rtt !== undefined
            ? Math.max(1, Math.floor(rtt / 20))
            : 5000,
      diffserv: o.diffserv ?? "diffserv3",
      flowMode: o.flowMode ?? "triple-isolate",
      nat: o.nat ?? false,
      wash: o.wash ?? false,
      splitGso: o.splitGso ?? true,
      ackFilter: o.ackFilter ?? "disabled",
      memlimit: o.memlimit === undefined ? 0 : Units.parseSize(o.memlimit)!,
      fwmark: o.fwmark ?? 0,
      raw,
      mpu: o.mpu ?? 0,
      atm: o.atm ?? "noatm",
      ingress: o.ingress ?? false
    }
    if (!raw) out.overhead = o.overhead
    return out
  },
  xstats: (buf, view, start, end) => {
    const { tinStats, ...rest } = decodeTcCakeStatsAttrs(buf, view, start, end) as any
    return { ...rest, tins: tinStats ?? [] }
  },
  encode: encodeTcCakeAttrs,
  decode: decodeTcCakeAttrs
}
