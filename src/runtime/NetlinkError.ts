/**
 * The one error of nlink: `NetlinkError`, whose `reason` says what went wrong.
 *
 * Handle a reason with `Effect.catchReason("NetlinkError", "Kernel", ...)`.
 * Every reason has a `message` getter with one human line; the error's own
 * `message` is that line.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as Errno from "./Errno.ts"

/**
 * The bounds of the kernel policy that rejected an attribute
 * (NLMSGERR_ATTR_POLICY, decoded from NL_POLICY_TYPE_ATTR_*).
 *
 * @since 0.1.0
 */
export const Policy = Schema.Struct({
  /** Attribute type name: "u8", "u32", "string", "nested", ... */
  type: Schema.optional(Schema.String),
  min: Schema.optional(Schema.Union([Schema.Number, Schema.BigInt])),
  max: Schema.optional(Schema.Union([Schema.Number, Schema.BigInt])),
  minLength: Schema.optional(Schema.Number),
  maxLength: Schema.optional(Schema.Number),
  mask: Schema.optional(Schema.BigInt),
  bitfield32Mask: Schema.optional(Schema.Number),
  policyIndex: Schema.optional(Schema.Number),
  policyMaxType: Schema.optional(Schema.Number)
})
/** @since 0.1.0 */
export type Policy = typeof Policy.Type

/**
 * Extended ack details the kernel attached to an error.
 *
 * @since 0.1.0
 */
export const Extack = Schema.Struct({
  message: Schema.optional(Schema.String),
  /** Byte offset of the offending attribute in the request (from its nlmsghdr). */
  offset: Schema.optional(Schema.Number),
  /** The offending attribute resolved in the request, e.g. "IFLA_LINKINFO > IFLA_INFO_KIND". */
  attributePath: Schema.optional(Schema.String),
  policy: Schema.optional(Policy),
  /** A required attribute that was missing (NLMSGERR_ATTR_MISS_TYPE). */
  missingType: Schema.optional(Schema.Number),
  /** The nest in which it was missing, resolved like `attributePath`. */
  missingNest: Schema.optional(Schema.String)
})
/** @since 0.1.0 */
export type Extack = typeof Extack.Type

const withOperation = (operation: string | undefined, text: string): string =>
  operation === undefined ? text : `${operation}: ${text}`

/**
 * An errno name as a literal union (see `Errno.Code` in src/runtime/Errno.ts).
 *
 * @since 0.1.0
 */
export const Code: Schema.Codec<Errno.Code> = Schema.Union([
  Schema.Literals(Errno.knownCodes),
  Schema.TemplateLiteral(["E", Schema.Number])
])

// What an errno means for a netlink request. EOPNOTSUPP has no entry: the
// kernel returns it for many reasons (no such kind, a device that cannot be
// deleted, a master that is not a bridge), so only the extack or the
// operation can explain it.
const hint = (code: Errno.Code): string | undefined => {
  switch (code) {
    case "EPERM":
      return "operation not permitted: CAP_NET_ADMIN is needed (run as root or grant the capability)"
    case "EACCES":
      return "permission denied: CAP_NET_ADMIN is needed"
    case "EEXIST":
      return "already exists"
    case "ENOENT":
      return "not found"
    case "ENODEV":
      return "no such device"
    case "ESRCH":
      return "not found (no such object)"
    case "EBUSY":
      return "busy (another dump or a conflicting operation is in progress)"
    case "ENOTSUPP":
      return "not supported"
    case "EAFNOSUPPORT":
      return "address family not supported"
    case "EADDRNOTAVAIL":
      return "address not available"
    default:
      return undefined
  }
}

/**
 * The kernel rejected a request (NLMSG_ERROR with a negative errno).
 *
 * @since 0.1.0
 */
export class Kernel extends Schema.TaggedClass<Kernel>()("Kernel", {
  errno: Schema.Number,
  code: Code,
  /** strerror-like text. */
  text: Schema.String,
  extack: Schema.optional(Extack),
  operation: Schema.optional(Schema.String)
}) {
  /**
   * Builds the reason from a (positive or negative) errno.
   *
   * @example
   * ```ts
   * Kernel.fromErrno(-17, { operation: "link add" }).message // "link add: already exists (EEXIST)"
   * ```
   */
  static fromErrno(
    errno: number,
    options?: { readonly extack?: Extack; readonly operation?: string }
  ): Kernel {
    const info = Errno.info(errno)
    return new Kernel({
      errno: info.errno,
      code: info.code,
      text: info.text,
      extack: options?.extack,
      operation: options?.operation
    })
  }
  get message(): string {
    const x = this.extack
    const said = x?.message !== undefined && x.message !== ""
    // Without a hint, the kernel's own words explain the errno best.
    const h = hint(this.code)
    let s =
      h !== undefined
        ? `${h} (${this.code})`
        : said
          ? `${x!.message} (${this.code})`
          : `${lower(this.text)} (${this.code})`
    if (x !== undefined) {
      if (said && h !== undefined) s += `: ${x.message}`
      if (x.attributePath !== undefined) s += ` [at ${x.attributePath}]`
      else if (x.offset !== undefined) s += ` [at offset ${x.offset}]`
      if (x.missingType !== undefined) {
        s += ` [missing attribute ${x.missingType}${x.missingNest !== undefined ? ` in ${x.missingNest}` : ""}]`
      }
      const p = x.policy
      if (p !== undefined) {
        const parts: Array<string> = []
        if (p.type !== undefined) parts.push(p.type)
        if (p.min !== undefined || p.max !== undefined) parts.push(`range ${p.min ?? ""}..${p.max ?? ""}`)
        if (p.minLength !== undefined || p.maxLength !== undefined) {
          parts.push(`length ${p.minLength ?? 0}..${p.maxLength ?? ""}`)
        }
        if (p.mask !== undefined) parts.push(`mask 0x${p.mask.toString(16)}`)
        if (parts.length > 0) s += ` [policy: ${parts.join(", ")}]`
      }
    }
    return withOperation(this.operation, s)
  }
}

const lower = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1)

/**
 * User input was rejected before anything was sent.
 *
 * @since 0.1.0
 */
export class Validation extends Schema.TaggedClass<Validation>()("Validation", {
  /** Field path in the user's input, e.g. "linkinfo.data.id". */
  path: Schema.String,
  message: Schema.String
}) {}

/**
 * A reply could not be decoded.
 *
 * @since 0.1.0
 */
export class Decode extends Schema.TaggedClass<Decode>()("Decode", {
  message: Schema.String,
  offset: Schema.optional(Schema.Number),
  /** Hex of the offending bytes, truncated. */
  bytes: Schema.optional(Schema.String),
  /** What was being decoded, e.g. "dump of message type 16". */
  context: Schema.String
}) {}

/**
 * A socket system call failed.
 *
 * @since 0.1.0
 */
export class Socket extends Schema.TaggedClass<Socket>()("Socket", {
  syscall: Schema.String,
  errno: Schema.Number,
  code: Code
}) {
  /** @example `Socket.fromErrno("bind", 98)` */
  static fromErrno(syscall: string, errno: number): Socket {
    return new Socket({ syscall, errno, code: Errno.name(errno) })
  }
  get message(): string {
    return `${this.syscall} failed: ${hint(this.code) ?? Errno.text(this.errno)} (${this.code})`
  }
}

/**
 * A system call outside netlink failed: opening, creating, mounting or
 * entering a network namespace file. `message` is one line that names the
 * call, the path and what the errno means there.
 *
 * @since 0.1.0
 */
export class System extends Schema.TaggedClass<System>()("System", {
  /** The call, e.g. "setns", "open", "mount --make-shared". */
  call: Schema.String,
  /** The file it was about, if any. */
  path: Schema.optional(Schema.String),
  errno: Schema.Number,
  code: Code,
  message: Schema.String
}) {
  /**
   * Builds the reason; `explain` replaces the errno's generic text when the
   * caller knows what it means for this call.
   *
   * @example
   * ```ts
   * System.fromErrno("setns", 1, { path: "/run/netns/blue", explain: "entering a network namespace needs CAP_SYS_ADMIN" })
   * // message: "setns /run/netns/blue: entering a network namespace needs CAP_SYS_ADMIN (EPERM)"
   * ```
   */
  static fromErrno(
    call: string,
    errno: number,
    options?: { readonly path?: string; readonly explain?: string }
  ): System {
    const info = Errno.info(errno)
    const where = options?.path === undefined ? call : `${call} ${options.path}`
    return new System({
      call,
      path: options?.path,
      errno: info.errno,
      code: info.code,
      message: `${where}: ${options?.explain ?? lower(info.text)} (${info.code})`
    })
  }
}

/**
 * The kernel flagged a dump as inconsistent (NLM_F_DUMP_INTR): the table
 * changed while it was being read. `partial` holds what was received.
 *
 * @since 0.1.0
 */
export class DumpInterrupted extends Schema.TaggedClass<DumpInterrupted>()("DumpInterrupted", {
  partial: Schema.Array(Schema.Unknown)
}) {
  get message(): string {
    return `dump interrupted: the kernel's table changed during the dump (${this.partial.length} partial results); retry it`
  }
}

/**
 * The socket's receive buffer overflowed (ENOBUFS): messages were lost.
 *
 * @since 0.1.0
 */
export class Overrun extends Schema.TaggedClass<Overrun>()("Overrun", {
  lost: Schema.optional(Schema.Number)
}) {
  get message(): string {
    return `receive buffer overrun: ${this.lost ?? "some"} messages were lost (ENOBUFS); resynchronise with a dump`
  }
}

/**
 * No reply arrived in time.
 *
 * @since 0.1.0
 */
export class Timeout extends Schema.TaggedClass<Timeout>()("Timeout", {
  afterMs: Schema.Number,
  operation: Schema.String
}) {
  get message(): string {
    return `${this.operation}: no reply from the kernel after ${this.afterMs} ms`
  }
}

/** @since 0.1.0 */
export const Reason = Schema.Union([
  Kernel,
  Validation,
  Decode,
  Socket,
  System,
  DumpInterrupted,
  Overrun,
  Timeout
])
/** @since 0.1.0 */
export type Reason = Kernel | Validation | Decode | Socket | System | DumpInterrupted | Overrun | Timeout

/**
 * The error of every nlink operation.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * const program = someNetlinkEffect.pipe(
 *   Effect.catchReason("NetlinkError", "Kernel", (k) =>
 *     k.code === "EEXIST" ? Effect.void : Effect.fail(new NetlinkError({ reason: k }))
 *   )
 * )
 * ```
 * @since 0.1.0
 */
export class NetlinkError extends Schema.TaggedError<NetlinkError>()("NetlinkError", {
  reason: Reason
}) {
  override get message(): string {
    const r = this.reason
    switch (r._tag) {
      case "Validation":
        return `invalid ${r.path}: ${r.message} (nothing was sent)`
      case "Decode":
        return `cannot decode ${r.context}: ${r.message}${r.offset !== undefined ? ` (at byte ${r.offset})` : ""}`
      default:
        return r.message
    }
  }
}

/** Shorthand: a `NetlinkError` from a reason. @since 0.1.0 */
export const make = (reason: Reason): NetlinkError => new NetlinkError({ reason })

/** Shorthand for a Kernel-reason error from an errno. @since 0.1.0 */
export const kernel = (
  errno: number,
  options?: { readonly extack?: Extack; readonly operation?: string }
): NetlinkError => new NetlinkError({ reason: Kernel.fromErrno(errno, options) })

/** Shorthand for a System-reason error. @since 0.1.0 */
export const system = (
  call: string,
  errno: number,
  options?: { readonly path?: string; readonly explain?: string }
): NetlinkError => new NetlinkError({ reason: System.fromErrno(call, errno, options) })

/** Shorthand for a Socket-reason error. @since 0.1.0 */
export const socket = (syscall: string, errno: number): NetlinkError =>
  new NetlinkError({ reason: Socket.fromErrno(syscall, errno) })
