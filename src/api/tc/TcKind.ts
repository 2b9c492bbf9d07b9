/**
 * The descriptor of a qdisc or class kind: the generic part
 * (src/api/internal/Kind.ts: options Schema fields, options → kind data and
 * back, canonical form) plus how the kind data travels in TCA_OPTIONS (a
 * nest of attributes for most kinds, a bare struct for the fifos) and how
 * its statistics (TCA_XSTATS) read. Qdisc.ts and Class.ts hold no per-kind
 * code; the registry (src/api/tc/registry.ts) lists the descriptors.
 *
 * @since 0.3.0
 */
import type { Writer } from "../../runtime/Wire.ts"
import type { KindDescriptor } from "../internal/Kind.ts"

/**
 * One qdisc or class kind.
 *
 * @example
 * ```ts
 * const pfifo: TcKind<{ limit?: number }, TcFifoQopt> = { kind: "pfifo", ... }
 * ```
 * @since 0.3.0
 */
export interface TcKind<Options extends object, Data> extends KindDescriptor<Options, Data> {
  /** Writes the kind data as the payload of TCA_OPTIONS. */
  readonly encode: (w: Writer, data: Data) => void
  /** Reads a TCA_OPTIONS payload in [start, end). */
  readonly decode: (buf: Uint8Array, view: DataView, start: number, end: number) => Data
  /** Options the kernel picks when not given (htb's quantum): compared only when both sides give them. */
  readonly kernelChosen?: ReadonlyArray<string>
  /** Decodes the kind's TCA_XSTATS / TCA_STATS_APP payload. */
  readonly xstats?: (buf: Uint8Array, view: DataView, start: number, end: number) => object
  /** TCA_OPTIONS carries NLA_F_NESTED, as `tc` sends it for kinds the kernel parses strictly (ets, fq_pie). */
  readonly nestedOptions?: boolean
  /**
   * Where filters attach to a qdisc of this kind when not under its handle
   * (ingress: ffff:fff2; clsact: ffff:fff2 and ffff:fff3).
   */
  readonly filterParents?: ReadonlyArray<number>
  /**
   * Classes only: classes of this kind are made by `Class.add` (htb, hfsc,
   * drr, qfq). Without it a kind's classes come with their qdisc (ets's
   * bands, sfq's flows) and are the kernel's.
   */
  readonly added?: boolean
  /**
   * Requests that follow the object's own, each a change of what it made
   * (gred: the add sets the table up, then each virtual queue is a change),
   * with what each sets for error messages.
   */
  readonly followUps?: (options: Options) => ReadonlyArray<{ readonly what: string; readonly data: Data }>
  /** The parent and handle the kind always has (ingress, clsact: ffff:fff1 and ffff:). */
  readonly fixed?: { readonly parent: number; readonly handle: number }
}

/** Any kind (options type erased), as the registry holds them. */
export type AnyTcKind = TcKind<any, any>
