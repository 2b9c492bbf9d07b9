/**
 * State registry entries of the other routing tables: MPLS label routes and
 * the namespace's MPLS settings they need (`net.mpls.platform_labels`, ...),
 * and the IPv4/IPv6 multicast forwarding caches, which only a multicast
 * routing daemon writes (shown, never planned).
 *
 * @since 0.4.0
 */
import * as fs from "node:fs"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { invalid } from "../internal/Common.ts"
import { deepEqual, type ObjectType } from "../internal/Model.ts"
import * as Mpls from "../Mpls.ts"
import * as MulticastRoute from "../MulticastRoute.ts"
import { type Entry, linkRef, namesOf, type Op } from "./Entry.ts"
import * as Sysctl from "./Sysctl.ts"

// A kernel without multicast routing answers a dump of the family with every route of every
// family (rtnetlink's fallback): only families it has are asked (their /proc/net files exist).
const mrouteFamilies = (): Array<"inet" | "inet6"> => [
  ...(fs.existsSync("/proc/net/ip_mr_cache") ? (["inet"] as const) : []),
  ...(fs.existsSync("/proc/net/ip6_mr_cache") ? (["inet6"] as const) : [])
]

const multicastReadOnly = "multicast routes are written only by a multicast routing daemon's socket"

/**
 * The multicast forwarding cache of both families. The kernel takes these
 * entries only from a multicast routing daemon's socket (MRT_ADD_MFC on the
 * socket that did MRT_INIT), never over netlink, and removes them when that
 * socket closes: snapshots show them under `external`, plans never hold
 * them, and a desired state that names one fails validation.
 *
 * @example
 * ```ts
 * Registry.multicastRoute.readOnly // "multicast routes are written by a multicast routing daemon ..."
 * ```
 * @since 0.4.0
 */
export const multicastRoute: Entry<MulticastRoute.MulticastRoute> = {
  model: MulticastRoute.model,
  rank: 25,
  readOnly:
    "multicast routes are written by a multicast routing daemon through its socket (MRT_ADD_MFC), not over netlink: nlink shows them but cannot apply them",
  list: Effect.map(Effect.all(mrouteFamilies().map((family) => MulticastRoute.list({ family }))), (parts) =>
    parts.flat()
  ),
  listWith: (listed) =>
    Effect.map(Effect.all(mrouteFamilies().map((family) => MulticastRoute.listRaw({ family }))), (parts) => {
      const names = namesOf(listed)
      return parts.flat().map((m) => MulticastRoute.fromMessage(m, names))
    }),
  add: () => Effect.fail(invalid("multicast-route", multicastReadOnly)),
  remove: () => Effect.fail(invalid("multicast-route", multicastReadOnly)),
  needs: (r) => [...linkRef(r.iif), ...r.oifs.flatMap((o) => linkRef(o.dev))],
  dev: (r) => (typeof r.iif === "string" ? r.iif : undefined),
  kernelMade: () => true
}

// mpls_router registers net.mpls when it is loaded (in every namespace)
const MPLS_DIR = "/proc/sys/net/mpls"
const mplsLoaded = (): boolean => fs.existsSync(MPLS_DIR)

/**
 * The namespace's MPLS settings (sysctls): the size of the label table
 * (`platformLabels`: labels below it can be routed), TTL propagation on
 * pop and the TTL of packets that get their first label.
 *
 * @example
 * ```ts
 * const s: MplsSettings = { platformLabels: 1000, ipTtlPropagate: true, defaultTtl: 255 }
 * ```
 * @since 0.4.0
 */
export interface MplsSettings {
  readonly platformLabels?: number | undefined
  readonly ipTtlPropagate?: boolean | undefined
  readonly defaultTtl?: number | undefined
}

const U32 = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const mplsSettingsSchema: Schema.Codec<MplsSettings, any> = Schema.Struct({
  platformLabels: Schema.optional(U32),
  ipTtlPropagate: Schema.optional(Schema.Boolean),
  defaultTtl: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 255 })))
}) as any

const mplsCanonical = (s: MplsSettings): MplsSettings => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(s)) if (v !== undefined && k !== "status") out[k] = v
  return out as MplsSettings
}

const mplsSettingsModel: ObjectType<MplsSettings> = {
  name: "mpls-settings",
  schema: mplsSettingsSchema,
  // one per namespace
  key: () => "mpls",
  canonical: mplsCanonical,
  equals: (a, b) => deepEqual(mplsCanonical(a), mplsCanonical(b))
}

const MPLS_FILES = [
  ["platformLabels", "platform_labels"],
  ["ipTtlPropagate", "ip_ttl_propagate"],
  ["defaultTtl", "default_ttl"]
] as const

const readMplsSettings: Op<ReadonlyArray<MplsSettings>> = Effect.suspend(() =>
  mplsLoaded()
    ? Effect.map(Sysctl.read(MPLS_FILES.map(([, f]) => `${MPLS_DIR}/${f}`)), (values) => {
        const out: Record<string, unknown> = {}
        MPLS_FILES.forEach(([k], i) => {
          const v = values[i]
          if (v !== undefined) out[k] = k === "ipTtlPropagate" ? v !== "0" : Number(v)
        })
        return [out as MplsSettings]
      })
    : Effect.succeed([])
)

const writeMplsSettings = (s: MplsSettings): Op =>
  Effect.suspend(() => {
    if (!mplsLoaded())
      return Effect.fail(
        invalid("mpls-settings", "the kernel has no MPLS (the mpls_router module is not loaded)")
      )
    const values: Array<readonly [string, string]> = []
    for (const [k, f] of MPLS_FILES) {
      const v = s[k]
      if (v !== undefined) values.push([`${MPLS_DIR}/${f}`, String(typeof v === "boolean" ? (v ? 1 : 0) : v)])
    }
    return Sysctl.write(values)
  })

/**
 * The namespace's MPLS settings (set-only; present when the kernel has
 * MPLS): written before label routes, which need labels below
 * `platformLabels`.
 *
 * @example
 * ```ts
 * Registry.mplsSettings.model.key({ platformLabels: 1000 }) // "mpls"
 * ```
 * @since 0.4.0
 */
export const mplsSettings: Entry<MplsSettings> = {
  model: mplsSettingsModel,
  rank: 7,
  setOnly: true,
  list: readMplsSettings,
  add: writeMplsSettings,
  remove: () => Effect.void,
  update: (_from, to) => writeMplsSettings(to),
  // fewer labels: the kernel drops the routes of labels beyond
  sideEffects: ["mpls-route"],
  needs: () => [],
  kernelMade: () => false
}

/**
 * MPLS label routes (after the MPLS settings, the links they leave by and
 * the IP routes that resolve their `via`). Changed in place (`ip -f mpls
 * route replace`).
 *
 * @example
 * ```ts
 * Registry.mplsRoute.needs({ label: 100, dev: "eth0" }) // ["link:eth0", "mpls-settings:mpls"]
 * ```
 * @since 0.4.0
 */
export const mplsRoute: Entry<Mpls.MplsRoute> = {
  model: Mpls.model,
  rank: 22,
  // without the module the kernel answers a dump of every family: nothing to ask
  list: Effect.suspend(() => (mplsLoaded() ? Mpls.list() : Effect.succeed([]))),
  listWith: (listed) =>
    Effect.suspend(() =>
      mplsLoaded()
        ? Effect.map(Mpls.listRaw(), (raw) => {
            const names = namesOf(listed)
            return raw.map((m) => Mpls.fromMessage(m, names))
          })
        : Effect.succeed([])
    ),
  add: (r) => Mpls.add(r),
  remove: (r) => Mpls.remove(r),
  update: (_from, to) => Mpls.replace(to),
  needs: (r) => [
    ...linkRef(r.dev),
    ...(r.nexthops ?? []).flatMap((n) => linkRef(n.dev)),
    "mpls-settings:mpls"
  ],
  dev: (r) => (typeof r.dev === "string" ? r.dev : undefined),
  kernelMade: () => false
}
