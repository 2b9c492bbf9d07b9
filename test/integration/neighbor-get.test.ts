/**
 * Neighbor.get against the host kernel: one entry (or proxy entry) read
 * without a dump, equal to the listed one and to what `ip -j neigh get`
 * shows; a missing entry is the kernel's ENOENT; bad input is a Validation
 * error naming the field.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { carrierSettled, describeRoot, inNamespace, ip } from "../helpers/netns.ts"

describeRoot("Neighbor.get", () => {
  it.live("reads one entry and one proxy entry as list and ip show them", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
        ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
        ip(ns, "link", "set", "d0", "up")
        yield* carrierSettled(ns, "d0")
        yield* Neighbor.add({
          dev: "d0",
          address: "10.1.2.9",
          lladdr: "02:00:00:00:00:09",
          state: "permanent",
          flags: ["router"]
        })
        yield* Neighbor.add({
          dev: "d0",
          address: "2001:db8::9",
          lladdr: "02:00:00:00:00:0a",
          state: "noarp"
        })
        yield* Neighbor.addProxy({ dev: "d0", address: "10.1.2.10" })
        const got = yield* Neighbor.get({ dev: "d0", address: "10.1.2.9" })
        expect(got).toMatchObject({
          dev: "d0",
          address: "10.1.2.9",
          lladdr: "02:00:00:00:00:09",
          state: "permanent",
          flags: ["router"]
        })
        const listed = (yield* Neighbor.list({ dev: "d0" })).find((n) => n.address === "10.1.2.9")!
        expect(Neighbor.equals(got, listed)).toBe(true)
        // ip 6.1 prints neigh get as text only
        expect(ip(ns, "neigh", "get", "10.1.2.9", "dev", "d0").trim()).toBe(
          "10.1.2.9 dev d0 lladdr 02:00:00:00:00:09 router PERMANENT"
        )
        const six = yield* Neighbor.get({ dev: "d0", address: "2001:db8::9" })
        expect(six).toMatchObject({ address: "2001:db8::9", lladdr: "02:00:00:00:00:0a", state: "noarp" })
        const proxy = yield* Neighbor.get({ dev: "d0", address: "10.1.2.10", proxy: true })
        expect(proxy).toMatchObject({ dev: "d0", address: "10.1.2.10", proxy: true })
        const raw = yield* Neighbor.getRaw({ dev: "d0", address: "10.1.2.9" })
        expect(raw).toMatchObject({ family: 2, lladdr: "02:00:00:00:00:09", dst: "10.1.2.9" })
        const missing = yield* Effect.flip(Neighbor.get({ dev: "d0", address: "10.1.2.77" }))
        expect([missing.reason._tag, (missing.reason as any).code]).toEqual(["Kernel", "ENOENT"])
        const bad = yield* Effect.flip(Neighbor.get({ dev: "d0", address: "10.1.2" }))
        expect([bad.reason._tag, (bad.reason as any).path]).toEqual(["Validation", "address"])
      })
    )
  )
})
