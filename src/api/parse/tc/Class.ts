/**
 * `tc class add|del|replace|change` words → the library's Class: `dev eth0
 * parent 1: classid 1:10 htb rate 1mbit ceil 2mbit burst 15k`. Before the
 * kind: `dev`, `parent`/`root`, `classid`; the kind's options after it
 * (src/api/parse/tc/Options.ts and QdiscKinds.ts).
 *
 * @since 0.4.0
 */
import type * as Class from "../../Class.ts"
import { isError, type Parsed, Words } from "../../internal/Words.ts"
import { classKinds } from "../../tc/registry.ts"
import { classKeywords } from "./QdiscKinds.ts"
import { handleValue, kindOptions } from "./Qdisc.ts"

type Mutable = Record<string, unknown>

/**
 * The words of a class command after `tc class add` (or del/replace/change);
 * `kind: undefined` when none is named (`tc class del dev eth0 classid 1:10`).
 *
 * @example
 * ```ts
 * parseWords("dev eth0 classid 1:10", "class del") // { dev: "eth0", classid: "1:10" }
 * ```
 */
export const parseWords = (
  input: string | ReadonlyArray<string>,
  command = "class add"
): Parsed<Omit<Class.Class, "kind"> & { readonly kind?: string }> => {
  const w = Words.of(input, command)
  const c: Mutable = {}
  while (!w.done) {
    const word = w.next() as string
    if (word === "dev") {
      const d = w.value("dev")
      if (isError(d)) return d
      c.dev = d
    } else if (word === "root") c.parent = "root"
    else if (word === "parent") {
      const p = handleValue(w, "parent", false)
      if (isError(p)) return p
      c.parent = p
    } else if (word === "classid") {
      const h = handleValue(w, "classid", false)
      if (isError(h)) return h
      c.classid = h
    } else {
      c.kind = word
      break
    }
  }
  if (c.dev === undefined) return w.fail("dev", "a device is required (dev NAME)")
  if (c.classid === undefined) return w.fail("classid", "a classid is required (classid MAJOR:MINOR)")
  if (c.kind === undefined) return c as any
  const r = kindOptions(w, c.kind as string, classKinds, classKeywords, c, "class")
  if (isError(r)) return r
  const end = w.end()
  if (isError(end)) return end
  return c as any
}

/**
 * A class from `tc class add` words.
 *
 * @example
 * ```ts
 * const c = parse("dev eth0 parent 1: classid 1:10 htb rate 1mbit ceil 2mbit")
 * ```
 * @since 0.4.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "class add"): Parsed<Class.Class> => {
  const c = parseWords(input, command)
  if (isError(c)) return c
  if (c.kind === undefined) return Words.of([], command).fail("", "a class kind is required (htb, hfsc ...)")
  return c as Class.Class
}
