/**
 * The descriptor of a filter kind (classifier: u32, flower, matchall, bpf,
 * fw, route ...): the generic kind part (src/api/internal/Kind.ts), how the
 * kind's nest (TCA_OPTIONS) is written and read, which attribute of it holds
 * the actions (TCA_<KIND>_ACT, written and read by the action engine), and
 * how the kind writes its handles. Filter.ts holds no per-kind code; the
 * registry (src/api/tc/filter/registry.ts) lists the descriptors.
 *
 * @since 0.3.0
 */
import type * as Effect from "effect/Effect"
import type { NetlinkError } from "../../../runtime/NetlinkError.ts"
import type { Writer } from "../../../runtime/Wire.ts"
import type { KindDescriptor } from "../../internal/Kind.ts"

/**
 * What a kind's `toKernel` gets besides the options: resolved devices and
 * the filter's protocol (flower repeats it as its eth_type key).
 *
 * @since 0.3.0
 */
export interface Context {
  readonly devices: Readonly<Record<string, number>>
  /** The protocol in host order (ETH_P_*), 0 when none was given. */
  readonly protocol: number
  /** Whether the filter has actions (u32 marks such a node terminal, as `tc` does). */
  readonly hasActions: boolean
  /** The indexes of the IP sets the options name (looked up before the request: see `ipsets`). */
  readonly ipsets?: ReadonlyMap<string, number> | undefined
}

/**
 * One filter kind. `act` names the kind data's field that carries the
 * actions (encoded TCA_<KIND>_ACT payload) for kinds that take actions.
 *
 * @example
 * ```ts
 * const matchall: FilterKind<MatchallOptions, ClsMatchallAttrs> = { kind: "matchall", act: "act", ... }
 * ```
 * @since 0.3.0
 */
export interface FilterKind<Options extends object, Data>
  extends Omit<KindDescriptor<Options, Data>, "toKernel"> {
  readonly toKernel: (options: Options, context: Context) => Data
  readonly encode: (w: Writer, data: Data) => void
  readonly decode: (buf: Uint8Array, view: DataView, start: number, end: number) => Data
  /** The field of the kind data that holds the actions' bytes. */
  readonly act?: string
  /** Options the kernel picks when not given: compared only when both sides give them. */
  readonly kernelChosen?: ReadonlyArray<string>
  /**
   * The kind holds one filter per priority and finds none by handle
   * (cgroup): remove names the priority alone, as `tc filter del ... prio N` does.
   */
  readonly single?: boolean
  /** The IP sets the options name by name (an ematch's `ipset(NAME ...)`), looked up before the request. */
  readonly ipsets?: (options: Options) => ReadonlyArray<string>
  /** The kernel refuses a new filter of the kind without a handle (flow, cgroup). */
  readonly needsHandle?: boolean
  /**
   * Options that need something held open while the request is sent (bpf's
   * pinned path: an fd opened for the request and closed after): runs `send`
   * with the options the request carries.
   */
  readonly withOpen?: <A, E, R>(
    options: Options,
    send: (options: Options) => Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | NetlinkError, R>
  /** The handle `tc` sends when none is given (route's, made of its realms and device). */
  readonly handleFor?: (options: Options, context: Context) => number
  /** The kind's handle notation (u32's "800::800"); default: the number. */
  readonly handle?: {
    readonly parse: (h: string | number) => number | undefined
    readonly format: (n: number) => string | number
  }
}

/** Any filter kind (options type erased), as the registry holds them. */
export type AnyFilterKind = FilterKind<any, any>
