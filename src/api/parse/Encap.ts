/**
 * `encap TYPE ...` words of `ip route` and `ip nexthop`: mpls, ip, ip6 and
 * seg6 encapsulations, as iproute2 reads them (iproute_lwtunnel.c).
 *
 * @since 0.3.0
 */
import { AF_INET, AF_INET6 } from "../internal/Common.ts"
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
  }
  return w.fail("encap", `"${type}" is not an encapsulation nlink reads from words (mpls, ip, ip6, seg6)`)
}
