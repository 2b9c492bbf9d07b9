/**
 * route: classifies by the route the packet took: its destination realm
 * (`to`), and its source realm (`from`) or input device (`fromif`), as
 * `ip route ... realm` sets them. The kernel builds the filter's handle from
 * these, so it reads back as a number the kernel chose.
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import {
  type ClsRouteAttrs,
  decodeClsRouteAttrs,
  encodeClsRouteAttrs
} from "../../../../generated/tc-filter/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import type * as Handle from "../../Handle.ts"
import type { FilterKind } from "../FilterKind.ts"
import * as C from "./common.ts"

/**
 * route options.
 *
 * @example
 * ```ts
 * const o: RouteOptions = { to: 10, fromif: "eth1", classid: "1:10" }
 * ```
 * @since 0.4.0
 */
export interface RouteOptions {
  /** The destination realm (0–255). */
  readonly to?: number | undefined
  /** The source realm (0–255); not with `fromif`. */
  readonly from?: number | undefined
  /** The input device; not with `from`. */
  readonly fromif?: string | number | undefined
  readonly classid?: Handle.Handle | undefined
}

const Realm = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 255 }))

/** The route kind. @since 0.4.0 */
export const route: FilterKind<RouteOptions, ClsRouteAttrs> = {
  kind: "route",
  act: "act",
  fields: {
    to: Schema.optional(Realm),
    from: Schema.optional(Realm),
    fromif: Schema.optional(Schema.Union([P.InterfaceName, Schema.Number])),
    ...C.classidField
  },
  devices: ["fromif"],
  check: (o) =>
    o.from !== undefined && o.fromif !== undefined ? ["fromif", "give from or fromif, not both"] : undefined,
  // the kernel derives the handle the same way and refuses another one
  handleFor: (o, ctx) => {
    let h = 0xffff8000
    if (o.to !== undefined) h = ((h & ~0x80ff) | o.to) >>> 0
    if (o.from !== undefined) h = ((h & 0xffff) | (o.from << 16)) >>> 0
    else if (o.fromif !== undefined) h = ((h & 0xffff) | ((0x8000 | ctx.devices.fromif) << 16)) >>> 0
    return h
  },
  toKernel: (o, ctx) => {
    const d: { -readonly [K in keyof ClsRouteAttrs]: ClsRouteAttrs[K] } = {}
    if (o.to !== undefined) d.to = o.to
    if (o.from !== undefined) d.from = o.from
    if (o.fromif !== undefined) d.iif = ctx.devices.fromif
    const classid = C.classidOf(o.classid)
    if (classid !== undefined) d.classid = classid
    return d
  },
  fromKernel: (d, name) => {
    const out: { -readonly [K in keyof RouteOptions]: RouteOptions[K] } = {}
    if (d?.to !== undefined) out.to = d.to
    if (d?.from !== undefined) out.from = d.from
    if (d?.iif !== undefined) out.fromif = name(d.iif)
    if (d?.classid !== undefined) out.classid = C.classidText(d.classid)
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof RouteOptions]: RouteOptions[K] } = {}
    if (o.to !== undefined) out.to = o.to
    if (o.from !== undefined) out.from = o.from
    if (o.fromif !== undefined) out.fromif = o.fromif
    if (o.classid !== undefined) out.classid = C.classidText(C.classidOf(o.classid))
    return out
  },
  encode: encodeClsRouteAttrs,
  decode: decodeClsRouteAttrs
}
