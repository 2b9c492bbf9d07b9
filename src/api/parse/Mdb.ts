/**
 * `bridge mdb add|del|replace` words → an {@link Mdb} entry (bridge/mdb.c).
 *
 * @since 0.3.0
 */
import * as Names from "../internal/Names.ts"
import { intValue, isError, type Keyword, keywords, type Parsed, Words } from "../internal/Words.ts"
import type { Mdb } from "../Mdb.ts"
import { checkAddress, type Draft, kw, namedValue, set, devKeyword } from "./Common.ts"

const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i

const table: ReadonlyArray<Keyword<Draft>> = [
  devKeyword(),
  kw(
    "port",
    set("port", (w, k) => w.value(k)),
    { exact: true }
  ),
  kw(
    "grp",
    (w, s) => {
      const v = w.value("grp")
      if (isError(v)) return v
      if (!MAC.test(v)) {
        const a = checkAddress(w, "grp", v)
        if (isError(a)) return a
      }
      s.group = v
    },
    { exact: true }
  ),
  kw(
    "src",
    (w, s) => {
      const v = w.value("src")
      if (isError(v)) return v
      const a = checkAddress(w, "src", v)
      if (isError(a)) return a
      s.source = a
    },
    { exact: true }
  ),
  kw(
    "permanent",
    (_w, s) => {
      s.state = "permanent"
    },
    { exact: true }
  ),
  kw(
    "temp",
    (_w, s) => {
      s.state = "temp"
    },
    { exact: true }
  ),
  kw(
    "vid",
    set("vid", (w, k) => intValue(w, k, 1, 4094)),
    { exact: true }
  ),
  kw(
    "filter_mode",
    (w, s) => {
      const v = w.value("filter_mode")
      if (isError(v)) return v
      if (v !== "include" && v !== "exclude") return w.fail("filter_mode", `"${v}" is not include or exclude`)
      s.filterMode = v
    },
    { exact: true }
  ),
  kw(
    "source_list",
    (w, s) => {
      const v = w.value("source_list")
      if (isError(v)) return v
      const list = v.split(",")
      for (const a of list) {
        const c = checkAddress(w, "source_list", a)
        if (isError(c)) return c
      }
      s.sources = list
    },
    { exact: true }
  ),
  kw("proto", set("protocol", namedValue(Names.protocol, 255)), { exact: true })
]

/**
 * Reads the words of `bridge mdb add|del|replace` into an {@link Mdb}:
 * `dev BRIDGE port PORT grp GROUP [src S] [permanent|temp] [vid V]
 * [filter_mode include|exclude] [source_list A,B] [proto P]`.
 *
 * @example
 * ```ts
 * Mdb.parse("dev br0 port eth0 grp 239.1.1.1 permanent vid 10")
 * // { dev: "br0", port: "eth0", group: "239.1.1.1", state: "permanent", vid: 10 }
 * ```
 * @since 0.3.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "mdb add"): Parsed<Mdb> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, table, s)
  if (isError(r)) return r
  for (const [field, keyword] of [
    ["dev", "dev"],
    ["port", "port"],
    ["group", "grp"]
  ] as const)
    if (s[field] === undefined) return w.fail(keyword, `"${keyword}" is required`)
  return s as unknown as Mdb
}
