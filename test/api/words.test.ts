import { describe, expect, it } from "vitest"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import {
  choiceValue,
  intValue,
  isError,
  type Keyword,
  keywords,
  matches,
  onOffValue,
  Words
} from "../../src/api/internal/Words.ts"

const pathOf = (e: unknown): string => {
  expect(e).toBeInstanceOf(NetlinkError)
  const reason = (e as NetlinkError).reason
  expect(reason._tag).toBe("Validation")
  return (reason as { readonly path: string }).path
}

describe("Words: iproute2's grammar", () => {
  it("matches keywords by prefix, as iproute2's matches() does, with a minimum length", () => {
    expect(matches("r", "route")).toBe(true)
    expect(matches("route", "route")).toBe(true)
    expect(matches("routes", "route")).toBe(false)
    expect(matches("", "route")).toBe(false)
    expect(matches("ro", "route", 3)).toBe(false)
    expect(matches("rou", "route", 3)).toBe(true)
  })

  it("walks the words and names the keyword that lacks a value", () => {
    const w = Words.of("  10.0.0.0/24   via 10.0.0.1 dev ", "route add")
    expect(w.next()).toBe("10.0.0.0/24")
    expect(w.accept("via")).toBe(true)
    expect(w.value("via")).toBe("10.0.0.1")
    expect(w.accept("dev")).toBe(true)
    expect(pathOf(w.value("dev"))).toBe("route add: dev")
    expect(w.done).toBe(true)
  })

  it("reads integers in range, on/off and choices, naming the keyword on bad values", () => {
    expect(intValue(Words.of("0x10", "x"), "mtu")).toBe(16)
    expect(pathOf(intValue(Words.of("70000", "link set"), "mtu", 0, 65535))).toBe("link set: mtu")
    expect(pathOf(intValue(Words.of("12ab", "link set"), "mtu"))).toBe("link set: mtu")
    expect(onOffValue(Words.of("off", "x"), "learning")).toBe(false)
    expect(pathOf(onOffValue(Words.of("maybe", "x"), "learning"))).toBe("x: learning")
    expect(choiceValue(Words.of("l3", "x"), "mode", ["l2", "l3"] as const)).toBe("l3")
    expect(isError(choiceValue(Words.of("l4", "x"), "mode", ["l2", "l3"] as const))).toBe(true)
  })

  it("runs a keyword table in order, with aliases and a fallback for bare words", () => {
    const table: ReadonlyArray<Keyword<{ mtu?: number; dev?: string; name?: string }>> = [
      {
        name: "mtu",
        parse: (w, s) => {
          const v = intValue(w, "mtu")
          if (isError(v)) return v
          s.mtu = v
        }
      },
      {
        name: "dev",
        aliases: ["oif"],
        parse: (w, s) => {
          const v = w.value("dev")
          if (isError(v)) return v
          s.dev = v
        }
      }
    ]
    const into: { mtu?: number; dev?: string; name?: string } = {}
    const r = keywords(Words.of("m 1400 oif eth0 vx0", "link add"), table, into, (word, _w, s) => {
      if (s.name !== undefined) return false
      s.name = word
      return true
    })
    expect(r).toBeUndefined()
    expect(into).toEqual({ mtu: 1400, dev: "eth0", name: "vx0" })
    const bad = keywords(Words.of("mtu 1 bogus", "link add"), table, {})
    expect(pathOf(bad)).toBe("link add: bogus")
    expect((bad as NetlinkError).message).toContain("expected one of: mtu, dev")
  })

  it("end() fails on words left over", () => {
    const w = Words.of("a b", "netns add")
    w.next()
    expect(pathOf(w.end())).toBe("netns add: b")
    w.next()
    expect(w.end()).toBeUndefined()
  })
})
