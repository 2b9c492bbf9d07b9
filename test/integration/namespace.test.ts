import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { expect, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import * as Namespace from "../../src/api/Namespace.ts"
import { Netlink, type NetlinkShape } from "../../src/api/Netlink.ts"
import { describeRoot } from "../helpers/netns.ts"

const ipNetnsList = (): Array<string> =>
  execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.split(" ")[0])
    .filter((l) => l !== "")

const dumpLinkNames = (conn: NetlinkShape["route"]) =>
  conn.dumpAll(
    new Uint8Array([32, 0, 0, 0, 18, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, ...new Array(16).fill(0)]),
    (_b, view, start) => view.getInt32(start + 16 + 4, true)
  )

describeRoot("Namespace", () => {
  it.live("create, list, use and remove a named namespace as ip netns does", () =>
    Effect.gen(function* () {
      const name = `nlt-ns-${randomBytes(4).toString("hex")}`
      const path = yield* Namespace.create(name)
      expect(path).toBe(`/run/netns/${name}`)
      expect(ipNetnsList()).toContain(name)
      expect(yield* Namespace.list()).toContain(name)
      expect(yield* Namespace.exists(name)).toBe(true)
      // A fresh namespace has exactly one link: lo (index 1).
      const indexes = yield* Effect.scoped(
        Effect.gen(function* () {
          const { route } = yield* Netlink
          return yield* dumpLinkNames(route)
        }).pipe(Effect.provide(Netlink.layerNamespace(name)))
      )
      expect(indexes).toEqual([1])
      execFileSync("ip", ["-n", name, "link", "add", "a0", "type", "veth", "peer", "name", "a1"])
      yield* Namespace.remove(name)
      expect(ipNetnsList()).not.toContain(name)
      expect(yield* Namespace.exists(name)).toBe(false)
    })
  )

  it.live("creating an existing namespace fails with EEXIST and a bad name is a Validation error", () =>
    Effect.gen(function* () {
      const name = `nlt-ns-${randomBytes(4).toString("hex")}`
      yield* Namespace.create(name)
      const again = yield* Effect.exit(Namespace.create(name))
      yield* Namespace.remove(name)
      expect(Exit.isFailure(again)).toBe(true)
      if (Exit.isFailure(again)) expect(String(again.cause)).toContain("EEXIST")
      const bad = yield* Effect.flip(Namespace.create("a/b"))
      expect(bad.reason._tag).toBe("Validation")
    })
  )

  it.live("a scoped namespace is removed when its scope closes, also on failure", () =>
    Effect.gen(function* () {
      const name = `nlt-ns-${randomBytes(4).toString("hex")}`
      const result = yield* Effect.exit(
        Effect.scoped(
          Effect.gen(function* () {
            yield* Namespace.scoped(name)
            expect(ipNetnsList()).toContain(name)
            return yield* Effect.fail("boom")
          })
        )
      )
      expect(Exit.isFailure(result)).toBe(true)
      expect(ipNetnsList()).not.toContain(name)
    })
  )

  it.live("refused references fail the layer with a Validation error; nothing throws at the call", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [Namespace.Ref | string, string]> = [
        ["../../etc", "name"],
        ["", "name"],
        ["x".repeat(300), "name"],
        [".", "name"],
        ["..", "name"],
        ["a\0b", "name"],
        [`${"é".repeat(128)}`, "name"], // 256 bytes in UTF-8, 128 characters
        [{ pid: 0 }, "pid"],
        [{ pid: 1.5 }, "pid"],
        [{ path: "" }, "path"]
      ]
      for (const [ref, field] of cases) {
        const layer = Netlink.layerNamespace(ref) // must not throw
        const e = yield* Effect.flip(Effect.scoped(Layer.build(layer)))
        expect(e.reason).toMatchObject({ _tag: "Validation", path: field })
        const viaPath = yield* Effect.flip(Namespace.pathOf(typeof ref === "string" ? { name: ref } : ref))
        expect(viaPath.reason).toMatchObject({ _tag: "Validation", path: field })
      }
      for (const name of ["../../etc", "", "x".repeat(300)]) {
        for (const op of [Namespace.create, Namespace.remove, Namespace.exists, Namespace.scoped]) {
          const e = yield* Effect.flip(Effect.scoped(op(name)))
          expect(e.reason).toMatchObject({ _tag: "Validation", path: "name" })
        }
      }
      // 255 bytes is the limit ip netns accepts: a valid name that does not exist.
      const longest = yield* Effect.flip(Effect.scoped(Layer.build(Netlink.layerNamespace("n".repeat(255)))))
      expect(longest.reason).toMatchObject({ _tag: "System", call: "open", code: "ENOENT" })
    })
  )
})
