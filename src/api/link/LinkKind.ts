/**
 * The link kind descriptor: the generic {@link KindDescriptor} plus what only
 * links have — a parent device carried in IFLA_LINK (macvlan, vlan), port
 * options a master kind gives its ports (IFLA_INFO_SLAVE_DATA), namespaces
 * named inside the options (a veth's peer), names the kind creates besides the
 * link's own (a veth's peer), a read-back verification after create (bond),
 * and common fields a kind names differently (vxlan's `deviceGroup`).
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type {
  Ifinfomsg,
  LinkinfoDataMsg,
  LinkinfoPortDataMsg,
  LinkMessage
} from "../../generated/rt-link/index.ts"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import type { Writer } from "../../runtime/Wire.ts"
import type { KindDescriptor } from "../internal/Kind.ts"

/**
 * A namespace as a request carries it: IFLA_NET_NS_FD or IFLA_NET_NS_PID.
 *
 * @example
 * ```ts
 * const t: ResolvedNamespace = { fd: 4 }
 * ```
 * @since 0.2.0
 */
export type ResolvedNamespace = { readonly fd: number } | { readonly pid: number }

/**
 * A network namespace by name (as `ip netns` knows it), pid, or explicitly
 * `{ name }`, `{ pid }`, `{ fd }` (an open nsfs file descriptor) or `{ path }`.
 *
 * @example
 * ```ts
 * const t: NamespaceTarget = { pid: 4242 }
 * ```
 * @since 0.2.0
 */
export type NamespaceTarget =
  | string
  | number
  | { readonly name: string }
  | { readonly pid: number }
  | { readonly fd: number }
  | { readonly path: string }

/** Kind data without its `kind` tag (the generated attribute object). */
type DataOf<K extends string> = Omit<Extract<LinkinfoDataMsg, { readonly kind: K }>, "kind">

/**
 * What the engine knows when building a kind's data: resolved devices and
 * namespaces (by the option path that named them).
 *
 * @example
 * ```ts
 * const ctx: BuildContext = { devices: { dev: 2 }, namespaces: {} }
 * ```
 * @since 0.2.0
 */
export interface BuildContext {
  readonly devices: Readonly<Record<string, number>>
  readonly namespaces: Readonly<Record<string, ResolvedNamespace>>
}

/**
 * What the engine knows when reading a link back: its IFLA_LINK (the parent or
 * a veth's peer) and the namespace id that index lives in, and names for
 * indexes.
 *
 * @example
 * ```ts
 * const ctx: ReadContext = { name: (i) => i, link: 3 }
 * ```
 * @since 0.2.0
 */
export interface ReadContext {
  readonly name: (index: number) => string | number
  readonly link?: number | undefined
  readonly linkNetnsId?: number | undefined
}

/**
 * Port options a master kind gives its ports (IFLA_INFO_SLAVE_DATA).
 *
 * @example
 * ```ts
 * const port: PortDescriptor = { fields: BridgePortFields, devices: ["backupPort"], ... }
 * ```
 * @since 0.2.0
 */
export interface PortDescriptor {
  readonly fields: Schema.Struct.Fields
  readonly devices: ReadonlyArray<string>
  readonly toKernel: (options: any, devices: Readonly<Record<string, number>>) => object
  readonly fromKernel: (data: any, name: (index: number) => string | number) => object
  readonly status?: (data: any) => object | undefined
  readonly canonical: (options: any) => object
  /** Writes the port data attributes (the generated encoder of the kind's port attribute set). */
  readonly encode: (w: Writer, data: any) => void
}

/**
 * One link kind's module: its descriptor.
 *
 * @example
 * ```ts
 * import { vxlan } from "./kinds/vxlan.ts"
 * vxlan.kind // "vxlan"
 * ```
 * @since 0.2.0
 */
export interface LinkKind<Options = any, K extends string = string>
  extends Omit<KindDescriptor<Options, DataOf<K>>, "fromKernel" | "toKernel"> {
  readonly kind: K
  /** The option field that names the parent device, sent as IFLA_LINK (macvlan, vlan). */
  readonly parent?: string
  /** Namespaces named inside the options, by path (veth: "peer.netns"). */
  readonly namespaces?: (options: Options) => ReadonlyArray<readonly [string, NamespaceTarget]>
  /** Options → IFLA_INFO_DATA (without the kind tag); undefined sends the kind alone. */
  readonly toKernel: (options: Options, ctx: BuildContext) => DataOf<K> | undefined
  /**
   * Options → the kind data `Link.set` sends to change an existing link: only
   * what the options give (default: `toKernel`, for kinds whose `toKernel`
   * adds nothing the options did not ask for).
   */
  readonly change?: (options: Partial<Options>, ctx: BuildContext) => DataOf<K> | undefined
  /** IFLA_INFO_DATA → options. */
  readonly fromKernel: (data: DataOf<K> | undefined, ctx: ReadContext) => Partial<Options>
  /** Other link names the kind creates, by field (veth: ["peer.name", "veth1"]). */
  readonly alsoCreates?: (options: Options) => ReadonlyArray<readonly [string, string]>
  /** The links the kernel creates with link `name`, as `list` shows them (veth: its peer). */
  readonly companions?: (name: string, options: Options) => ReadonlyArray<{ readonly name: string }>
  /**
   * After create: the options the kernel did not apply, read back from the new
   * link's kind data (`[field, reason]`); the engine removes the link and fails.
   */
  readonly verify?: (options: Options, data: DataOf<K> | undefined) => readonly [string, string] | undefined
  /** Whether `verify` needs the read-back for these options (default: always). */
  readonly verifies?: (options: Options) => boolean
  /** Options the kernel picks when not given (a veth's peer name): compared only when both sides have them. */
  readonly kernelChosen?: ReadonlyArray<string>
  /** Common fields this kind names differently because its options use the name. */
  readonly renames?: { readonly group?: string }
  /** Port options of this kind's ports, when it is a master (bridge, bond, vrf). */
  readonly port?: PortDescriptor
  /**
   * Creates the link without RTM_NEWLINK, in the network namespace at
   * `namespacePath` (undefined: the calling thread's), for kinds the kernel
   * creates another way (tun/tap: ioctls on /dev/net/tun). Returns the error,
   * or undefined when created; the common settings follow with RTM_SETLINK.
   */
  readonly create?: (options: Options, namespacePath: string | undefined) => NetlinkError | undefined
}

/**
 * The empty ifinfomsg of requests (and of a veth's peer).
 *
 * @example
 * ```ts
 * const h = emptyHeader // { family: 0, ... }
 * ```
 * @since 0.2.0
 */
export const emptyHeader: Ifinfomsg = { family: 0, pad: 0, type: 0, index: 0, flags: 0, change: 0 }

/**
 * IFLA_NET_NS_FD / IFLA_NET_NS_PID of a resolved namespace.
 *
 * @example
 * ```ts
 * nsAttrs({ fd: 4 }) // { netNsFd: 4 }
 * ```
 * @since 0.2.0
 */
export const nsAttrs = (ns: ResolvedNamespace | undefined): { netNsFd?: number; netNsPid?: number } =>
  ns === undefined ? {} : "fd" in ns ? { netNsFd: ns.fd } : { netNsPid: ns.pid }

/**
 * A device group as the kernel takes it ("default" is 0).
 *
 * @example
 * ```ts
 * groupNumber("default") // 0
 * ```
 * @since 0.2.0
 */
export const groupNumber = (g: number | "default" | undefined): number | undefined =>
  g === "default" ? 0 : g

/** The port data message type (re-exported for kind modules). */
export type PortDataMsg = LinkinfoPortDataMsg
/** The link message type (re-exported for kind modules). */
export type Message = LinkMessage

/**
 * The Schema of a {@link NamespaceTarget}.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(NamespaceSchema)({ pid: 1 })
 * ```
 * @since 0.2.0
 */
export const NamespaceSchema = Schema.Union([
  Schema.String,
  Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 0x7fffffff })),
  Schema.Struct({ name: Schema.String }),
  Schema.Struct({ pid: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 0x7fffffff })) }),
  Schema.Struct({ fd: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0x7fffffff })) }),
  Schema.Struct({ path: Schema.String })
])
