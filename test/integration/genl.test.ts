/**
 * Generic netlink families through nlctrl on the host kernel (nlctrl always
 * exists), and the cache's re-resolution when a family comes back with a new
 * id (a scripted connection plays the kernel: a module reload cannot be
 * staged on the host).
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Genl from "../../src/api/Genl.ts"
import { Netlink, type NetlinkShape } from "../../src/api/Netlink.ts"
import type { ConnectionShape } from "../../src/runtime/Connection.ts"
import { Kernel, NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { Writer } from "../../src/runtime/Wire.ts"
import { encodeCtrlAttrs } from "../../src/generated/genl-ctrl/index.ts"
import { describeRoot, inNamespace } from "../helpers/netns.ts"

describeRoot("Genl on the host kernel", () => {
  it.live("lists families like `genl ctrl list`, nlctrl first with its notify group", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const all = yield* Genl.families()
        const ctrl = all.find((f) => f.name === "nlctrl")
        expect(ctrl).toBeDefined()
        expect(ctrl!.id).toBe(16)
        expect(ctrl!.version).toBe(2)
        expect(ctrl!.groups).toEqual([{ name: "notify", id: 16 }])
        // CTRL_CMD_GETFAMILY (3) can be done and dumped
        expect(ctrl!.ops.find((o) => o.cmd === 3)?.flags).toEqual(
          expect.arrayContaining(["cmd-cap-do", "cmd-cap-dump"])
        )
        // the same names as the kernel's own listing (/proc has no list; compare by lookup)
        for (const f of all) expect((yield* Genl.family(f.name)).id).toBe(f.id)
        expect(new Set(all.map((f) => f.id)).size).toBe(all.length)
      })
    )
  )

  it.live("resolves a family and a group by name", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const f = yield* Genl.family("nlctrl")
        expect(f.id).toBe(16)
        expect(yield* Genl.groupId("nlctrl", "notify")).toBe(16)
        const bad = yield* Effect.flip(Genl.groupId("nlctrl", "nosuchgroup"))
        expect(bad.reason._tag).toBe("Validation")
        expect(bad.message).toContain("nosuchgroup")
      })
    )
  )

  it.live("reads a family's attribute policies", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const tables = yield* Genl.policies("nlctrl")
        // CTRL_ATTR_FAMILY_ID is NLA_U16 (3), CTRL_ATTR_FAMILY_NAME NLA_NUL_STRING (12)
        expect([...tables.values()].some((t) => t.get(1) === 3 && t.get(2) === 12)).toBe(true)
      })
    )
  )

  it.live("a family the kernel lacks fails with ENOENT naming it", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const e = yield* Effect.flip(Genl.family("nlnosuchfam"))
        expect(e.reason._tag).toBe("Kernel")
        expect(e.reason._tag === "Kernel" && e.reason.code).toBe("ENOENT")
        expect(e.message).toContain('"nlnosuchfam"')
      })
    )
  )

  it.live("refuses a name nlctrl could never hold, sending nothing", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(Genl.family("a-name-longer-than-15"))
      expect(e.reason._tag).toBe("Validation")
    }).pipe(Effect.provide(Layer.fresh(Netlink.layer)))
  )

  it.live("lists what `genl ctrl list` lists, with the same ids", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        // families that are not netns-aware are seen in the initial namespace only: list both in ns
        const text = execFileSync("ip", ["netns", "exec", ns, "genl", "ctrl", "list"], { encoding: "utf8" })
        const theirs = [...text.matchAll(/Name: (\S+)\s+ID: (0x[0-9a-f]+)/g)].map((m) => [m[1], Number(m[2])])
        const ours = (yield* Genl.families()).map((f) => [f.name, f.id])
        expect(new Map(ours as Array<[string, number]>)).toEqual(new Map(theirs as Array<[string, number]>))
      })
    )
  )
})

// A scripted generic netlink connection: nlctrl answers with ids from `ids`
// in turn; requests to other families fail with ENOENT unless their id is `live`.
const scripted = (ids: Array<number>, live: () => number) => {
  const log: Array<string> = []
  const reply = (id: number): Uint8Array => {
    const w = new Writer(64)
    w.zeros(16) // nlmsghdr
    w.u8(1)
    w.u8(2)
    w.u16(0)
    encodeCtrlAttrs(w, { familyId: id, familyName: "fake", version: 1 })
    return w.finish()
  }
  const conn: ConnectionShape = {
    portId: 1,
    request: () => Effect.die("unused"),
    requestMany: () => Effect.die("unused"),
    dump: () => Effect.die("unused") as never,
    dumpAll: () => Effect.die("unused"),
    requestReply: (message, decode) =>
      Effect.suspend(() => {
        const type = new DataView(message.buffer, message.byteOffset).getUint16(4, true)
        if (type === 16) {
          const id = ids.shift()!
          log.push(`resolve -> ${id}`)
          const b = reply(id)
          return Effect.succeed(decode(b, new DataView(b.buffer), 0, b.length, id) as any)
        }
        log.push(`request to ${type}`)
        return type === live()
          ? Effect.succeed("ok" as any)
          : Effect.fail(new NetlinkError({ reason: Kernel.fromErrno(-2) }))
      })
  }
  const shape: NetlinkShape = { route: conn, namespace: undefined, connection: () => Effect.succeed(conn) }
  return { log, layer: Layer.succeed(Netlink, shape) }
}

const send = (f: Genl.Family, conn: ConnectionShape) => {
  const w = new Writer(32)
  const s = w.beginMessage(f.id, 1, 0)
  w.endMessage(s)
  return conn.requestReply(w.finish(), () => "ok")
}

it.live("caches a resolved family per Netlink service", () => {
  const { log, layer } = scripted([30], () => 30)
  return Effect.gen(function* () {
    yield* Genl.withFamily("fake", send)
    yield* Genl.withFamily("fake", send)
    expect(log).toEqual(["resolve -> 30", "request to 30", "request to 30"])
  }).pipe(Effect.provide(layer))
})

it.live("resolves again and retries once when the family came back with a new id", () => {
  let live = 30
  const { log, layer } = scripted([30, 31], () => live)
  return Effect.gen(function* () {
    yield* Genl.withFamily("fake", send)
    live = 31 // unregistered and registered again
    expect(yield* Genl.withFamily("fake", send)).toBe("ok")
    expect(yield* Genl.withFamily("fake", send)).toBe("ok")
    expect(log).toEqual([
      "resolve -> 30",
      "request to 30",
      "request to 30",
      "resolve -> 31",
      "request to 31",
      "request to 31"
    ])
  }).pipe(Effect.provide(layer))
})

it.live("keeps the kernel's ENOENT when the id did not change (nothing is sent twice)", () => {
  const { log, layer } = scripted([30, 30], () => 99)
  return Effect.gen(function* () {
    const e = yield* Effect.flip(Genl.withFamily("fake", send))
    expect(e.reason._tag === "Kernel" && e.reason.code).toBe("ENOENT")
    expect(log).toEqual(["resolve -> 30", "request to 30", "resolve -> 30"])
  }).pipe(Effect.provide(layer))
})
