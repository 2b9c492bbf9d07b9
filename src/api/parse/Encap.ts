/**
 * `encap TYPE ...` words of `ip route` and `ip nexthop`: mpls, ip, ip6, seg6,
 * seg6local and ioam6 encapsulations, as iproute2 reads them
 * (iproute_lwtunnel.c). bpf programs (and seg6local's `endpoint`) are given
 * by fd in the library, not by object file, so they are not read from words.
 *
 * @since 0.3.0
 */
import { AF_INET, AF_INET6 } from "../internal/Common.ts"
import * as Names from "../internal/Names.ts"
import { int, intValue, isError, keywordsUntil, type Parsed, Words } from "../internal/Words.ts"
import type * as Encap from "../nexthop/Encap.ts"
import { addressValue, type Draft, flag, kw } from "./Common.ts"

const u8 = (field: string) =>
  kw(
    field,
    (w, s: Draft) => {
      const v = intValue(w, field, 0, 255)
      if (isError(v)) return v
      s[field] = v
    },
    { exact: true }
  )

const tunnel = (family: number) => [
  kw(
    "id",
    (w, s: Draft) => {
      const v = w.value("id")
      if (isError(v)) return v
      if (!/^(\d+|0x[0-9a-f]+)$/i.test(v) || BigInt(v) > 0xffffffffffffffffn)
        return w.fail("id", `"${v}" is not a 64-bit number`)
      s.id = BigInt(v)
    },
    { exact: true }
  ),
  kw(
    "dst",
    (w, s: Draft) => {
      const v = addressValue(w, "dst", family)
      if (isError(v)) return v
      s.dst = v
    },
    { exact: true }
  ),
  kw(
    "src",
    (w, s: Draft) => {
      const v = addressValue(w, "src", family)
      if (isError(v)) return v
      s.src = v
    },
    { exact: true }
  ),
  ...(family === AF_INET ? [u8("tos"), u8("ttl")] : [u8("tc"), u8("hoplimit")]),
  flag("key", "key"),
  flag("csum", "csum"),
  flag("seq", "seq")
]
const IP = tunnel(AF_INET)
const IP6 = tunnel(AF_INET6)

/**
 * Reads `TYPE ...` after the `encap` keyword (already consumed). Stops at the
 * first word the encapsulation does not take, leaving it for the caller.
 */
export const parseEncap = (w: Words): Parsed<Encap.Encap> => {
  const type = w.value("encap")
  if (isError(type)) return type
  switch (type) {
    case "mpls": {
      const labels = w.value("encap mpls")
      if (isError(labels)) return labels
      const out: Array<number> = []
      for (const l of labels.split("/")) {
        const n = int(w, "encap mpls", l, 0, 0xfffff)
        if (isError(n)) return n
        out.push(n)
      }
      if (w.accept("ttl", 3)) {
        const ttl = intValue(w, "ttl", 0, 255)
        if (isError(ttl)) return ttl
        return { type: "mpls", labels: out, ttl }
      }
      return { type: "mpls", labels: out }
    }
    case "ip":
    case "ip6": {
      const s: Draft = { type }
      const r = keywordsUntil(w, type === "ip" ? IP : IP6, s)
      if (isError(r)) return r
      return s as unknown as Encap.Encap
    }
    case "seg6": {
      const s: Draft = { type: "seg6" }
      const r = keywordsUntil(
        w,
        [
          kw(
            "mode",
            (w, s: Draft) => {
              const v = w.value("mode")
              if (isError(v)) return v
              if (!["inline", "encap", "l2encap", "encap.red", "l2encap.red"].includes(v))
                return w.fail("mode", `"${v}" is not a seg6 mode`)
              s.mode = v
            },
            { exact: true }
          ),
          kw(
            "segs",
            (w, s: Draft) => {
              const v = w.value("segs")
              if (isError(v)) return v
              const segs = v.split(",")
              for (const a of segs) {
                const c = addressValue(new Words([a], w.command), "segs", AF_INET6)
                if (isError(c)) return c
              }
              s.segments = segs
            },
            { exact: true }
          ),
          kw(
            "hmac",
            (w, s: Draft) => {
              const v = intValue(w, "hmac")
              if (isError(v)) return v
              s.hmac = v
            },
            { exact: true }
          )
        ],
        s
      )
      if (isError(r)) return r
      if (s.segments === undefined) return w.fail("encap seg6", "needs segs")
      if (s.mode === undefined) s.mode = "encap"
      return s as unknown as Encap.Encap
    }
    case "seg6local":
      return seg6local(w)
    case "ioam6":
      return ioam6(w)
  }
  return w.fail(
    "encap",
    `"${type}" is not an encapsulation nlink reads from words (mpls, ip, ip6, seg6, seg6local, ioam6)`
  )
}

const word = (field: string, read: (w: Words, k: string) => Parsed<unknown>) =>
  kw(
    field,
    (w, s: Draft) => {
      const v = read(w, field)
      if (isError(v)) return v
      s[field] = v
    },
    { exact: true }
  )

const tableWord = (w: Words, k: string): Parsed<string | number> => {
  const v = w.value(k)
  if (isError(v)) return v
  const n = Names.table.number(v)
  if (n === undefined) return w.fail(k, `"${v}" is not a routing table`)
  return /^\d+$/.test(v) ? n : v
}

/** `action ACTION [table T] [vrftable T] [nh4 A] [nh6 A] [iif D] [oif D] [count] [flavors F,.. [lblen N] [nflen N]] [srh segs A,.. [hmac N]]`. */
const seg6local = (w: Words): Parsed<Encap.Encap> => {
  const s: Draft = { type: "seg6local" }
  const r = keywordsUntil(
    w,
    [
      word("action", (w, k) => w.value(k)),
      word("table", tableWord),
      word("vrftable", tableWord),
      word("nh4", (w, k) => addressValue(w, k, AF_INET)),
      word("nh6", (w, k) => addressValue(w, k, AF_INET6)),
      word("iif", (w, k) => w.value(k)),
      word("oif", (w, k) => w.value(k)),
      kw(
        "count",
        (_w, s: Draft) => {
          s.counters = true
        },
        { exact: true }
      ),
      kw(
        "flavors",
        (w, s: Draft) => {
          const v = w.value("flavors")
          if (isError(v)) return v
          const operations = v.split(",")
          for (const o of operations)
            if (!["psp", "usp", "usd", "next-csid"].includes(o))
              return w.fail("flavors", `"${o}" is not a flavor`)
          const f: Draft = { operations }
          for (const len of ["lblen", "nflen"] as const)
            if (w.acceptExact(len)) {
              const n = intValue(w, len, 0, 255)
              if (isError(n)) return n
              f[len] = n
            }
          s.flavors = f
        },
        { exact: true }
      ),
      kw(
        "srh",
        (w, s: Draft) => {
          if (!w.acceptExact("segs")) return w.fail("srh", `missing "segs" attribute for srh`)
          const v = w.value("segs")
          if (isError(v)) return v
          const segments = v.split(",")
          for (const a of segments) {
            const c = addressValue(new Words([a], w.command), "segs", AF_INET6)
            if (isError(c)) return c
          }
          const srh: Draft = { segments }
          if (w.acceptExact("hmac")) {
            const n = intValue(w, "hmac")
            if (isError(n)) return n
            srh.hmac = n
          }
          s.srh = srh
        },
        { exact: true }
      ),
      kw(
        "endpoint",
        (w) => w.fail("endpoint", "a BPF program is given by fd in the library (Encap.Seg6Local.bpf)"),
        {
          exact: true
        }
      )
    ],
    s
  )
  if (isError(r)) return r
  if (s.action === undefined) return w.fail("encap seg6local", `"action" is required`)
  return s as unknown as Encap.Encap
}

/** `[freq K/N] [mode inline|encap|auto] [tunsrc A] [tundst A] trace prealloc type T ns N size S`, in ip's order. */
const ioam6 = (w: Words): Parsed<Encap.Encap> => {
  // ip sends a frequency of 1/1 unless told otherwise
  const s: Draft = { type: "ioam6", freq: { k: 1, n: 1 } }
  if (w.acceptExact("freq")) {
    const v = w.value("freq")
    if (isError(v)) return v
    const m = /^(\d+)\/(\d+)$/.exec(v)
    if (m === null || Number(m[1]) > Number(m[2]) || Number(m[1]) < 1)
      return w.fail("freq", `"${v}" is not a frequency K/N (1 <= K <= N)`)
    s.freq = { k: Number(m[1]), n: Number(m[2]) }
  }
  if (w.acceptExact("mode")) {
    const v = w.value("mode")
    if (isError(v)) return v
    if (v !== "inline" && v !== "encap" && v !== "auto")
      return w.fail("mode", `"${v}" is not inline, encap or auto`)
    s.mode = v
  }
  for (const field of ["tunsrc", "tundst"] as const)
    if (w.acceptExact(field)) {
      const a = addressValue(w, field, AF_INET6)
      if (isError(a)) return a
      s[field] = a
    }
  if (!w.acceptExact("trace") || !w.acceptExact("prealloc"))
    return w.fail("encap ioam6", `"trace prealloc" is required`)
  const trace: Draft = {}
  for (;;) {
    const field = w.acceptExact("type")
      ? "type"
      : w.acceptExact("ns")
        ? "namespace"
        : w.acceptExact("size")
          ? "size"
          : undefined
    if (field === undefined) break
    const keyword = field === "namespace" ? "ns" : field
    const n = intValue(w, keyword, 0, field === "type" ? 0xffffff : field === "namespace" ? 0xffff : 244)
    if (isError(n)) return n
    trace[field] = n
  }
  for (const [f, k] of [
    ["type", "type"],
    ["namespace", "ns"],
    ["size", "size"]
  ] as const)
    if (trace[f] === undefined) return w.fail("trace", `"${k}" is required`)
  s.trace = trace
  return s as unknown as Encap.Encap
}
