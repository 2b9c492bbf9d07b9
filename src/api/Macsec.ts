/**
 * MACsec over generic netlink (family "macsec"): a device's SecY as `ip
 * macsec show` shows it — its configuration, its TX SAs, its RX SCs with
 * their RX SAs — with the counters apart under `status`; and the changes
 * `ip macsec add|set|del|offload` make. Keys and salts are taken as hex
 * (plain or `Redacted`) and never appear in errors, logs or JSON; the
 * kernel never reports them back.
 *
 * Create the device itself as a link of kind `macsec` (`Link.add({ kind:
 * "macsec", name: "m0", link: "eth0", cipher: "gcm-aes-256", encrypt: true
 * })`).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Macsec, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Macsec.addTxSa("m0", { an: 0, pn: 1, keyId: "01", key: Redacted.make("81818181818181818181818181818181") })
 *   yield* Macsec.addRxSc("m0", { address: "c6:19:52:8f:e6:a0", port: 1 })
 *   yield* Macsec.addRxSa("m0", "c619528fe6a00001", { an: 0, pn: 1, keyId: "02", key: Redacted.make("8282...") })
 *   return yield* Macsec.get("m0")
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import {
  decodeGetTxscReply,
  encodeGetTxscRequest,
  GenlFamily,
  type MacsecAttrs,
  type MacsecRxscAttrs,
  type MacsecSaAttrs
} from "../generated/macsec/index.ts"
import { kernel, NetlinkError } from "../runtime/NetlinkError.ts"
import * as Genl from "./Genl.ts"
import { buildMessage, NLM_F_DUMP, operationOf } from "./internal/Common.ts"
import { type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { type CipherSuite, CIPHER_SUITES, sciText } from "./link/kinds/macsec.ts"
import { buildRequest, type Change, type NewSa, type SaUpdate, type SciRef } from "./macsec/Build.ts"
import type { Netlink } from "./Netlink.ts"

export { buildRequest, type Change, type NewSa, type SaUpdate, type SciRef } from "./macsec/Build.ts"

const NLMSG_HDRLEN = 16

/**
 * A secure association as the kernel reports it (its key is never reported).
 *
 * @since 0.3.0
 */
export interface Sa {
  readonly an: number
  readonly active: boolean
  /** Next packet number: a number for the 32-bit suites, a bigint for XPN. */
  readonly pn: number | bigint
  /** 32 hex digits. */
  readonly keyId: string
  /** Short SCI (XPN suites). */
  readonly ssci?: number
  /** Packet counters (MACSEC_SA_STATS_ATTR_*): TX SAs count out*, RX SAs in*. */
  readonly status: {
    readonly inPktsOk?: number
    readonly inPktsInvalid?: number
    readonly inPktsNotValid?: number
    readonly inPktsNotUsingSa?: number
    readonly inPktsUnusedSa?: number
    readonly outPktsProtected?: number
    readonly outPktsEncrypted?: number
  }
}

/**
 * A receive secure channel with its associations.
 *
 * @since 0.3.0
 */
export interface RxSc {
  /** 16 hex digits. */
  readonly sci: string
  readonly active: boolean
  readonly sas: ReadonlyArray<Sa>
  /** MACSEC_RXSC_STATS_ATTR_* counters. */
  readonly status: Readonly<Record<string, bigint>>
}

/**
 * A MACsec device's SecY: what `ip macsec show` shows.
 *
 * @since 0.3.0
 */
export interface SecY {
  /** The MACsec device's name (its index when it has none known). */
  readonly dev: string | number
  readonly index: number
  readonly sci: string
  readonly cipher: CipherSuite | bigint
  readonly icvlen: number
  readonly encodingsa: number
  readonly encrypt: boolean
  readonly protect: boolean
  readonly replay: boolean
  readonly window: number
  readonly validate: "disabled" | "check" | "strict" | number
  readonly sendSci: boolean
  readonly endStation: boolean
  readonly scb: boolean
  readonly offload: "off" | "phy" | "mac" | number
  readonly txSas: ReadonlyArray<Sa>
  readonly rxScs: ReadonlyArray<RxSc>
  readonly status: {
    /** The SecY is operational (the device is up with its lower device). */
    readonly operational: boolean
    /** MACSEC_TXSC_STATS_ATTR_* counters. */
    readonly txSc: Readonly<Record<string, bigint>>
    /** MACSEC_SECY_STATS_ATTR_* counters. */
    readonly secy: Readonly<Record<string, bigint>>
  }
}

const VALIDATE = ["disabled", "check", "strict"] as const
const OFFLOAD = ["off", "phy", "mac"] as const

const cipherName = (id: bigint): CipherSuite | bigint => {
  if (id === 0x0080020001000001n) return "gcm-aes-128"
  for (const [k, v] of Object.entries(CIPHER_SUITES)) if (v === id) return k as CipherSuite
  return id
}

const hex = (b: Uint8Array | undefined): string => {
  let s = ""
  for (const x of b ?? []) s += x.toString(16).padStart(2, "0")
  return s
}

const pnOf = (b: Uint8Array | undefined): number | bigint => {
  if (b === undefined) return 0
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return b.length >= 8 ? dv.getBigUint64(0, true) : b.length >= 4 ? dv.getUint32(0, true) : 0
}

const counters = (o: object | undefined): Record<string, bigint> => {
  const out: Record<string, bigint> = {}
  if (o !== undefined) for (const [k, v] of Object.entries(o)) if (typeof v === "bigint") out[k] = v
  return out
}

const saOf = (a: MacsecSaAttrs): Sa => {
  const { unknown: _u, ...stats } = a.stats ?? {}
  return {
    an: a.an ?? 0,
    active: a.active === 1,
    pn: pnOf(a.pn),
    keyId: hex(a.keyid),
    ...(a.ssci !== undefined ? { ssci: a.ssci } : {}),
    status: stats
  }
}

const rxscOf = (a: MacsecRxscAttrs): RxSc => ({
  sci: a.sci === undefined ? "" : sciText(a.sci),
  active: a.active === 1,
  sas: (a.saList ?? []).map(saOf),
  status: counters(a.stats)
})

/** The SecY of one decoded MACSEC_CMD_GET_TXSC reply (exported for tests). */
export const fromMessage = (m: MacsecAttrs, name: (index: number) => string | number): SecY => {
  const s = m.secy ?? {}
  const index = m.ifindex ?? 0
  const offload = m.offload?.type ?? 0
  const validate = s.validate ?? 2
  return {
    dev: name(index),
    index,
    sci: s.sci === undefined ? "" : sciText(s.sci),
    cipher: cipherName(s.cipherSuite ?? 0x0080c20001000001n),
    icvlen: s.icvLen ?? 16,
    encodingsa: s.encodingSa ?? 0,
    encrypt: s.encrypt === 1,
    protect: s.protect === 1,
    replay: s.replay === 1,
    window: s.window ?? 0,
    validate: VALIDATE[validate] ?? validate,
    sendSci: s.incSci === 1,
    endStation: s.es === 1,
    scb: s.scb === 1,
    offload: OFFLOAD[offload] ?? offload,
    txSas: (m.txsaList ?? []).map(saOf),
    rxScs: (m.rxscList ?? []).map(rxscOf),
    status: { operational: s.oper === 1, txSc: counters(m.txscStats), secy: counters(m.secyStats) }
  }
}

/**
 * The decoded MACSEC_CMD_GET_TXSC replies: every MACsec device of the
 * namespace, as the kernel sends them.
 *
 * @example
 * ```ts
 * const raw = yield* Macsec.listRaw()
 * raw[0].secy?.cipherSuite // 0x0080020001000001n
 * ```
 * @since 0.3.0
 */
export const listRaw = operationOf(
  "Macsec.listRaw",
  (): Effect.Effect<ReadonlyArray<MacsecAttrs>, NetlinkError, Netlink> =>
    Genl.withFamily(GenlFamily.name, (f, conn) =>
      conn.dumpAll(
        buildMessage(f.id, NLM_F_DUMP, (w) => encodeGetTxscRequest(w, {})),
        (buf, view, start, end) => decodeGetTxscReply(buf, view, start + NLMSG_HDRLEN, end),
        { operation: "macsec show", headerLength: 4 }
      )
    )
)

/**
 * Every MACsec device's SecY (`ip macsec show`).
 *
 * @example
 * ```ts
 * const all = yield* Macsec.list()
 * all.map((s) => [s.dev, s.txSas.length, s.rxScs.length])
 * ```
 * @since 0.3.0
 */
export const list = operationOf(
  "Macsec.list",
  (): Effect.Effect<ReadonlyArray<SecY>, NetlinkError, Netlink> =>
    Effect.flatMap(listRaw(), (raw) =>
      Effect.map(linkNames, (names) => raw.map((m) => fromMessage(m, names)))
    )
)

/**
 * One MACsec device's SecY (`ip macsec show DEV`); a device that is not a
 * MACsec device fails with a Kernel ENODEV reason.
 *
 * @example
 * ```ts
 * const secy = yield* Macsec.get("m0")
 * secy.txSas.map((sa) => [sa.an, sa.pn, sa.active])
 * ```
 * @since 0.3.0
 */
export const get = operationOf(
  "Macsec.get",
  (dev: LinkRef): Effect.Effect<SecY, NetlinkError, Netlink> =>
    Effect.gen(function* () {
      const index = yield* linkIndex(dev)
      const raw = yield* listRaw()
      const m = raw.find((x) => x.ifindex === index)
      if (m === undefined) return yield* Effect.fail(notMacsec(dev))
      return fromMessage(m, yield* linkNames)
    })
)

const notMacsec = (dev: LinkRef): NetlinkError =>
  kernel(19, { operation: `macsec show ${dev}: not a MACsec device` })

/**
 * Applies one change to a MACsec device (the operations below call it).
 * Invalid input fails with a Validation error naming the field, before
 * anything is sent.
 *
 * @example
 * ```ts
 * yield* Macsec.change("m0", { op: "setOffload", offload: "off" })
 * ```
 * @since 0.3.0
 */
export const change = operationOf(
  "Macsec.change",
  (dev: LinkRef, c: Change): Effect.Effect<void, NetlinkError, Netlink> =>
    Effect.flatMap(linkIndex(dev), (index) => {
      // validate before resolving the family: bad input sends nothing
      const probe = buildRequest(0x10, index, c)
      if (probe instanceof NetlinkError) return Effect.fail(probe)
      return Genl.withFamily(GenlFamily.name, (f, conn) =>
        conn.request(buildRequest(f.id, index, c) as Uint8Array, {
          operation: `macsec ${c.op} ${dev}`,
          headerLength: 4
        })
      )
    })
)

/**
 * Creates a TX SA (`ip macsec add DEV tx sa AN pn PN on key KEYID KEY`).
 *
 * @example
 * ```ts
 * yield* Macsec.addTxSa("m0", { an: 0, pn: 1, keyId: "01", key: Redacted.make(hexKey) })
 * ```
 * @since 0.3.0
 */
export const addTxSa = (dev: LinkRef, sa: NewSa) => change(dev, { op: "addTxSa", sa })

/**
 * Changes a TX SA's packet number or activity (`ip macsec set DEV tx sa AN pn PN off`).
 *
 * @example
 * ```ts
 * yield* Macsec.updateTxSa("m0", { an: 0, active: false })
 * ```
 * @since 0.3.0
 */
export const updateTxSa = (dev: LinkRef, sa: SaUpdate) => change(dev, { op: "updateTxSa", sa })

/**
 * Deletes a TX SA (`ip macsec del DEV tx sa AN`).
 *
 * @example
 * ```ts
 * yield* Macsec.removeTxSa("m0", 0)
 * ```
 * @since 0.3.0
 */
export const removeTxSa = (dev: LinkRef, an: number) => change(dev, { op: "removeTxSa", an })

/**
 * Creates an RX SC for a peer (`ip macsec add DEV rx port P address MAC [on|off]`).
 *
 * @example
 * ```ts
 * yield* Macsec.addRxSc("m0", { address: "c6:19:52:8f:e6:a0", port: 1 })
 * ```
 * @since 0.3.0
 */
export const addRxSc = (dev: LinkRef, sci: SciRef, options: { readonly active?: boolean } = {}) =>
  change(dev, { op: "addRxSc", sci, ...(options.active === undefined ? {} : { active: options.active }) })

/**
 * Turns an RX SC on or off (`ip macsec set DEV rx sci SCI on|off`).
 *
 * @example
 * ```ts
 * yield* Macsec.updateRxSc("m0", "c619528fe6a00001", { active: false })
 * ```
 * @since 0.3.0
 */
export const updateRxSc = (dev: LinkRef, sci: SciRef, options: { readonly active: boolean }) =>
  change(dev, { op: "updateRxSc", sci, active: options.active })

/**
 * Deletes an RX SC with its SAs (`ip macsec del DEV rx sci SCI`).
 *
 * @example
 * ```ts
 * yield* Macsec.removeRxSc("m0", "c619528fe6a00001")
 * ```
 * @since 0.3.0
 */
export const removeRxSc = (dev: LinkRef, sci: SciRef) => change(dev, { op: "removeRxSc", sci })

/**
 * Creates an RX SA in an RX SC (`ip macsec add DEV rx sci SCI sa AN pn PN on key KEYID KEY`).
 *
 * @example
 * ```ts
 * yield* Macsec.addRxSa("m0", "c619528fe6a00001", { an: 0, pn: 1, keyId: "02", key: Redacted.make(hexKey) })
 * ```
 * @since 0.3.0
 */
export const addRxSa = (dev: LinkRef, sci: SciRef, sa: NewSa) => change(dev, { op: "addRxSa", sci, sa })

/**
 * Changes an RX SA's packet number or activity.
 *
 * @example
 * ```ts
 * yield* Macsec.updateRxSa("m0", "c619528fe6a00001", { an: 0, pn: 5, active: false })
 * ```
 * @since 0.3.0
 */
export const updateRxSa = (dev: LinkRef, sci: SciRef, sa: SaUpdate) =>
  change(dev, { op: "updateRxSa", sci, sa })

/**
 * Deletes an RX SA.
 *
 * @example
 * ```ts
 * yield* Macsec.removeRxSa("m0", "c619528fe6a00001", 0)
 * ```
 * @since 0.3.0
 */
export const removeRxSa = (dev: LinkRef, sci: SciRef, an: number) =>
  change(dev, { op: "removeRxSa", sci, an })

/**
 * Sets the offload mode (`ip macsec offload DEV off|phy|mac`); phy and mac
 * need a lower device that offloads MACsec.
 *
 * @example
 * ```ts
 * yield* Macsec.setOffload("m0", "off")
 * ```
 * @since 0.3.0
 */
export const setOffload = (dev: LinkRef, offload: "off" | "phy" | "mac") =>
  change(dev, { op: "setOffload", offload })

/**
 * `ip macsec add|set|del|offload`'s words (after the verb) as the device and
 * the change {@link change} takes, or a Validation error naming the keyword;
 * nothing is sent.
 *
 * @example
 * ```ts
 * const { dev, change: c } = Macsec.parseAdd("m0 rx port 1 address c6:19:52:8f:e6:a0 on") as Macsec.MacsecCommand
 * yield* Macsec.change(dev, c)
 * ```
 * @since 0.4.0
 */
export { type MacsecCommand, parseAdd, parseDel, parseOffload, parseSet } from "./parse/Macsec.ts"
