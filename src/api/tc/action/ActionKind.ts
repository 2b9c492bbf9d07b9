/**
 * The descriptor of an action kind (gact, mirred, police, nat ...): the
 * generic kind part (src/api/internal/Kind.ts) plus how the kind's nest
 * (TCA_ACT_OPTIONS) is written and read, and where its parameters keep the
 * fields every action has (index, refcnt, bindcnt) and its timestamps.
 * The action engine (src/api/tc/action/Engine.ts) holds no per-kind code;
 * the registry (src/api/tc/action/registry.ts) lists the descriptors.
 *
 * @since 0.3.0
 */
import type * as Effect from "effect/Effect"
import type { NetlinkError } from "../../../runtime/NetlinkError.ts"
import type { Writer } from "../../../runtime/Wire.ts"
import type { KindDescriptor } from "../../internal/Kind.ts"

/**
 * What every action's parameters carry (struct tc_gen) and its timestamps
 * (struct tcf_t, in clock ticks), read from the kind data.
 *
 * @since 0.3.0
 */
export interface Common {
  readonly index: number
  readonly refcnt: number
  readonly bindcnt: number
  readonly tm?:
    | {
        readonly install: bigint
        readonly lastuse: bigint
        readonly expires: bigint
        readonly firstuse: bigint
      }
    | undefined
}

/**
 * One action kind. `toKernel` gets the action's `index` (0: the kernel picks
 * one) to put in the kind's parameters, and for a delete or get the kind
 * data may be undefined: only TCA_ACT_KIND and TCA_ACT_INDEX are sent.
 *
 * @example
 * ```ts
 * const gact: ActionKind<GactOptions, ActGactAttrs> = { kind: "gact", ... }
 * ```
 * @since 0.3.0
 */
export interface ActionKind<Options extends object, Data>
  extends Omit<KindDescriptor<Options, Data>, "toKernel"> {
  /** Options → kind data; `index` goes into the parameters (tc_gen.index). */
  readonly toKernel: (options: Options, devices: Readonly<Record<string, number>>, index: number) => Data
  /** Writes the kind data as the payload of TCA_ACT_OPTIONS. */
  readonly encode: (w: Writer, data: Data) => void
  /** Reads a TCA_ACT_OPTIONS payload in [start, end). */
  readonly decode: (buf: Uint8Array, view: DataView, start: number, end: number) => Data
  /** The common parameters in the kind data (undefined when the kernel sent none). */
  readonly common: (data: Data) => Common | undefined
  /** Options the kernel picks when not given: compared only when both sides give them. */
  readonly kernelChosen?: ReadonlyArray<string>
  /**
   * Options that need something held open while the request is sent (bpf's
   * pinned path: an fd opened for the request and closed after): runs `send`
   * with the options the request carries.
   */
  readonly withOpen?: <A, E, R>(
    options: Options,
    send: (options: Options) => Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | NetlinkError, R>
}

/** Any action kind (options type erased), as the registry holds them. */
export type AnyActionKind = ActionKind<any, any>
