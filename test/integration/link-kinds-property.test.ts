/**
 * Generated inputs of the link kinds on a real kernel: each input is added with Link.add in
 * a fresh namespace, read back with Link.get and compared with Link.equals, and
 * remove(listed) leaves the namespace's links as they were.
 * - Host kernel: bridge times (every value, odd centiseconds included, reads back equal:
 *   they compare in whole 2 cs steps, see bridge.ts) and tun/tap.
 * - VM lane (describeFullKernel; the host lacks these kinds): a few inputs of every later
 *   kind (tunnels, xfrm, geneve, bareudp, ipvlan/ipvtap, nlmon, vcan, wireguard, team,
 *   vxcan, netkit, hsr, amt, gtp, ovpn, batadv), from test/helpers/arbitraryLink.ts. A kind
 *   the running kernel lacks is a listed test asserting the typed missing-kind error.
 * Inputs come from fixed seeds (fc.sample with a seed per kind): every run tests the same.
 */
import { execFileSync } from "node:child_process"
import * as os from "node:os"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as Link from "../../src/api/Link.ts"
import { expectEqual, kernelInput, kernelKinds, stringify } from "../helpers/arbitraryLink.ts"
import { describeFullKernel, describeRoot, fullKernel, inNamespace, ipJson } from "../helpers/netns.ts"

/**
 * In the lane VM only: tunnel modules loaded here would add their fallback devices (gre0,
 * tunl0, ...) to the VM's initial namespace, which the leak check counts; 2 tells the kernel
 * to create them in no namespace. Set before any tunnel module loads.
 */
if (fullKernel) execFileSync("sysctl", ["-qw", "net.core.fb_tunnels_only_for_init_net=2"])

/** The fallback devices a tunnel module makes in a namespace (none with the setting above). */
const fallback = /^(gre0|gretap0|erspan0|ip6gre0|tunl0|sit0|ip6tnl0|ip_vti0|ip6_vti0)$/

/** The names of the namespace's links. */
const names = Effect.map(Link.list({ stats: false }), (ls) =>
  ls
    .map((l) => l.name)
    .filter((n) => !fallback.test(n))
    .sort()
)

/** FNV-1a of a name: a fixed seed per kind. */
const seedOf = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Adds `input`, reads it back equal, removes the listed object; the namespace is as before. */
const addListRemove = (input: Link.AddSpec) =>
  Effect.gen(function* () {
    const before = yield* names
    yield* Link.add(input).pipe(Effect.mapError((e) => new Error(`add ${stringify(input)}: ${e.message}`)))
    const listed = yield* Link.get(input.name)
    expectEqual(input as Link.Link, listed)
    yield* Link.remove(listed)
    expect(yield* names).toEqual(before)
    return listed
  })

// ---------------------------------------------------------------------------
// host: bridge times

const cs = (max: number) => fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max }))
const csBig = fc.oneof(
  fc.bigInt({ min: 0n, max: 300n }),
  fc.bigInt({ min: 0n, max: 10_000_000n }),
  fc.bigInt({ min: 0n, max: 0xffffffffn })
)

const bridgeTimes = fc.record(
  {
    // STP is off: only hello time and max age have ranges (1..10 s, 6..40 s)
    forwardDelay: cs(0xffffffff),
    helloTime: fc.integer({ min: 100, max: 1000 }),
    maxAge: fc.integer({ min: 600, max: 4000 }),
    ageingTime: cs(0xffffffff),
    multicastLastMemberInterval: csBig,
    multicastMembershipInterval: csBig,
    multicastQuerierInterval: csBig,
    multicastQueryInterval: csBig,
    multicastQueryResponseInterval: csBig,
    multicastStartupQueryInterval: csBig
  },
  { requiredKeys: [] }
)

/** `ip -d -j link show`'s names of the times. */
const ipNames: Record<string, string> = {
  forwardDelay: "forward_delay",
  helloTime: "hello_time",
  maxAge: "max_age",
  ageingTime: "ageing_time",
  multicastLastMemberInterval: "mcast_last_member_intvl",
  multicastMembershipInterval: "mcast_membership_intvl",
  multicastQuerierInterval: "mcast_querier_intvl",
  multicastQueryInterval: "mcast_query_intvl",
  multicastQueryResponseInterval: "mcast_query_response_intvl",
  multicastStartupQueryInterval: "mcast_startup_query_intvl"
}

describeRoot("link kinds on the host kernel: generated inputs read back equal", () => {
  it.live(
    "bridge: every time written (odd centiseconds, clamped intervals) reads back equal, as ip shows it",
    () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          const samples = fc.sample(bridgeTimes, { numRuns: 15, seed: seedOf("bridge times") })
          // the edges: odd values, below and above the clamped intervals' range
          samples.push({
            forwardDelay: 1,
            helloTime: 101,
            maxAge: 3999,
            ageingTime: 3,
            multicastLastMemberInterval: 1n,
            multicastMembershipInterval: 0xffffffffn,
            multicastQuerierInterval: 12345n,
            multicastQueryInterval: 1n,
            multicastQueryResponseInterval: 99n,
            multicastStartupQueryInterval: 0xffffffffn
          })
          for (const [i, times] of samples.entries()) {
            const input = { kind: "bridge", name: `br${i}`, ...times } as Link.AddSpec
            yield* Link.add(input).pipe(
              Effect.mapError((e) => new Error(`add ${stringify(input)}: ${e.message}`))
            )
            const listed = yield* Link.get(input.name)
            expectEqual(input as Link.Link, listed)
            const d = ipJson(ns, "-d", "link", "show", "dev", input.name)[0].linkinfo.info_data
            for (const k of Object.keys(times))
              expect([k, (listed as any)[k]]).toEqual([
                k,
                typeof (listed as any)[k] === "bigint" ? BigInt(d[ipNames[k]!]) : d[ipNames[k]!]
              ])
            // the listed times are a fixed point: written again, they read back the same
            yield* Link.remove(listed)
            yield* Link.add(listed as Link.AddSpec)
            const again = yield* Link.get(input.name)
            for (const k of Object.keys(times))
              expect([k, (again as any)[k]]).toEqual([k, (listed as any)[k]])
            yield* Link.remove(again)
          }
        })
      ),
    120_000
  )

  it.live(
    "tun/tap: generated inputs created, read back equal, removed",
    () =>
      inNamespace(() =>
        Effect.gen(function* () {
          const tunInput = fc.record(
            {
              mode: fc.constantFrom("tun", "tap"),
              pi: fc.boolean(),
              vnetHdr: fc.boolean(),
              multiQueue: fc.boolean(),
              user: fc.integer({ min: 0, max: 65534 }),
              group: fc.integer({ min: 0, max: 65534 }),
              up: fc.boolean(),
              txqlen: fc.integer({ min: 0, max: 10_000 })
            },
            { requiredKeys: ["mode"] }
          )
          for (const [i, o] of fc.sample(tunInput, { numRuns: 8, seed: seedOf("tun") }).entries())
            yield* addListRemove({ kind: "tun", name: `tn${i}`, ...o } as Link.AddSpec)
        })
      ),
    60_000
  )
})

// ---------------------------------------------------------------------------
// VM lane: the later kinds

/** Inputs per kind on the lane (emulated and slow: a few). */
const LANE_RUNS = 3

/** Whether the kernel has the module (modprobe succeeds for built-ins too). */
const hasModule = (module: string): boolean => {
  try {
    execFileSync("modprobe", [module], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

/** d0..d2: dummies every kind can name as its parent or ports. */
const parents = Effect.forEach(["d0", "d1", "d2"], (name, i) =>
  Link.add({ kind: "dummy", name, address: `02:00:00:00:00:0${i}` })
)

describeFullKernel("link kinds on the full kernel: generated inputs read back equal", () => {
  for (const [kind, { module }] of Object.entries(kernelKinds)) {
    if (!hasModule(module ?? kind)) {
      it.live(`${kind}: [kernel ${os.release()} lacks the kind: add fails naming it]`, () =>
        inNamespace(() =>
          Effect.gen(function* () {
            yield* parents
            const [input] = fc.sample(kernelInput(kind), { numRuns: 1, seed: seedOf(kind) })
            const before = yield* names
            const e = yield* Effect.flip(Link.add({ ...input, name: "k0" } as Link.AddSpec))
            expect(e.reason).toMatchObject({ _tag: "Kernel", code: "EOPNOTSUPP" })
            expect(e.message).toContain(`lacks link kind "${kind}"`)
            expect(yield* names).toEqual(before)
          })
        )
      )
      continue
    }
    it.live(
      `${kind}: ${LANE_RUNS} generated inputs`,
      () =>
        Effect.forEach(
          fc.sample(kernelInput(kind), { numRuns: LANE_RUNS, seed: seedOf(kind) }),
          (input, i) =>
            // each in its own namespace: nothing one leaves behind (a UDP port, an ID) meets the next
            inNamespace(() =>
              Effect.gen(function* () {
                yield* parents
                yield* addListRemove({ ...input, name: `k${i}` } as Link.AddSpec)
              })
            ),
          { discard: true }
        ),
      300_000
    )
  }
})
