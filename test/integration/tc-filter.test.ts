/**
 * Filters on the host kernel, which has the u32 and bpf classifiers (no actions, no other
 * classifiers): bpf by fd and by pinned path, u32 nodes with tc's match words, hash tables and links, chains and shared
 * blocks list back equal, remove(listed) restores the namespace, add(listed) recreates;
 * `tc -j filter show` sees what we added; bad input fails before anything is sent.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Schema } from "effect"
import fc from "fast-check"
import * as Chain from "../../src/api/Chain.ts"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import koffi from "koffi"
import { closeProgram, loadProgram, ProgramType } from "../helpers/bpf.ts"
import { describeRoot, freshNamespace } from "../helpers/netns.ts"
import { propertyRuns } from "../helpers/property.ts"

/** Pins a program at a bpffs path (bpf(BPF_OBJ_PIN)). */
const pinProgram = (fd: number, path: string): void => {
  const l = koffi.load("libc.so.6")
  const syscall = l.func("long syscall(long, int, void *, uint32_t)")
  const name = Buffer.from(`${path}\0`)
  // union bpf_attr for BPF_OBJ_PIN: pathname (u64 pointer), bpf_fd
  const attr = Buffer.alloc(24)
  attr.writeBigUInt64LE(BigInt(koffi.address(name)), 0)
  attr.writeUInt32LE(fd, 8)
  if (syscall(321, 6, attr, attr.length) < 0) throw new Error(`BPF_OBJ_PIN ${path}: errno ${koffi.errno()}`)
}

const tc = (ns: string, ...args: Array<string>): string =>
  execFileSync("tc", ["-n", ns, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })

/** A namespace with a veth pair d0/d1 (up) and clsact on d0. */
const withClsact = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tcf")
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
      execFileSync("ip", ["-n", ns, "link", "set", "d0", "up"])
      execFileSync("ip", ["-n", ns, "link", "set", "d1", "up"])
      return yield* Effect.gen(function* () {
        yield* Qdisc.add({ dev: "d0", kind: "clsact" })
        return yield* f(ns)
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const config = (xs: ReadonlyArray<Filter.Filter>) => xs.map((x) => Filter.canonical(x))

/** add → list → equals; remove(listed) → as before; add(listed) → equal again. */
const roundTrip = (
  input: Filter.Filter,
  where: Filter.Selector = { dev: "d0", parent: "ingress" },
  // what add needs besides the listed object (bpf's program fd is not read back)
  recreate: (listed: Filter.Filter) => Filter.Filter = (x) => x
) =>
  Effect.gen(function* () {
    const before = yield* Filter.list(where)
    yield* Filter.add(input)
    const after = yield* Filter.list(where)
    const added = after.filter(
      (f) => !before.some((b) => Filter.key(b) === Filter.key(f)) && Filter.equals(f, input)
    )
    const text = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v))
    expect(added, `${text(input)} in ${text(after)}`).toHaveLength(1)
    const [listed] = added
    // its JSON decodes with the Schema into an equal input
    const json = JSON.parse(JSON.stringify(listed, (_k, v) => (typeof v === "bigint" ? String(v) : v)))
    const { status: _, ...cfg } = json
    expect(Filter.equals(Schema.decodeUnknownSync(Filter.schema)(cfg), listed)).toBe(true)
    yield* Filter.remove(listed)
    expect(config(yield* Filter.list(where))).toEqual(config(before))
    yield* Filter.add(recreate(listed))
    const again = (yield* Filter.list(where)).filter((f) => Filter.key(f) === Filter.key(listed))
    expect(again).toHaveLength(1)
    expect(Filter.equals(again[0], listed)).toBe(true)
    yield* Filter.remove(again[0])
    expect(config(yield* Filter.list(where))).toEqual(config(before))
    return listed
  })

describeRoot("Filter (host kernel: u32)", () => {
  it.live("u32 nodes with tc's match words read back as packed keys, equal to the input", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const cases: Array<Filter.Filter> = [
          {
            dev: "d0",
            parent: "ingress",
            protocol: "ip",
            priority: 10,
            kind: "u32",
            options: { match: ["ip src 10.0.0.0/8"] }
          },
          {
            dev: "d0",
            parent: "ingress",
            protocol: "ip",
            priority: 11,
            kind: "u32",
            options: {
              match: ["ip protocol 6 0xff", "ip dport 80 0xffff", "ip sport 1024 0xfc00"],
              classid: "1:10"
            }
          },
          {
            dev: "d0",
            parent: "egress",
            protocol: "ipv6",
            priority: 12,
            kind: "u32",
            options: { match: ["ip6 dst 2001:db8::/40", "tcp dst 22 0xffff"] }
          },
          {
            dev: "d0",
            parent: "ingress",
            protocol: "all",
            priority: 13,
            kind: "u32",
            options: {
              match: ["u16 0x0800 0xffff at -2", "u8 0x45 0xff at 0", { value: 1, mask: 0xff, at: 8 }]
            }
          },
          {
            dev: "d0",
            parent: "ingress",
            priority: 14,
            chain: 3,
            kind: "u32",
            options: { match: [], skipSw: false }
          }
        ]
        for (const c of cases) {
          const where = { dev: "d0", parent: c.parent } as const
          yield* roundTrip(c, where)
        }
      })
    )
  )

  it.live(
    "property: arbitrary u32 filters (tc words and key objects, handles, chains, classids) add → list → equal; remove(listed) → as before",
    () =>
      withClsact(() =>
        Effect.gen(function* () {
          const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })
          const octet = fc.integer({ min: 0, max: 255 })
          const word = fc.oneof(
            fc
              .tuple(
                octet,
                octet,
                octet,
                octet,
                fc.integer({ min: 0, max: 32 }),
                fc.constantFrom("src", "dst")
              )
              .map(([a, b, c, d, l, w]) => `ip ${w} ${a}.${b}.${c}.${d}/${l}`),
            fc
              .tuple(fc.constantFrom("protocol", "tos"), octet, octet)
              .map(([f, v, m]) => `ip ${f} ${v} 0x${m.toString(16)}`),
            fc
              .tuple(
                fc.constantFrom("ip sport", "ip dport", "tcp src", "udp dst"),
                fc.integer({ min: 0, max: 0xffff })
              )
              .map(([f, v]) => `${f} ${v} 0xffff`),
            fc
              .tuple(
                fc.integer({ min: 0, max: 0xffffffff }),
                fc.integer({ min: 0, max: 0xffffffff }),
                fc.integer({ min: -8, max: 16 })
              )
              .map(([value, mask, at]) => ({ value, mask, at: at * 4 }))
          )
          const arb = fc.record({
            match: fc.array(word, { maxLength: 4 }),
            chain: opt(fc.integer({ min: 0, max: 20 })),
            priority: fc.integer({ min: 1, max: 0xffff }),
            node: opt(fc.integer({ min: 1, max: 0xfff })),
            classid: opt(fc.integer({ min: 1, max: 0xffff }).map((m) => `1:${m.toString(16)}`)),
            parent: fc.constantFrom("ingress" as const, "egress" as const),
            protocol: fc.constantFrom("ip" as const, "all" as const, 0x88cc)
          })
          let ran = 0
          for (const x of fc.sample(arb, propertyRuns(30))) {
            const input: Filter.Filter = {
              dev: "d0",
              parent: x.parent,
              protocol: x.protocol,
              priority: x.priority,
              kind: "u32",
              ...(x.chain === undefined ? {} : { chain: x.chain }),
              ...(x.node === undefined ? {} : { handle: `800::${x.node.toString(16)}` }),
              options: { match: x.match, ...(x.classid === undefined ? {} : { classid: x.classid }) }
            }
            // matches contradicting each other on one word are refused before sending, as tc does
            const v = yield* Effect.result(Filter.add(input))
            if (v._tag === "Failure") {
              expect(v.failure.reason._tag, JSON.stringify(input)).toBe("Validation")
              continue
            }
            // without a handle, remove takes the whole priority (the kernel's root hash table too)
            const { handle: _h, ...prio } = input
            yield* Filter.remove(prio as Filter.Filter)
            expect(yield* Filter.list({ dev: "d0" })).toEqual([])
            yield* roundTrip(input, { dev: "d0", parent: x.parent })
            ran++
          }
          expect(ran).toBeGreaterThan(propertyRuns(30) / 2)
        })
      )
  )

  it.live("replace and change rewrite a filter in place (same priority and handle)", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const where = { dev: "d0", parent: "ingress" } as const
        const first: Filter.Filter = {
          ...where,
          protocol: "ip",
          priority: 3,
          handle: "800::9",
          kind: "u32",
          options: { match: ["ip dport 53 0xffff"] }
        }
        yield* Filter.add(first)
        // (u32 keeps a node's keys when it is replaced: its classid and actions change)
        const next: Filter.Filter = { ...first, options: { match: ["ip dport 53 0xffff"], classid: "1:2" } }
        yield* Filter.replace(next)
        const listed = (yield* Filter.list(where)).filter((f) => f.handle === "800::9")
        expect(listed).toHaveLength(1)
        expect(Filter.equals(listed[0], next)).toBe(true)
        const changed: Filter.Filter = {
          ...first,
          options: { match: ["ip dport 53 0xffff"], classid: "1:7" }
        }
        yield* Filter.change(changed)
        expect(Filter.equals(yield* Filter.get(listed[0]), changed)).toBe(true)
        // replace creates when nothing has that handle
        const fresh: Filter.Filter = { ...first, handle: "800::a" }
        yield* Filter.replace(fresh)
        expect((yield* Filter.list(where)).filter((f) => Filter.equals(f, fresh))).toHaveLength(1)
      })
    )
  )

  it.live("keys: 'ip dport 80' and 'ip sport' share one word at 20, as tc packs them", () =>
    withClsact((ns) =>
      Effect.gen(function* () {
        yield* Filter.add({
          dev: "d0",
          parent: "ingress",
          protocol: "ip",
          priority: 5,
          handle: "800::5",
          kind: "u32",
          options: { match: ["ip sport 53 0xffff", "ip dport 80 0xffff"] }
        })
        const [f] = yield* Filter.list({ dev: "d0", parent: "ingress", kind: "u32" }).pipe(
          Effect.map((xs) => xs.filter((x) => x.handle === "800::5"))
        )
        expect(f.options).toMatchObject({
          match: [{ value: (53 << 16) | 80, mask: 0xffffffff, at: 20 }],
          ht: "800:"
        })
        expect(f).toMatchObject({ protocol: "ip", priority: 5, chain: 0, kind: "u32" })
        const shown = tc(ns, "filter", "show", "dev", "d0", "ingress")
        expect(shown).toContain("fh 800::5")
        expect(shown).toContain("match 00350050/ffffffff at 20")
        // get asks for the one filter
        const got = yield* Filter.get(f)
        expect(Filter.equals(got, f)).toBe(true)
      })
    )
  )

  it.live("hash tables: a table with a divisor, a node linking to it, nodes in its buckets", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const where = { dev: "d0", parent: "ingress" } as const
        yield* Filter.add({
          ...where,
          protocol: "ip",
          priority: 20,
          handle: "2:",
          kind: "u32",
          options: { divisor: 256 }
        })
        yield* Filter.add({
          ...where,
          protocol: "ip",
          priority: 20,
          kind: "u32",
          options: { match: ["ip protocol 17 0xff"], link: "2:", hashkey: { mask: 0xff, at: 16 } }
        })
        yield* Filter.add({
          ...where,
          protocol: "ip",
          priority: 20,
          handle: "2:a:1",
          kind: "u32",
          options: { match: ["ip dst 10.0.0.10/32"], ht: "2:a", classid: "1:1" }
        })
        const listed = yield* Filter.list(where)
        const table = listed.find((f) => f.handle === "2:")
        expect(table?.options).toEqual({ divisor: 256, skipHw: false, skipSw: false })
        const linker = listed.find((f) => (f.options as any)?.link === "2:")
        expect(linker?.options).toMatchObject({ hashkey: { mask: 0xff, at: 16 }, ht: "800:" })
        const leaf = listed.find((f) => f.handle === "2:a:1")
        expect(leaf?.options).toMatchObject({ ht: "2:a", classid: "1:1" })
        // flush empties the parent
        yield* Filter.flush(where)
        expect(yield* Filter.list(where)).toEqual([])
      })
    )
  )

  it.live(
    "chains and shared blocks: filters in chain 7 list per chain; a block's filters list by block",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("tcb")
          execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
          yield* Effect.gen(function* () {
            yield* Qdisc.add({ dev: "d0", kind: "ingress", ingressBlock: 21 })
            const q = yield* Qdisc.list({ dev: "d0", kind: "ingress" })
            expect(q[0].ingressBlock).toBe(21)
            yield* roundTrip(
              {
                block: 21,
                protocol: "ip",
                priority: 3,
                kind: "u32",
                options: { match: ["ip src 192.0.2.0/24"] }
              },
              { block: 21 }
            )
            yield* Qdisc.add({ dev: "d1", kind: "clsact" })
            yield* Filter.add({
              dev: "d1",
              parent: "ingress",
              chain: 7,
              priority: 1,
              kind: "u32",
              options: { match: [] }
            })
            // (u32 instances of one priority share their hash tables across the chains of a block:
            // each chain's dump walks them all; another priority keeps them apart)
            yield* Filter.add({
              dev: "d1",
              parent: "ingress",
              chain: 0,
              priority: 2,
              kind: "u32",
              options: { match: [] }
            })
            const seven = yield* Filter.list({ dev: "d1", parent: "ingress", chain: 7 })
            expect(seven.map((f) => `${f.chain} ${f.handle}`)).toEqual(["7 800:", "7 800::800"])
            // without a parent: every qdisc of the device
            const all = yield* Filter.list({ dev: "d1" })
            expect(all.map((f) => `${f.parent}/${f.chain}/${f.priority}`).sort()).toEqual([
              "ingress/0/2",
              "ingress/0/2",
              "ingress/7/1",
              "ingress/7/1"
            ])
            expect(tc(ns, "filter", "show", "dev", "d1", "ingress", "chain", "7")).toContain("fh 800::800")
            expect(tc(ns, "filter", "show", "dev", "d1", "ingress", "chain", "0")).toContain("pref 2 u32")
          }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
        })
      )
  )

  it.live("chains: add, list (chain 0 appears with its filters), remove; a chain of a block", () =>
    withClsact((ns) =>
      Effect.gen(function* () {
        const where = { dev: "d0", parent: "ingress" } as const
        expect(yield* Chain.list(where)).toEqual([])
        yield* Chain.add({ ...where, chain: 5 })
        yield* Chain.add({ dev: "d0", parent: "ffff:fff2", chain: 9 })
        const listed = yield* Chain.list(where)
        expect(listed).toEqual([
          { dev: "d0", parent: "ingress", chain: 5 },
          { dev: "d0", parent: "ingress", chain: 9 }
        ])
        expect(Chain.equals(listed[1], { dev: "d0", parent: "ffff:fff2", chain: 9 })).toBe(true)
        expect(tc(ns, "chain", "show", "dev", "d0", "ingress")).toContain("chain 9")
        yield* Filter.add({ ...where, chain: 5, priority: 1, kind: "u32", options: { match: [] } })
        // removing a chain removes its filters
        yield* Chain.remove(listed[0])
        expect(yield* Filter.list(where)).toEqual([])
        expect((yield* Chain.list(where)).map((c) => c.chain)).toEqual([9])
        yield* Chain.remove(listed[1])
        expect(yield* Chain.list(where)).toEqual([])
        const e = yield* Effect.flip(Chain.add({ dev: "d0", chain: 1 }))
        expect((e.reason as any).path).toBe("parent")
      })
    )
  )

  it.live("bpf by fd: name, direct-action, classid; the program's id and tag read back", () =>
    withClsact((ns) =>
      Effect.acquireUseRelease(
        Effect.sync(() => loadProgram(ProgramType.schedCls, 0, "nlink_cls")),
        (fd) =>
          Effect.gen(function* () {
            const withFd = (x: Filter.Filter): Filter.Filter => ({ ...x, options: { ...x.options, fd } })
            const listed = yield* roundTrip(
              {
                dev: "d0",
                parent: "ingress",
                protocol: "all",
                priority: 7,
                kind: "bpf",
                options: { fd, name: "nlink_cls", directAction: true }
              },
              { dev: "d0", parent: "ingress" },
              withFd
            )
            expect(listed.options).toEqual({
              name: "nlink_cls",
              directAction: true,
              skipHw: false,
              skipSw: false
            })
            const st = listed.status?.kind as { id: number; tag: string }
            expect(st.id).toBeGreaterThan(0)
            expect(st.tag).toMatch(/^[0-9a-f]{16}$/)
            yield* roundTrip(
              {
                dev: "d0",
                parent: "egress",
                priority: 8,
                kind: "bpf",
                options: { fd, name: "with_class", classid: "1:3" }
              },
              { dev: "d0", parent: "egress" },
              withFd
            )
            expect(tc(ns, "filter", "show", "dev", "d0", "ingress")).toEqual("")
          }),
        (fd) => Effect.sync(() => closeProgram(fd))
      )
    )
  )

  it.live(
    "bpf by pinned path (a bpffs of the test's own): listed like tc's object-pinned filter; a missing path fails",
    () =>
      withClsact((ns) =>
        Effect.acquireUseRelease(
          Effect.sync(() => {
            const dir = mkdtempSync(join(tmpdir(), "nlink-bpffs-"))
            execFileSync("mount", ["-t", "bpf", "bpf", dir])
            const fd = loadProgram(ProgramType.schedCls, 0, "nlink_pin")
            const path = join(dir, "cls")
            pinProgram(fd, path)
            closeProgram(fd)
            return { dir, path }
          }),
          ({ dir, path }) =>
            Effect.gen(function* () {
              const where = { dev: "d0", parent: "ingress" } as const
              const listed = yield* roundTrip(
                {
                  ...where,
                  protocol: "all",
                  priority: 7,
                  kind: "bpf",
                  options: { pinned: path, name: "pinned", directAction: true }
                },
                where,
                // the path is not read back: the recreated filter names it again
                (x) => ({ ...x, options: { ...x.options, pinned: path } }) as Filter.Filter
              )
              expect(listed.options).toEqual({
                name: "pinned",
                directAction: true,
                skipHw: false,
                skipSw: false
              })
              const id = (listed.status!.kind as { id: number }).id
              // tc loads the same pinned program: the kernel reports the same program id
              tc(ns, "filter", "add", "dev", "d0", "ingress", "pref", "9", "bpf", "object-pinned", path, "da")
              const theirs = JSON.parse(tc(ns, "-j", "filter", "show", "dev", "d0", "ingress"))
                .filter((x: any) => x.options?.prog?.id !== undefined)
                .map((x: any) => x.options.prog.id)
              expect(theirs).toEqual([id])
              const ours = (yield* Filter.list(where)).find((f) => f.priority === 9)!
              expect((ours.status!.kind as { id: number }).id).toBe(id)
              expect((ours.options as any).directAction).toBe(true)
              yield* Filter.remove(ours)
              const before = yield* Filter.list(where)
              const err = yield* Effect.flip(
                Filter.add({ ...where, priority: 10, kind: "bpf", options: { pinned: join(dir, "none") } })
              )
              expect(err.reason._tag).toBe("System")
              expect(err.message).toContain(join(dir, "none"))
              expect(yield* Filter.list(where)).toEqual(before)
            }),
          ({ dir }) =>
            Effect.sync(() => {
              execFileSync("umount", [dir])
              rmSync(dir, { recursive: true })
            })
        )
      )
  )

  it.live("bad input fails with Validation naming the field, before anything is sent", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const bad: Array<[unknown, string]> = [
          [{ dev: "d0", kind: "u32", options: { match: [] } }, "parent"],
          [
            { dev: "d0", parent: "ingress", kind: "u32", options: { match: ["ip src 10.0.0.300/8"] } },
            "options.match[0]"
          ],
          [
            { dev: "d0", parent: "ingress", kind: "u32", options: { match: ["u16 1 0xffff at 3"] } },
            "options.match[0]"
          ],
          [
            {
              dev: "d0",
              parent: "ingress",
              kind: "u32",
              options: { match: ["ip protocol 6 0xff", "ip protocol 17 0xff"] }
            },
            "options.match[1]"
          ],
          [{ dev: "d0", parent: "ingress", kind: "u32", options: {} }, "options.match"],
          [{ dev: "d0", parent: "ingress", priority: 0, kind: "u32", options: { match: [] } }, "priority"],
          [
            { dev: "d0", parent: "ingress", protocol: "ipx6", kind: "u32", options: { match: [] } },
            "protocol"
          ],
          [
            { dev: "d0", parent: "ingress", handle: "1:2:3:4", kind: "u32", options: { match: [] } },
            "handle"
          ],
          [
            {
              dev: "d0",
              parent: "ingress",
              kind: "u32",
              options: { match: [] },
              actions: [{ kind: "gact", options: { action: "explode" } }]
            },
            "actions"
          ]
        ]
        for (const [input, field] of bad) {
          const e = yield* Effect.flip(Filter.add(input as Filter.Filter))
          expect(e.reason._tag, JSON.stringify(input)).toBe("Validation")
          expect((e.reason as any).path, JSON.stringify(input)).toMatch(
            new RegExp(`^${field.replace(/[[\]]/g, "\\$&")}`)
          )
        }
        expect(yield* Filter.list({ dev: "d0" })).toEqual([])
      })
    )
  )
})
