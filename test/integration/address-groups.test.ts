/**
 * Multicast and anycast memberships against the kernel, with `ip maddr` and
 * /proc/net/anycast6 as the oracles.
 */
import { release } from "node:os"
import { expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Address from "../../src/api/Address.ts"
import { describeRoot, inNamespace, ip, noLinkLocal, nsExec } from "../helpers/netns.ts"
import { eventually } from "../helpers/timing.ts"

const [major, minor] = release()
  .split(/[.-]/)
  .map((x) => Number(x))
/** IPv4 groups are dumped over netlink since Linux 6.13. */
const ipv4Groups = major! > 6 || (major === 6 && minor! >= 13)

/**
 * d0 and d1 (veth) with groups and anycast addresses that no longer change
 * by themselves: no link-local addresses (they would come at carrier-on,
 * their groups and anycast after DAD), and once the kernel's work item has
 * joined the global address's solicited-node group and added its prefix's
 * anycast address (a moment after `ip addr add` returns, even with nodad).
 */
const setup = (ns: string) => {
  noLinkLocal(ns)
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
  // forwarding makes the kernel answer the subnet-router anycast address of each prefix
  expect(nsExec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1").status).toBe(0)
  ip(ns, "addr", "add", "2001:db8:5::1/64", "dev", "d0", "nodad")
  ip(ns, "addr", "add", "239.1.1.1/32", "dev", "d0", "autojoin")
  return eventually(
    "d0 joined ff02::1:ff00:1 and answers 2001:db8:5::",
    Effect.sync(() => ({ groups: maddr(ns, "d0", "inet6"), anycast: anycast6(ns) })),
    ({ groups, anycast }) =>
      groups.includes("ff02::1:ff00:1") &&
      anycast.some((a) => a.dev === "d0" && a.address === "2001:0db8:0005:0000:0000:0000:0000:0000")
  )
}

/** /proc/net/anycast6 of the namespace: device and address (the file's fixed-width groups). */
const anycast6 = (ns: string) =>
  nsExec(ns, "cat", "/proc/net/anycast6")
    .stdout.trim()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.trim().split(/\s+/))
    .map(([, dev, hex]) => ({
      dev: dev!,
      address: hex!.match(/.{4}/g)!.join(":")
    }))

/** `ip maddr show dev DEV`: the inet/inet6 groups. */
const maddr = (ns: string, dev: string, family: "inet" | "inet6"): Array<string> =>
  ip(ns, "maddr", "show", "dev", dev)
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w[0] === family)
    .map((w) => w[1]!)
    .sort()

describeRoot("Address multicast and anycast memberships", () => {
  it.live("listMulticast: the groups ip maddr shows, by device and family", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        yield* setup(ns)
        const v6 = yield* Address.listMulticast({ dev: "d0", family: "inet6" })
        expect(v6.map((g) => g.address).sort()).toEqual(maddr(ns, "d0", "inet6"))
        expect(v6.map((g) => g.address)).toContain("ff02::1")
        for (const g of v6) {
          expect(g.dev).toBe("d0")
          expect(g.status?.family).toBe("inet6")
          // a listed group is valid JSON for its Schema and equal to itself read back
          const json = Schema.decodeUnknownSync(Address.groupSchema)(JSON.parse(JSON.stringify(g)))
          expect(Address.groupEquals(json, g)).toBe(true)
        }
        // the dev filter is applied: every device's groups together are more
        const all = yield* Address.listMulticast({ family: "inet6" })
        expect(
          all
            .filter((g) => g.dev === "d0")
            .map(Address.groupKey)
            .sort()
        ).toEqual(v6.map(Address.groupKey).sort())
        expect(all.some((g) => g.dev === "d1")).toBe(true)
        const v4 = yield* Address.listMulticast({ dev: "d0", family: "inet" }).pipe(
          Effect.map((gs) => gs.map((g) => g.address).sort()),
          Effect.catch((e) => Effect.succeed(e))
        )
        if (ipv4Groups) {
          // the autojoin address is a group d0 joined
          expect(v4).toEqual(maddr(ns, "d0", "inet"))
          expect(v4).toContain("239.1.1.1")
        } else expect(v4).toMatchObject({ reason: { _tag: "Kernel" } })
        // without a family: both (IPv4 where the kernel dumps it)
        const both = yield* Address.listMulticast({ dev: "d0" })
        expect(both.map((g) => g.address).sort()).toEqual(
          [...v6.map((g) => g.address), ...(ipv4Groups ? (v4 as Array<string>) : [])].sort()
        )
        const raw = yield* Address.listMulticastRaw({ dev: "d0", family: "inet6" })
        expect(raw.map((m) => m.multicast).sort()).toEqual(v6.map((g) => g.address).sort())
      })
    )
  )

  it.live("listAnycast: the anycast addresses of /proc/net/anycast6", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        yield* setup(ns)
        const proc = anycast6(ns)
        const listed = yield* Address.listAnycast()
        expect(listed.map(Address.groupKey).sort()).toEqual(proc.map(Address.groupKey).sort())
        expect(listed.map(Address.groupKey)).toContain("d0|2001:db8:5::")
        const onD1 = yield* Address.listAnycast({ dev: "d1" })
        expect(onD1.every((g) => g.dev === "d1")).toBe(true)
        expect(
          Address.groupEquals(
            { dev: "d0", address: "2001:DB8:5:0::" },
            { dev: "d0", address: "2001:db8:5::" }
          )
        ).toBe(true)
        expect(Address.anycastModel.name).toBe("anycast")
      })
    )
  )

  it.live("filters are validated: a bad family is a Validation error", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const e = yield* Effect.flip(Address.listMulticast({ family: "mpls" as any }))
        expect(e.reason).toMatchObject({ _tag: "Validation", path: "family" })
        const v4 = yield* Effect.flip(Address.listAnycast({ family: "inet" }))
        expect(v4.reason).toMatchObject({ _tag: "Validation", path: "family" })
      })
    )
  )
})
