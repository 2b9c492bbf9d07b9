/**
 * gtp: `ip link add NAME type gtp role ggsn|sgsn [hsize N] [restart_count N]`,
 * the GPRS tunnelling protocol user plane. The device needs UDP sockets for
 * GTPv0 (port 3386) and GTPv1-U (port 2152): either the caller's, passed as
 * open file descriptors `fd0`/`fd1` of this process (the kernel takes them over
 * while the device lives), or, with `createSockets`, sockets the kernel opens
 * itself (the default without fds, as `ip link add ... type gtp` does; `local`
 * binds them, on kernels newer than 6.1). The kernel reports only role, hsize
 * and restart count, so the socket options are compared only when both sides
 * give them; a listed gtp carries none and recreates on the kernel's sockets.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoGtpAttrs } from "../../../generated/rt-link/index.ts"
import {
  GtpFields,
  type GtpOptions as Generated,
  gtpCanonical,
  gtpDevices,
  gtpFromWire,
  gtpKernelChosen,
  gtpToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import type { LinkKind } from "../LinkKind.ts"
import { addressesCanonical } from "./tunnel.ts"

/**
 * The options of a gtp link.
 *
 * @example
 * ```ts
 * const o: GtpOptions = { role: "sgsn", hsize: 2048, fd1: udpSocketFd }
 * ```
 * @since 0.2.0
 */
export interface GtpOptions extends Generated {
  /** Open UDP socket of this process for GTPv0 (create only). */
  readonly fd0?: number
  /** Open UDP socket of this process for GTPv1-U (create only). */
  readonly fd1?: number
  /** The kernel opens the UDP sockets itself (create only; the default without fd0/fd1). */
  readonly createSockets?: boolean
  /** Address the kernel's sockets bind to (with createSockets). */
  readonly local?: string
}

const Fd = P.intBetween(P.U32, 0, 0x7fffffff)

const fields = {
  ...GtpFields,
  fd0: Schema.optional(Fd),
  fd1: Schema.optional(Fd),
  createSockets: Schema.optional(Schema.Boolean),
  local: Schema.optional(P.InetAddress)
}

/**
 * The gtp descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "gtp", name: "gtp0", role: "sgsn", createSockets: true, local: "10.0.0.1" })
 * ```
 * @since 0.2.0
 */
export const gtp: LinkKind<GtpOptions, "gtp"> = {
  kind: "gtp",
  fields,
  devices: gtpDevices,
  kernelChosen: [...gtpKernelChosen, "fd0", "fd1", "createSockets", "local"],
  check: (o) =>
    o.local !== undefined && o.createSockets !== true
      ? ["local", "local binds the kernel's own sockets: it needs createSockets"]
      : o.createSockets === true && (o.fd0 !== undefined || o.fd1 !== undefined)
        ? ["createSockets", "the kernel opens its own sockets: give no fd0/fd1 with createSockets"]
        : undefined,
  toKernel: (o) => {
    const w: { -readonly [K in keyof LinkinfoGtpAttrs]: LinkinfoGtpAttrs[K] } = gtpToWire(o)
    if (o.fd0 !== undefined) w.fd0 = o.fd0
    if (o.fd1 !== undefined) w.fd1 = o.fd1
    // like ip: the kernel opens the sockets unless fds are given or this is turned off
    // (it tests the attribute's presence only)
    if (o.createSockets ?? (o.fd0 === undefined && o.fd1 === undefined)) w.createSockets = 1
    if (o.local !== undefined) {
      if (o.local.includes(":")) w.local6 = o.local
      else w.local = o.local
    }
    return w
  },
  fromKernel: (d, ctx) => (d === undefined ? {} : gtpFromWire(d, ctx.name)),
  canonical: (o) => addressesCanonical(gtpCanonical(o as Generated), ["local"])
}
