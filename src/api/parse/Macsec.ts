/**
 * `ip macsec add|set|del|offload`'s words → the change `Macsec.change`
 * takes, and the device: `m0 tx sa 0 pn 1 on key 01 8181...`, `m0 rx port 1
 * address c6:19:52:8f:e6:a0 on`, `m0 rx sci c619528fe6a00001 sa 0 pn 5 off`,
 * `m0 off`. The key is kept redacted. An SCI is `sci HEX` or `port N
 * address MAC` (either order); `pn` takes a 32-bit number, `xpn` a 64-bit
 * one (the XPN suites, with `ssci` and `salt`).
 *
 * @since 0.4.0
 */
import * as Redacted from "effect/Redacted"
import { isError, type Parsed, Words } from "../internal/Words.ts"
import type { Change, NewSa, SaUpdate, SciRef } from "../macsec/Build.ts"

/**
 * A change to a MACsec device.
 *
 * @example
 * ```ts
 * const c: MacsecCommand = { dev: "m0", change: { op: "removeTxSa", an: 0 } }
 * ```
 */
export interface MacsecCommand {
  readonly dev: string
  readonly change: Change
}

type Verb = "add" | "set" | "del"

const HEX = /^(0x)?[0-9a-f]+$/i
const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i

const u32 = (w: Words, keyword: string, min = 0, max = 0xffffffff): Parsed<number> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const n = /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : Number.NaN
  if (!Number.isInteger(n) || n < min || n > max)
    return w.fail(keyword, `"${v}" is not a number from ${min} to ${max}`)
  return n
}

const u64 = (w: Words, keyword: string): Parsed<bigint> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) return w.fail(keyword, `"${v}" is not a 64-bit number`)
  const n = BigInt(v)
  if (n < 1n || n > 0xffffffffffffffffn) return w.fail(keyword, `"${v}" is not a number from 1 to 2^64-1`)
  return n
}

// a hex string of one of `lengths` bytes (a secret's text is not echoed)
const hexOf = (
  w: Words,
  keyword: string,
  lengths: ReadonlyArray<number>,
  secret: boolean
): Parsed<string> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const text = v.replace(/^0x/i, "")
  const ok = HEX.test(text) && text.length % 2 === 0 && lengths.includes(text.length / 2)
  if (!ok)
    return w.fail(
      keyword,
      `${secret ? "the value" : `"${v}"`} is not ${lengths.map((n) => n * 2).join(" or ")} hex digits`
    )
  return text.toLowerCase()
}

// `sci HEX` or `port N address MAC` (either order)
const sci = (w: Words): Parsed<SciRef> => {
  if (w.acceptExact("sci")) {
    const v = w.value("sci")
    if (isError(v)) return v
    const text = v.replace(/^0x/i, "")
    if (!/^[0-9a-f]{1,16}$/i.test(text)) return w.fail("sci", `"${v}" is not a 64-bit SCI in hex`)
    return text.toLowerCase().padStart(16, "0")
  }
  let port: number | undefined
  let address: string | undefined
  while (port === undefined || address === undefined) {
    if (w.acceptExact("port")) {
      const n = u32(w, "port", 1, 0xffff)
      if (isError(n)) return n
      port = n
    } else if (w.acceptExact("address")) {
      const a = w.value("address")
      if (isError(a)) return a
      if (!MAC.test(a)) return w.fail("address", `"${a}" is not a MAC address`)
      address = a
        .split(":")
        .map((x) => x.padStart(2, "0").toLowerCase())
        .join(":")
    } else return w.fail(port === undefined ? "port" : "address", "an SCI is sci HEX or port N address MAC")
  }
  return { address, port }
}

interface SaWords {
  an: number
  pn?: number | bigint
  ssci?: number
  salt?: string
  active?: boolean
  keyId?: string
  key?: string
}

// `sa AN` and its options: pn/xpn, salt, ssci, on/off, key ID KEY
const sa = (w: Words, verb: Verb): Parsed<SaWords> => {
  if (!w.acceptExact("sa")) return w.fail("sa", '"sa AN" is expected')
  const an = u32(w, "sa", 0, 3)
  if (isError(an)) return an
  const out: SaWords = { an }
  if (verb === "del") return out
  while (!w.done) {
    const word = w.next() as string
    if (word === "pn") {
      const n = u32(w, "pn", 1)
      if (isError(n)) return n
      out.pn = n
    } else if (word === "xpn") {
      const n = u64(w, "xpn")
      if (isError(n)) return n
      out.pn = n
    } else if (word === "ssci") {
      const n = u32(w, "ssci")
      if (isError(n)) return n
      out.ssci = n
    } else if (word === "salt") {
      const s = hexOf(w, "salt", [12], true)
      if (isError(s)) return s
      out.salt = s
    } else if (word === "on" || word === "off") out.active = word === "on"
    else if (word === "key" && verb === "add") {
      const id = hexOf(w, "key", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], false)
      if (isError(id)) return id
      const key = hexOf(w, "key", [16, 32], true)
      if (isError(key)) return key
      out.keyId = id
      out.key = key
    } else {
      w.back()
      return w.unknown(word, ["pn", "xpn", "salt", "ssci", "on", "off", ...(verb === "add" ? ["key"] : [])])
    }
  }
  return out
}

const newSa = (w: Words, s: SaWords): Parsed<NewSa> => {
  if (s.key === undefined || s.keyId === undefined) return w.fail("key", "an SA is created with key ID KEY")
  if (s.pn === undefined) return w.fail("pn", "an SA is created with a packet number (pn N, or xpn N)")
  return {
    an: s.an,
    pn: s.pn,
    keyId: s.keyId,
    key: Redacted.make(s.key, { label: "macsec key" }),
    ...(s.active === undefined ? {} : { active: s.active }),
    ...(s.ssci === undefined ? {} : { ssci: s.ssci }),
    ...(s.salt === undefined ? {} : { salt: Redacted.make(s.salt, { label: "macsec salt" }) })
  }
}

const update = (s: SaWords): SaUpdate => ({
  an: s.an,
  ...(s.pn === undefined ? {} : { pn: s.pn }),
  ...(s.active === undefined ? {} : { active: s.active })
})

const parseVerb = (
  input: string | ReadonlyArray<string>,
  verb: Verb,
  command: string
): Parsed<MacsecCommand> => {
  const w = Words.of(input, command)
  const dev = w.next()
  if (dev === undefined) return w.fail("dev", "the MACsec device is required")
  let change: Change
  if (w.acceptExact("tx")) {
    const s = sa(w, verb)
    if (isError(s)) return s
    if (verb === "add") {
      const n = newSa(w, s)
      if (isError(n)) return n
      change = { op: "addTxSa", sa: n }
    } else change = verb === "set" ? { op: "updateTxSa", sa: update(s) } : { op: "removeTxSa", an: s.an }
  } else if (w.acceptExact("rx")) {
    const ref = sci(w)
    if (isError(ref)) return ref
    if (w.peek() === "sa") {
      const s = sa(w, verb)
      if (isError(s)) return s
      if (verb === "add") {
        const n = newSa(w, s)
        if (isError(n)) return n
        change = { op: "addRxSa", sci: ref, sa: n }
      } else
        change =
          verb === "set"
            ? { op: "updateRxSa", sci: ref, sa: update(s) }
            : { op: "removeRxSa", sci: ref, an: s.an }
    } else {
      let active: boolean | undefined
      if (verb !== "del" && (w.peek() === "on" || w.peek() === "off")) active = w.next() === "on"
      if (verb === "del") change = { op: "removeRxSc", sci: ref }
      else if (verb === "add")
        change = { op: "addRxSc", sci: ref, ...(active === undefined ? {} : { active }) }
      else {
        if (active === undefined) return w.fail("rx", '"on" or "off" is expected')
        change = { op: "updateRxSc", sci: ref, active }
      }
    }
  } else {
    const word = w.peek()
    return word === undefined ? w.fail("", '"tx" or "rx" is expected') : w.unknown(word, ["tx", "rx"])
  }
  const end = w.end()
  if (isError(end)) return end
  return { dev, change }
}

/**
 * `ip macsec add`'s words: a TX SA, an RX SC or an RX SA.
 *
 * @example
 * ```ts
 * parseAdd("m0 tx sa 0 pn 1 on key 01 81818181818181818181818181818181")
 * // { dev: "m0", change: { op: "addTxSa", sa: { an: 0, pn: 1, active: true, keyId: "01", key: <redacted> } } }
 * ```
 * @since 0.4.0
 */
export const parseAdd = (
  input: string | ReadonlyArray<string>,
  command = "macsec add"
): Parsed<MacsecCommand> => parseVerb(input, "add", command)

/**
 * `ip macsec set`'s words: a TX SA's or RX SA's pn and state, an RX SC's state.
 *
 * @example
 * ```ts
 * parseSet("m0 tx sa 0 pn 100 off")
 * ```
 * @since 0.4.0
 */
export const parseSet = (
  input: string | ReadonlyArray<string>,
  command = "macsec set"
): Parsed<MacsecCommand> => parseVerb(input, "set", command)

/**
 * `ip macsec del`'s words.
 *
 * @example
 * ```ts
 * parseDel("m0 rx sci c619528fe6a00001 sa 0")
 * ```
 * @since 0.4.0
 */
export const parseDel = (
  input: string | ReadonlyArray<string>,
  command = "macsec del"
): Parsed<MacsecCommand> => parseVerb(input, "del", command)

/**
 * `ip macsec offload`'s words: `DEV off|phy|mac`.
 *
 * @example
 * ```ts
 * parseOffload("m0 mac")
 * ```
 * @since 0.4.0
 */
export const parseOffload = (
  input: string | ReadonlyArray<string>,
  command = "macsec offload"
): Parsed<MacsecCommand> => {
  const w = Words.of(input, command)
  const dev = w.next()
  if (dev === undefined) return w.fail("dev", "the MACsec device is required")
  const mode = w.value("offload")
  if (isError(mode)) return mode
  if (mode !== "off" && mode !== "phy" && mode !== "mac")
    return w.fail("offload", `"${mode}" is not off, phy or mac`)
  const end = w.end()
  if (isError(end)) return end
  return { dev, change: { op: "setOffload", offload: mode } }
}
