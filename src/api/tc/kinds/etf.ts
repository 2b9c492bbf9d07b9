/**
 * etf, earliest txtime first: packets leave at the transmit time their
 * socket gave them (SO_TXTIME). Options: `clockid` (the kernel takes
 * CLOCK_TAI), `delta` (ns before the txtime a packet is dequeued),
 * `deadlineMode`, `offload` and `skipSockCheck`. It hangs under a class of
 * mqprio or taprio.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcEtfAttrs,
  encodeTcEtfAttrs,
  type TcEtfAttrs,
  TcEtfFlags
} from "../../../generated/tc-sched/index.ts"
import type { TcKind } from "../TcKind.ts"
import { type Clock, ClockSchema, clockId, clockName } from "./taprio.ts"

/**
 * etf options.
 *
 * @example
 * ```ts
 * const o: EtfOptions = { clockid: "CLOCK_TAI", delta: 300000, skipSockCheck: true }
 * ```
 * @since 0.3.0
 */
export interface EtfOptions {
  readonly clockid: Clock
  /** Nanoseconds; default 0. */
  readonly delta?: number | undefined
  readonly deadlineMode?: boolean | undefined
  readonly offload?: boolean | undefined
  readonly skipSockCheck?: boolean | undefined
}

/** The etf kind. @since 0.3.0 */
export const etf: TcKind<EtfOptions, TcEtfAttrs> = {
  kind: "etf",
  fields: {
    clockid: ClockSchema,
    delta: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: -0x80000000, maximum: 0x7fffffff }))
    ),
    deadlineMode: Schema.optional(Schema.Boolean),
    offload: Schema.optional(Schema.Boolean),
    skipSockCheck: Schema.optional(Schema.Boolean)
  },
  devices: [],
  toKernel: (o) => ({
    parms: {
      delta: o.delta ?? 0,
      clockid: clockId(o.clockid),
      flags:
        (o.deadlineMode === true ? TcEtfFlags.deadlineModeOn : 0) |
        (o.offload === true ? TcEtfFlags.offloadOn : 0) |
        (o.skipSockCheck === true ? TcEtfFlags.skipSockCheck : 0)
    }
  }),
  fromKernel: (d) =>
    d?.parms === undefined
      ? {}
      : {
          clockid: clockName(d.parms.clockid),
          delta: d.parms.delta,
          deadlineMode: (d.parms.flags & TcEtfFlags.deadlineModeOn) !== 0,
          offload: (d.parms.flags & TcEtfFlags.offloadOn) !== 0,
          skipSockCheck: (d.parms.flags & TcEtfFlags.skipSockCheck) !== 0
        },
  canonical: (o) => ({
    ...(o.clockid === undefined ? {} : { clockid: clockName(clockId(o.clockid)) }),
    delta: o.delta ?? 0,
    deadlineMode: o.deadlineMode ?? false,
    offload: o.offload ?? false,
    skipSockCheck: o.skipSockCheck ?? false
  }),
  encode: encodeTcEtfAttrs,
  decode: decodeTcEtfAttrs
}
