/**
 * MACsec on a full kernel (the VM lane; the host kernel has no macsec): the link kind's
 * options added, listed and equal, recreated from the listed object in an empty namespace,
 * removed as they were; and the SecY over generic netlink — TX SAs, RX SCs and RX SAs
 * added, updated and deleted, 32-bit and XPN packet numbers, offload — read back with
 * Macsec.get and checked against `ip macsec show`.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import fc from "fast-check"
import * as Link from "../../src/api/Link.ts"
import * as Macsec from "../../src/api/Macsec.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { linkIndex } from "../../src/api/internal/Resolve.ts"
import { describeFullKernel, freshNamespace, inNamespace, ip, ipJson } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const RUNS = 12
const KEY128 = "81818181818181818181818181818181"
const KEY256 = "8282828282828282828282828282828282828282828282828282828282828282"
const PEER = { address: "c6:19:52:8f:e6:a0", port: 1 }
const PEER_SCI = "c619528fe6a00001"

const hex = (n: number) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n })

/** Valid macsec options (GCM takes ICV lengths 8 and 12 to 16; XPN windows below 2^30). */
const options = fc
  .record(
    {
      id: fc.oneof(
        fc.constant({}),
        fc.integer({ min: 1, max: 0xffff }).map((sciPort) => ({ sciPort })),
        hex(8).map((b) => ({ sci: Buffer.from(b).toString("hex") }))
      ),
      cipher: fc.constantFrom("gcm-aes-128", "gcm-aes-256", "gcm-aes-xpn-128", "gcm-aes-xpn-256", undefined),
      icvlen: fc.constantFrom(8, 12, 13, 14, 15, 16, undefined),
      encrypt: fc.option(fc.boolean(), { nil: undefined }),
      protect: fc.option(fc.boolean(), { nil: undefined }),
      // send_sci on, end station, single copy broadcast, or none of them
      tag: fc.constantFrom({}, { sendSci: true }, { sendSci: false }, { endStation: true }, { scb: true }),
      replay: fc.option(fc.integer({ min: 0, max: 1 << 20 }), { nil: undefined }),
      validate: fc.constantFrom("disabled", "check", "strict", undefined),
      encodingsa: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      offload: fc.constantFrom("off", undefined)
    },
    { requiredKeys: ["id", "tag"] }
  )
  .map(({ id, tag, replay, ...o }) => {
    // the kernel takes an explicit SCI only when it is sent: then its port alone
    const own =
      "sci" in id && (tag as { sendSci?: boolean }).sendSci === false
        ? { sciPort: Number.parseInt(id.sci.slice(-4), 16) }
        : id
    const out: Record<string, unknown> = { kind: "macsec", link: "p0", ...own, ...tag }
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
    if (replay !== undefined) Object.assign(out, { replay: true, window: replay })
    return out
  })

const snapshot = Effect.map(Link.list(), (ls) =>
  Object.fromEntries(
    ls.map((l) => [
      l.name,
      JSON.stringify(Link.canonical(l), (_k, v) => (typeof v === "bigint" ? `${v}` : v))
    ])
  )
)

const expectEqual = (a: Link.Link, b: Link.Link) => {
  if (!Link.equals(a, b)) expect(Link.canonical(b)).toEqual(Link.canonical(a))
  expect(Link.equals(a, b)).toBe(true)
}

// the same parent MAC in both namespaces: a default SCI is the parent's address and port
const setup = (ns: string) => ip(ns, "link", "add", "p0", "address", "02:00:00:00:00:aa", "type", "dummy")

describeFullKernel("macsec link kind", () => {
  it.live(
    `${RUNS} arbitrary macsec links: add → list → equals; recreate from the listed object; remove(listed)`,
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns2 = yield* freshNamespace("ms2")
          setup(ns2)
          const inNs2 = <A, E>(e: Effect.Effect<A, E, Netlink>) =>
            e.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns2 }))))
          yield* inNamespace((ns) =>
            Effect.gen(function* () {
              setup(ns)
              for (const [i, sample] of fc.sample(options, { numRuns: RUNS, seed: 0x3ac5ec }).entries()) {
                const input = { ...sample, name: `ms${i}` } as Link.AddSpec
                const before = yield* snapshot
                const before2 = yield* inNs2(snapshot)
                yield* Link.add(input).pipe(
                  Effect.mapError((e) => new Error(`add ${JSON.stringify(input)}: ${e.message}`))
                )
                const listed = (yield* Link.list()).find((l) => l.name === input.name)!
                expectEqual(input, listed)
                const json = ipJson(ns, "-d", "link", "show", "dev", input.name)[0].linkinfo.info_data
                // ip's SCI: the listed one, or (without send_sci) the parent's address and sciPort
                const sci =
                  (listed as any).sci ??
                  `0200000000aa${(listed as any).sciPort.toString(16).padStart(4, "0")}`
                expect(json.sci.replace(/^0x/, "")).toBe(sci)
                yield* inNs2(Link.add(listed as Link.AddSpec))
                const again = yield* inNs2(Link.get(input.name))
                expectEqual(listed, again)
                yield* inNs2(Link.remove(again))
                expect(yield* inNs2(snapshot)).toEqual(before2)
                yield* Link.remove(listed)
                expect(yield* snapshot).toEqual(before)
              }
            })
          )
        })
      ),
    testTimeout(300_000)
  )

  it.live("ip sees what was asked; the kernel's checks name the field", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Link.add({
          kind: "macsec",
          name: "m0",
          link: "p0",
          sciPort: 7,
          cipher: "gcm-aes-256",
          icvlen: 12,
          encrypt: true,
          endStation: true,
          replay: true,
          window: 64,
          validate: "check",
          encodingsa: 2
        } as Link.AddSpec)
        const d = ipJson(ns, "-d", "link", "show", "dev", "m0")[0].linkinfo.info_data
        expect(d).toMatchObject({
          sci: "0200000000aa0007",
          cipher_suite: "GCM-AES-256",
          icv_len: 12,
          encrypt: true,
          es: true,
          scb: false,
          inc_sci: true,
          replay_protect: true,
          window: 64,
          validation: "check",
          encoding_sa: 2
        })
        const l = yield* Link.get("m0")
        expect(l).toMatchObject({
          sci: "0200000000aa0007",
          sciPort: 7,
          cipher: "gcm-aes-256",
          // an end station still sends the SCI unless told not to, as ip leaves it
          sendSci: true
        })
        const e = yield* Effect.flip(
          Link.add({ kind: "macsec", name: "m1", link: "p0", replay: true } as Link.AddSpec)
        )
        expect(e.reason._tag === "Validation" && e.reason.path).toBe("window")
      })
    )
  )
})

describeFullKernel("Macsec over generic netlink", () => {
  it.live("TX SA, RX SC and RX SA: add, read back, update, delete", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Link.add({ kind: "macsec", name: "m0", link: "p0", encrypt: true } as Link.AddSpec)
        const index = yield* linkIndex("m0")
        const empty = yield* Macsec.get("m0")
        expect(empty).toMatchObject({
          dev: "m0",
          index,
          sci: "0200000000aa0001",
          cipher: "gcm-aes-128",
          icvlen: 16,
          encrypt: true,
          protect: true,
          replay: false,
          validate: "strict",
          sendSci: true,
          endStation: false,
          scb: false,
          offload: "off",
          txSas: [],
          rxScs: []
        })
        // the kernel marks a SecY operational from its creation
        expect(empty.status.operational).toBe(true)
        expect(typeof empty.status.secy.outPktsUntagged).toBe("bigint")

        yield* Macsec.addTxSa("m0", { an: 0, pn: 1, keyId: "01", key: Redacted.make(KEY128) })
        yield* Macsec.addRxSc("m0", PEER)
        yield* Macsec.addRxSa("m0", PEER_SCI, { an: 2, pn: 10, keyId: "02", key: KEY128, active: false })
        const s = yield* Macsec.get("m0")
        expect(s.txSas.map(({ status: _s, ...sa }) => sa)).toEqual([
          { an: 0, active: true, pn: 1, keyId: `01${"00".repeat(15)}` }
        ])
        expect(
          s.rxScs.map(({ status: _s, sas, ...sc }) => ({ ...sc, sas: sas.map(({ status: _t, ...a }) => a) }))
        ).toEqual([
          {
            sci: PEER_SCI,
            active: true,
            sas: [{ an: 2, active: false, pn: 10, keyId: `02${"00".repeat(15)}` }]
          }
        ])
        // ip shows the same
        const shown = ip(ns, "macsec", "show", "m0")
        expect(shown).toMatch(/0: PN 1,\s*state on, key 01000000000000000000000000000000/)
        expect(shown).toMatch(/RXSC: c619528fe6a00001, state on/)
        expect(shown).toMatch(/2: PN 10,\s*state off, key 02000000000000000000000000000000/)
        // the key is never reported
        expect(JSON.stringify(s, (_k, v) => (typeof v === "bigint" ? `${v}` : v))).not.toContain(KEY128)

        yield* Macsec.updateTxSa("m0", { an: 0, pn: 500, active: false })
        yield* Macsec.updateRxSc("m0", PEER_SCI, { active: false })
        yield* Macsec.updateRxSa("m0", PEER, { an: 2, active: true })
        const u = yield* Macsec.get("m0")
        expect(u.txSas[0]).toMatchObject({ an: 0, active: false, pn: 500 })
        expect(u.rxScs[0]).toMatchObject({ active: false, sas: [{ an: 2, active: true, pn: 10 }] })

        // an active SA cannot be deleted: the kernel says EBUSY
        const busy = yield* Effect.flip(Macsec.removeRxSa("m0", PEER_SCI, 2))
        expect(busy.reason._tag === "Kernel" && busy.reason.code).toBe("EBUSY")
        yield* Macsec.updateRxSa("m0", PEER_SCI, { an: 2, active: false })
        yield* Macsec.removeRxSa("m0", PEER_SCI, 2)
        yield* Macsec.removeTxSa("m0", 0)
        expect((yield* Macsec.get("m0")).rxScs[0].sas).toEqual([])
        yield* Macsec.removeRxSc("m0", PEER)
        const done = yield* Macsec.get("m0")
        expect([done.txSas, done.rxScs]).toEqual([[], []])
        yield* Macsec.setOffload("m0", "off")
        expect((yield* Macsec.get("m0")).offload).toBe("off")
      })
    )
  )

  it.live("XPN: 64-bit packet numbers with short SCI and salt; a 256-bit key", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Link.add({ kind: "macsec", name: "m1", link: "p0", cipher: "gcm-aes-xpn-256" } as Link.AddSpec)
        yield* Macsec.addTxSa("m1", {
          an: 1,
          pn: 4294967297n,
          ssci: 7,
          salt: Redacted.make("838383838383838383838383"),
          keyId: "03",
          key: Redacted.make(KEY256)
        })
        yield* Macsec.addRxSc("m1", PEER_SCI)
        yield* Macsec.addRxSa("m1", PEER_SCI, {
          an: 0,
          pn: 5000000000n,
          ssci: 9,
          salt: "848484848484848484848484",
          keyId: "04",
          key: KEY256
        })
        const s = yield* Macsec.get("m1")
        expect(s.cipher).toBe("gcm-aes-xpn-256")
        expect(s.txSas[0]).toMatchObject({ an: 1, pn: 4294967297n, ssci: 7, active: true })
        expect(s.rxScs[0].sas[0]).toMatchObject({ an: 0, pn: 5000000000n, ssci: 9 })
        // iproute2 6.1 prints the low 32 bits of an XPN packet number (2^32 + 1 → 1, 5e9 → 705032704)
        const shown = ip(ns, "macsec", "show", "m1")
        expect(shown).toMatch(/1: PN 1,\s*SSCI 00000007 state on, key 03000000000000000000000000000000/)
        expect(shown).toMatch(
          /0: PN 705032704,\s*SSCI 00000009 state on, key 04000000000000000000000000000000/
        )
        // a 32-bit packet number on an XPN SecY: the kernel refuses the length
        const e = yield* Effect.flip(Macsec.updateTxSa("m1", { an: 1, pn: 5 }))
        expect(e.reason._tag).toBe("Kernel")
        yield* Macsec.updateTxSa("m1", { an: 1, pn: 5n })
        expect((yield* Macsec.get("m1")).txSas[0].pn).toBe(5n)
      })
    )
  )

  it.live("a device that is not MACsec, and Macsec.list of the namespace", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const e = yield* Effect.flip(Macsec.get("p0"))
        expect(e.reason._tag === "Kernel" && e.reason.code).toBe("ENODEV")
        yield* Link.add({ kind: "macsec", name: "m2", link: "p0", sciPort: 2 } as Link.AddSpec)
        yield* Link.add({ kind: "macsec", name: "m3", link: "p0", sciPort: 3 } as Link.AddSpec)
        const all = yield* Macsec.list()
        expect(all.map((s) => [s.dev, s.sci]).sort()).toEqual([
          ["m2", "0200000000aa0002"],
          ["m3", "0200000000aa0003"]
        ])
      })
    )
  )
})
