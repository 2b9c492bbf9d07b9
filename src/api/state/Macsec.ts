/**
 * State registry entries of MACsec devices' channels and associations: the
 * receive secure channels (`ip macsec add DEV rx sci SCI`) and the transmit
 * and receive secure associations (`... tx sa AN` / `... rx sci SCI sa
 * AN`), after their MACsec link, an SA after its channel. The SecY's own
 * settings (cipher, encrypt, ...) are the link's kind options.
 *
 * The kernel never reports an association's key: a snapshot carries SAs
 * without keys, and creating one (a restore, an apply, a rollback that puts
 * a removed SA back) needs its `key` (and, for the XPN suites, `salt`) in
 * the object. A plan that would create an SA without one fails validation
 * naming the field before anything is sent. The packet number moves with
 * traffic: it is written when an SA is created and not compared.
 *
 * @since 0.4.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import { invalid } from "../internal/Common.ts"
import { deepEqual, type ObjectType } from "../internal/Model.ts"
import * as Link from "../Link.ts"
import * as Mac from "../Macsec.ts"
import { type Entry, type Listed, linkRef, namesOf, type Op } from "./Entry.ts"

/**
 * A receive secure channel of a MACsec device.
 *
 * @example
 * ```ts
 * const sc: MacsecRxSc = { dev: "m0", sci: "0200000000010001", active: true }
 * ```
 * @since 0.4.0
 */
export interface MacsecRxSc {
  readonly dev: string | number
  /** 16 hex digits. */
  readonly sci: string
  /** Default true. */
  readonly active?: boolean | undefined
}

/**
 * A secure association: transmit without `sci`, receive on the channel
 * `sci`. `key` (hex) and `salt` are input only: the kernel never reports
 * them.
 *
 * @example
 * ```ts
 * const sa: MacsecSa = { dev: "m0", an: 0, pn: 1, keyId: "01", key: "00112233445566778899aabbccddeeff" }
 * ```
 * @since 0.4.0
 */
export interface MacsecSa {
  readonly dev: string | number
  readonly sci?: string | undefined
  readonly an: number
  /** The next packet number (a bigint for the XPN suites): written on creation, not compared. */
  readonly pn?: number | bigint | undefined
  /** Default true. */
  readonly active?: boolean | undefined
  /** Up to 32 hex digits (the kernel keeps 16 bytes: zeros after what is given). */
  readonly keyId: string
  readonly ssci?: number | undefined
  readonly key?: string | undefined
  readonly salt?: string | undefined
}

const Dev = Schema.Union([Schema.String, Schema.Number])
const Hex = Schema.String.check(Schema.isPattern(/^[0-9a-fA-F]*$/))

const rxScSchema: Schema.Codec<MacsecRxSc, any> = Schema.Struct({
  dev: Dev,
  sci: Hex,
  active: Schema.optional(Schema.Boolean)
}) as any

const saSchema: Schema.Codec<MacsecSa, any> = Schema.Struct({
  dev: Dev,
  sci: Schema.optional(Hex),
  an: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3 })),
  pn: Schema.optional(Schema.Union([Schema.Number, Schema.BigInt])),
  active: Schema.optional(Schema.Boolean),
  keyId: Hex,
  ssci: Schema.optional(Schema.Number),
  key: Schema.optional(Hex),
  salt: Schema.optional(Hex)
}) as any

const rxScCanonical = (c: MacsecRxSc): MacsecRxSc => ({
  dev: c.dev,
  sci: c.sci.toLowerCase(),
  active: c.active ?? true
})

const rxScModel: ObjectType<MacsecRxSc> = {
  name: "macsec-rx-sc",
  schema: rxScSchema,
  key: (c) => `${c.dev}|${c.sci.toLowerCase()}`,
  canonical: rxScCanonical,
  equals: (a, b) => deepEqual(rxScCanonical(a), rxScCanonical(b))
}

// configuration only: the key and salt are never reported, the packet number moves with traffic
const saCanonical = (s: MacsecSa): MacsecSa => {
  const out: Record<string, unknown> = {
    dev: s.dev,
    an: s.an,
    active: s.active ?? true,
    keyId: s.keyId.toLowerCase().padEnd(32, "0")
  }
  if (s.sci !== undefined) out.sci = s.sci.toLowerCase()
  if (s.ssci !== undefined) out.ssci = s.ssci
  return out as unknown as MacsecSa
}

const saModel: ObjectType<MacsecSa> = {
  name: "macsec-sa",
  schema: saSchema,
  key: (s) => `${s.dev}|${s.sci === undefined ? "tx" : s.sci.toLowerCase()}|${s.an}`,
  canonical: saCanonical,
  equals: (a, b) => deepEqual(saCanonical(a), saCanonical(b))
}

const hasMacsec = (listed: Listed): boolean => (listed.link ?? []).some((l) => l.kind === "macsec")

// the generic netlink family exists once the module is loaded: only asked when a MACsec link exists
const secys = (listed: Listed): Op<ReadonlyArray<Mac.SecY>> =>
  hasMacsec(listed)
    ? Effect.map(Mac.listRaw(), (raw) => {
        const names = namesOf(listed)
        return raw.map((m) => Mac.fromMessage(m, names))
      })
    : Effect.succeed([])

const linksListed: Op<Listed> = Effect.map(Link.list({ stats: false }), (link) => ({ link }))

const rxScsOf = (ss: ReadonlyArray<Mac.SecY>): Array<MacsecRxSc> =>
  ss.flatMap((s) => s.rxScs.map((c) => ({ dev: s.dev, sci: c.sci, active: c.active })))

const sasOf = (ss: ReadonlyArray<Mac.SecY>): Array<MacsecSa> =>
  ss.flatMap((s) => [
    ...s.txSas.map((a) => saFrom(s.dev, undefined, a)),
    ...s.rxScs.flatMap((c) => c.sas.map((a) => saFrom(s.dev, c.sci, a)))
  ])

const saFrom = (dev: string | number, sci: string | undefined, a: Mac.Sa): MacsecSa => ({
  dev,
  ...(sci !== undefined ? { sci } : {}),
  an: a.an,
  pn: a.pn,
  active: a.active,
  keyId: a.keyId,
  ...(a.ssci !== undefined ? { ssci: a.ssci } : {})
})

/**
 * A MACsec device's receive secure channels (after the MACsec link; an RX
 * SA after its channel).
 *
 * @example
 * ```ts
 * Registry.macsecRxSc.needs({ dev: "m0", sci: "0200000000010001" }) // ["link:m0"]
 * ```
 * @since 0.4.0
 */
export const macsecRxSc: Entry<MacsecRxSc> = {
  model: rxScModel,
  rank: 9,
  list: Effect.flatMap(linksListed, (l) => Effect.map(secys(l), rxScsOf)),
  listWith: (listed) => Effect.map(secys(listed), rxScsOf),
  add: (c) => Mac.addRxSc(c.dev, c.sci, c.active === undefined ? {} : { active: c.active }),
  remove: (c) => Mac.removeRxSc(c.dev, c.sci),
  update: (_from, to) => Mac.updateRxSc(to.dev, to.sci, { active: to.active ?? true }),
  // its associations go with it
  sideEffects: ["macsec-sa"],
  needs: (c) => linkRef(c.dev),
  dev: (c) => (typeof c.dev === "string" ? c.dev : undefined),
  kernelMade: () => false
}

const newSa = (s: MacsecSa): Mac.NewSa => ({
  an: s.an,
  pn: s.pn ?? 1,
  key: s.key ?? "",
  keyId: s.keyId,
  ...(s.active !== undefined ? { active: s.active } : {}),
  ...(s.ssci !== undefined ? { ssci: s.ssci } : {}),
  ...(s.salt !== undefined ? { salt: s.salt } : {})
})

/**
 * Why an SA cannot be created from `s` (its key is not given: the kernel
 * never reports one), or undefined.
 *
 * @example
 * ```ts
 * saWithoutKey({ dev: "m0", an: 0, keyId: "01" }, "macsec-sa") // Validation naming macsec-sa.key
 * ```
 * @since 0.4.0
 */
export const saWithoutKey = (s: MacsecSa, path: string): NetlinkError | undefined =>
  s.key === undefined
    ? invalid(
        `${path}.key`,
        `creating the ${s.sci === undefined ? "TX" : `RX (sci ${s.sci})`} association ${s.an} of ${s.dev} needs its key: the kernel never reports one, so a snapshot has none (add "key" to the object)`
      )
    : undefined

const addSa = (s: MacsecSa): Op =>
  Effect.suspend(() => {
    const bad = saWithoutKey(s, "macsec-sa")
    if (bad !== undefined) return Effect.fail(bad)
    return s.sci === undefined ? Mac.addTxSa(s.dev, newSa(s)) : Mac.addRxSa(s.dev, s.sci, newSa(s))
  })

/**
 * MACsec secure associations, transmit and receive (after the link and the
 * RX channel). Another key id or short SCI is a new association (removed and
 * created again: its key is needed); activity changes in place. An active
 * SA is turned off before it is removed (the kernel refuses otherwise).
 *
 * @example
 * ```ts
 * Registry.macsecSa.needs({ dev: "m0", sci: "0200000000010001", an: 0, keyId: "01" })
 * // ["link:m0", "macsec-rx-sc:m0|0200000000010001"]
 * ```
 * @since 0.4.0
 */
export const macsecSa: Entry<MacsecSa> = {
  model: saModel,
  rank: 11,
  list: Effect.flatMap(linksListed, (l) => Effect.map(secys(l), sasOf)),
  listWith: (listed) => Effect.map(secys(listed), sasOf),
  add: addSa,
  // the kernel refuses to remove an active SA (EBUSY): it is turned off first
  remove: (s) =>
    s.sci === undefined
      ? Effect.andThen(Mac.updateTxSa(s.dev, { an: s.an, active: false }), Mac.removeTxSa(s.dev, s.an))
      : Effect.andThen(
          Mac.updateRxSa(s.dev, s.sci, { an: s.an, active: false }),
          Mac.removeRxSa(s.dev, s.sci, s.an)
        ),
  update: (from, to) => {
    const a = saCanonical(from)
    const b = saCanonical(to)
    if (a.keyId !== b.keyId || a.ssci !== b.ssci) return undefined
    const sa = { an: to.an, active: to.active ?? true }
    return to.sci === undefined ? Mac.updateTxSa(to.dev, sa) : Mac.updateRxSa(to.dev, to.sci, sa)
  },
  needs: (s) => [
    ...linkRef(s.dev),
    ...(s.sci === undefined ? [] : [`macsec-rx-sc:${s.dev}|${s.sci.toLowerCase()}`])
  ],
  dev: (s) => (typeof s.dev === "string" ? s.dev : undefined),
  kernelMade: () => false,
  creates: (s, path) => saWithoutKey(s, path)
}
