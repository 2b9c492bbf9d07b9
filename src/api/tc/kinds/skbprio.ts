/**
 * skbprio (packets dequeued by priority, the lowest dropped when full) and
 * plug (holds packets until released). TCA_OPTIONS is a bare struct for
 * both; plug's options are commands (the kernel reports none back).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcPlugQopt,
  decodeTcSkbprioQopt,
  encodeTcPlugQopt,
  encodeTcSkbprioQopt,
  TCQ_PLUG_BUFFER,
  TCQ_PLUG_LIMIT,
  TCQ_PLUG_RELEASE_INDEFINITE,
  TCQ_PLUG_RELEASE_ONE,
  type TcPlugQopt,
  type TcSkbprioQopt
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * skbprio options.
 *
 * @example
 * ```ts
 * const o: SkbprioOptions = { limit: 100 }
 * ```
 * @since 0.3.0
 */
export interface SkbprioOptions {
  /** Packets; default 64. */
  readonly limit?: number | undefined
}

/** The skbprio kind. @since 0.3.0 */
export const skbprio: TcKind<SkbprioOptions, TcSkbprioQopt> = {
  kind: "skbprio",
  fields: {
    limit: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
    )
  },
  devices: [],
  toKernel: (o) => (o.limit === undefined ? undefined : { limit: o.limit }),
  fromKernel: (d) => (d === undefined ? {} : { limit: d.limit }),
  canonical: (o) => ({ limit: o.limit ?? 64 }),
  encode: encodeTcSkbprioQopt,
  decode: decodeTcSkbprioQopt
}

/**
 * plug commands: `buffer` (start holding packets), `release_one` (let out
 * what was held up to the previous buffer command), `release_indefinite`
 * (let everything through), or a new `limit` in bytes. One per request;
 * the kernel does not report them, so a listed plug has no options.
 *
 * @example
 * ```ts
 * const o: PlugOptions = { action: "release_indefinite" }
 * ```
 * @since 0.3.0
 */
export interface PlugOptions {
  readonly action?: "buffer" | "release_one" | "release_indefinite" | undefined
  readonly limit?: Units.Size | undefined
}

const ACTIONS = {
  buffer: TCQ_PLUG_BUFFER,
  release_one: TCQ_PLUG_RELEASE_ONE,
  release_indefinite: TCQ_PLUG_RELEASE_INDEFINITE
} as const

/** The plug kind. @since 0.3.0 */
export const plug: TcKind<PlugOptions, TcPlugQopt> = {
  kind: "plug",
  fields: {
    action: Schema.optional(Schema.Literals(["buffer", "release_one", "release_indefinite"])),
    limit: Schema.optional(Units.SizeSchema)
  },
  devices: [],
  check: (o) =>
    o.action !== undefined && o.limit !== undefined
      ? ["limit", "one command per request: an action or a limit"]
      : undefined,
  toKernel: (o) =>
    o.limit !== undefined
      ? { action: TCQ_PLUG_LIMIT, limit: Units.parseSize(o.limit)! }
      : o.action !== undefined
        ? { action: ACTIONS[o.action], limit: 0 }
        : undefined,
  fromKernel: () => ({}),
  canonical: () => ({}),
  encode: encodeTcPlugQopt,
  decode: decodeTcPlugQopt
}
