/**
 * The nlink command's writing commands against iproute2: for each golden
 * fixture (test/fixtures/golden, captured from `ip`/`bridge` with strace), the
 * same words go through the library's `parse` — what `nlink OBJECT VERB WORDS`
 * runs — and the request the command then sends (the module's request
 * builder, the one its add/del/replace uses) must equal iproute2's: type,
 * flags, decoded body and attribute tree.
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Address from "../../src/api/Address.ts"
import * as BridgeVlan from "../../src/api/BridgeVlan.ts"
import * as Fdb from "../../src/api/Fdb.ts"
import { isError } from "../../src/api/internal/Words.ts"
import * as Link from "../../src/api/Link.ts"
import { parseBridgePort } from "../../src/api/parse/Link.ts"
import * as Mdb from "../../src/api/Mdb.ts"
import * as Neighbor from "../../src/api/Neighbor.ts"
import * as Nexthop from "../../src/api/Nexthop.ts"
import * as Encap from "../../src/api/nexthop/Encap.ts"
import * as Route from "../../src/api/Route.ts"
import * as Rule from "../../src/api/Rule.ts"
import { decodeAddrMessage } from "../../src/generated/rt-addr/index.ts"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { decodeMdbSetMessage } from "../../src/generated/rt-mdb/index.ts"
import { decodeNeighMessage } from "../../src/generated/rt-neigh/index.ts"
import { decodeNexthopBucketMessage, decodeNexthopMessage } from "../../src/generated/rt-nexthop/index.ts"
import { decodeRouteMessage } from "../../src/generated/rt-route/index.ts"
import { decodeRuleMessage } from "../../src/generated/rt-rule/index.ts"
import { decodeBridgeLinkMessage, decodeVlanMessage } from "../../src/generated/rt-vlan/index.ts"
import {
  attributeTree,
  expectLinkLikeIproute2,
  IFINFOMSG,
  type Fixture,
  fixtureNames,
  loadFixture,
  messageDecoder,
  nlmsgHeader,
  requestChecks,
  withoutKindNul
} from "../golden/nlmsg.ts"
import { describeRoot, ipJson, newNamespaceName } from "../helpers/netns.ts"

const ok = <A>(r: A): Exclude<A, { readonly _tag: "NetlinkError" }> => {
  if (isError(r)) throw new Error(`parse failed: ${r.message}`)
  return r as Exclude<A, { readonly _tag: "NetlinkError" }>
}

const AF_BRIDGE = 7

/** The golden setup's veth pair: d1 is made first (2), d0 is its peer (3). */
const INDEX: Readonly<Record<string, number>> = { d0: 3, d1: 2 }

/** Fixtures whose command starts with `object` (after ip's own -4/-6), with their verb and words. */
const fixturesOf = (object: string, skip: (f: Fixture) => boolean = () => false) =>
  fixtureNames()
    .map(loadFixture)
    .filter((f) => {
      const c = f.command[0] === "-6" || f.command[0] === "-4" ? f.command.slice(1) : f.command
      return c[0] === object && !skip(f)
    })
    .map((f) => {
      const family = f.command[0] === "-6" ? "inet6" : f.command[0] === "-4" ? "inet" : undefined
      const c = family === undefined ? f.command : f.command.slice(1)
      return { f, family, verb: c[1]!, words: c.slice(2), line: f.command.join(" ") } as const
    })

describe("nlink route add|del|replace|get: the request equals ip's", () => {
  const RTMSG = 12
  const nested = (path: ReadonlyArray<number>) => (path.length === 1 && path[0] === 8 ? true : undefined)
  const { decode, tree, expectSame } = requestChecks(decodeRouteMessage, RTMSG, nested)
  // ip leaves padding inside encap payloads and RTA_MULTIPATH records uninitialised:
  // those are compared decoded, the rest as a tree.
  const sameEncap = (ours: Uint8Array, theirs: Uint8Array): void => {
    expect(nlmsgHeader(ours).type).toBe(nlmsgHeader(theirs).type)
    expect(nlmsgHeader(ours).flags | 4).toBe(nlmsgHeader(theirs).flags)
    const { encap: ea, multipath: ma, ...ra } = decode(ours)
    const { encap: eb, multipath: mb, ...rb } = decode(theirs)
    expect(ra).toEqual(rb)
    if (ea !== undefined || eb !== undefined)
      expect(Encap.decode(ra.encapType!, ea!)).toEqual(Encap.decode(rb.encapType!, eb!))
    const hops = (m: typeof ma) =>
      m?.map(({ encap, unknown, ...h }) => ({
        ...h,
        encap: h.encapType === undefined ? undefined : Encap.decode(h.encapType, encap ?? unknown![0]!.data)
      }))
    expect(hops(ma)).toEqual(hops(mb))
    const outer = (b: Uint8Array) => {
      const t = tree(b)
      return { ...t, attrs: t.attrs.filter((x) => x.type !== 9) }
    }
    expect(outer(ours)).toEqual(outer(theirs))
  }
  const cases = fixturesOf("route")

  it("covers the route fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20)
  })

  for (const { f, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const m = decode(theirs)
      if (verb === "get") {
        const q = ok(Route.parseGet(words, "route get"))
        expectSame(Route.getRequest(q.destination, q.options, { iif: m.iif, oif: m.oif }), theirs, false)
        return
      }
      const parsed = ok(Route.parse(words, `route ${verb}`))
      // the command resolves seg6local's devices by name; the builder takes ip's indexes
      const e = parsed.encap
      const r =
        e?.type === "seg6local" && (e.oif !== undefined || e.iif !== undefined)
          ? {
              ...parsed,
              encap: {
                ...e,
                ...(e.oif === undefined ? {} : { oif: INDEX[e.oif as string]! }),
                ...(e.iif === undefined ? {} : { iif: INDEX[e.iif as string]! })
              }
            }
          : parsed
      const hops = m.multipath?.map((h) => h.ifindex)
      const ours =
        verb === "add"
          ? Route.addRequest(r, m.oif, hops)
          : verb === "replace"
            ? Route.replaceRequest(r, m.oif, hops)
            : Route.removeRequest(r, m.oif, hops)
      if (words.includes("encap")) sameEncap(ours, theirs)
      else expectSame(ours, theirs)
    })
  }
})

describe("nlink address add|del|replace: the request equals ip's", () => {
  const { decode, expectSame } = requestChecks(decodeAddrMessage, 8)
  const cases = fixturesOf("addr")

  it("covers the address fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(12)
  })

  for (const { f, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const index = decode(theirs).index
      const a = ok(Address.parse(words, `address ${verb}`))
      const build =
        verb === "add"
          ? Address.addRequest
          : verb === "replace"
            ? Address.replaceRequest
            : Address.removeRequest
      expectSame(build(a, index), theirs)
    })
  }
})

describe("nlink neigh add|del|replace|get: the request equals ip's", () => {
  const { decode, expectSame } = requestChecks(decodeNeighMessage, 12)
  const cases = fixturesOf("neigh")

  it("covers the neighbour fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(10)
  })

  for (const { f, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const index = decode(theirs).ifindex
      const n = ok(Neighbor.parse(words, `neigh ${verb}`))
      if (verb === "get") return expectSame(Neighbor.getRequest(n, index), theirs, false)
      const ours =
        n.proxy === true
          ? verb === "del"
            ? Neighbor.removeProxyRequest(n, index)
            : Neighbor.addProxyRequest(n, index)
          : verb === "add"
            ? Neighbor.addRequest(n, index)
            : verb === "replace"
              ? Neighbor.replaceRequest(n, index)
              : Neighbor.removeRequest(n, index)
      expectSame(ours, theirs)
    })
  }
})

describe("nlink rule add|del: the request equals ip's", () => {
  const { decode, tree, expectSame } = requestChecks(decodeRuleMessage, 12)
  const cases = fixturesOf("rule")

  it("covers the rule fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(18)
  })

  for (const { f, family, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const r = ok(Rule.parse(words, `rule ${verb}`, family))
      const ours = verb === "add" ? Rule.addRequest(r) : Rule.removeRequest(r)
      if (r.action !== "nat") return expectSame(ours, theirs)
      // ip also sends the NAT address (attribute 5, FRA_UNUSED2), which the kernel drops
      const { unknown: _, ...known } = decode(theirs) as unknown as Record<string, unknown>
      expect(decode(ours)).toEqual(known)
      expect(tree(ours)).toEqual({ ...tree(theirs), attrs: tree(theirs).attrs.filter((a) => a.type !== 5) })
    })
  }
})

describe("nlink nexthop add|replace|del|get: the request equals ip's", () => {
  const { decode, tree, expectSame } = requestChecks(decodeNexthopMessage, 8)
  // `nexthop bucket ...` reads buckets (its own case below)
  const cases = fixturesOf("nexthop", (f) => f.command[1] === "bucket")

  const buckets = requestChecks(decodeNexthopBucketMessage, 8)
  const bucketCases = fixturesOf("nexthop", (f) => f.command[1] !== "bucket" || f.command[2] !== "get")
  it("has the bucket get fixture", () => {
    expect(bucketCases.length).toBeGreaterThanOrEqual(1)
  })
  for (const { f, words, line } of bucketCases) {
    it(line, () => {
      const q = ok(Nexthop.parseBucketGet(words.slice(1), "nexthop bucket get"))
      buckets.expectSame(Nexthop.bucketRequest(q), f.messages[0]!.bytes, false)
    })
  }

  it("covers the nexthop fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(14)
  })

  for (const { f, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const m = decode(theirs)
      const n = ok(Nexthop.parse(words, `nexthop ${verb}`))
      if (verb === "get") return expectSame(Nexthop.getRequest(n.id!), theirs, false)
      if (verb === "del") return expectSame(Nexthop.removeRequest(n.id!), theirs)
      // the command resolves dev by name; the builder takes the index ip resolved
      const resolved = n.dev === undefined ? n : { ...n, dev: m.oif! }
      const ours = verb === "add" ? Nexthop.addRequest(resolved) : Nexthop.replaceRequest(resolved)
      if (n.encap === undefined) return expectSame(ours, theirs)
      // ip leaves padding inside the encap payload uninitialised: compare it decoded
      const { encap: ea, ...ra } = decode(ours)
      const { encap: eb, ...rb } = decode(theirs)
      expect(ra).toEqual(rb)
      expect(Encap.decode(ra.encapType!, ea!)).toEqual(Encap.decode(rb.encapType!, eb!))
      expect(tree(ours)).toEqual(tree(theirs))
    })
  }
})

describe("nlink link add|set|del: the request equals ip's", () => {
  const decodeLink = messageDecoder(decodeLinkMessage)
  // Port options (IFLA_INFO_SLAVE_DATA, sent without NLA_F_NESTED, or bridge's IFLA_PROTINFO)
  // are compared as attribute trees: ip writes them in its own order.
  const portNested = (path: ReadonlyArray<number>) => ["18", "18,5"].includes(path.join(","))
  const expectPortLikeIproute2 = (ours: Uint8Array, theirs: Fixture["messages"][number]) => {
    const { type, flags } = nlmsgHeader(ours)
    expect({ type, flags }).toEqual({ type: theirs.type, flags: theirs.flags })
    const tree = withoutKindNul(attributeTree(ours, IFINFOMSG, portNested))
    expect(tree).toEqual(attributeTree(theirs.bytes, IFINFOMSG, portNested))
    expect(tree.attrs.length).toBeGreaterThan(0)
  }
  const resolve = (spec: Record<string, unknown>): Link.AddResolved => {
    const devices: Record<string, number> = {}
    for (const [k, v] of Object.entries(spec))
      if (k !== "name" && k !== "link" && typeof v === "string" && INDEX[v] !== undefined)
        devices[k] = INDEX[v]
    const link = typeof spec.link === "string" ? INDEX[spec.link] : undefined
    return { ...(link === undefined ? {} : { link }), devices }
  }
  // namespaces by fd/pid are filled in when captured (their own test below)
  const cases = fixturesOf("link", (f) => f.command.some((w) => w.includes("{")) || f.command[1] === "show")

  it("covers the link fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
  })

  for (const { f, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!
      if (verb === "del") {
        ok(Link.parseDel(words, "link del"))
        return expectLinkLikeIproute2(Link.removeRequest(decodeLink(theirs.bytes).index), theirs)
      }
      if (verb === "property") {
        const m = decodeLink(theirs.bytes)
        const p = ok(Link.parseProperty(words.slice(1), `link property ${words[0]}`))
        expect(p.altnames).toHaveLength(1)
        const op = words[0] === "add" ? "add" : "del"
        return expectLinkLikeIproute2(Link.altnameRequest(op, m.index, p.altnames[0]!), theirs)
      }
      if (verb === "set") {
        const m = decodeLink(theirs.bytes)
        const devices = (o: { readonly backupPort?: unknown }): Record<string, number> =>
          typeof o.backupPort === "string" ? { backupPort: INDEX[o.backupPort]! } : {}
        // `bridge link set` (AF_BRIDGE, IFLA_PROTINFO)
        if (m.family === AF_BRIDGE) {
          const { port } = ok(parseBridgePort(words, "link set"))
          return expectPortLikeIproute2(Link.bridgePortRequest(m.index, port, devices(port)), theirs)
        }
        const parsed = ok(Link.parseChanges(words, "link set"))
        if (parsed.vfs !== undefined) {
          expect(parsed.vfs).toHaveLength(1)
          expect(parsed.changes).toEqual({})
          return expectLinkLikeIproute2(Link.vfRequest(m.index, parsed.vfs[0]!), theirs)
        }
        if (parsed.xdp !== undefined) {
          const { pinned, ...x } = parsed.xdp
          expect(pinned).toBeUndefined()
          return expectLinkLikeIproute2(Link.xdpRequest(m.index, { ...x, fd: null }), theirs)
        }
        const { changes, port } = parsed
        if (port !== undefined) {
          expect(changes).toEqual({})
          return expectPortLikeIproute2(
            Link.portRequest(m.index, port.kind, port.options, devices(port.options)),
            theirs
          )
        }
        const master = (changes as { master?: unknown }).master
        const resolved = typeof master === "string" ? { master: m.master! } : {}
        return expectLinkLikeIproute2(Link.setRequest(m.index, changes, resolved), theirs)
      }
      const spec = ok(Link.parse(words, "link add"))
      const valid = Schema.decodeUnknownSync(Link.specSchemas[spec.kind] as Schema.Codec<Link.AddSpec>)(spec)
      expectLinkLikeIproute2(Link.addRequest(valid, resolve(spec as never)), theirs)
    })
  }
})

describe("nlink fdb add|append|replace|del: the request equals bridge's", () => {
  const { decode, expectSame } = requestChecks(decodeNeighMessage, 12)
  const cases = fixturesOf("fdb")

  it("covers the fdb fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(8)
  })

  for (const { f, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const m = decode(theirs)
      if (verb === "flush") {
        const filter = ok(Fdb.parseFlush(words, "fdb flush"))
        return expectSame(Fdb.flushRequest(filter, { ifindex: m.ifindex, port: m.ndaIfindex }), theirs)
      }
      const e = ok(Fdb.parse(words, `fdb ${verb}`))
      const r = { ifindex: m.ifindex, via: m.ndaIfindex }
      const build =
        verb === "add"
          ? Fdb.addRequest
          : verb === "append"
            ? Fdb.appendRequest
            : verb === "replace"
              ? Fdb.replaceRequest
              : Fdb.removeRequest
      expectSame(build(e, r), theirs)
    })
  }
})

describe("nlink vlan add|del|set: the request equals bridge's", () => {
  // IFLA_AF_SPEC and IFLA_BRIDGE_VLAN_TUNNEL_INFO are nests sent without NLA_F_NESTED
  const linkChecks = requestChecks(decodeBridgeLinkMessage, 16, (p) => {
    const s = p.join(",")
    return s === "26" || s === "26,3"
  })
  const vlanChecks = requestChecks(decodeVlanMessage, 8)
  // `vlan global set` sets bridge-wide options, not a VLAN entry (its own case below)
  const cases = fixturesOf("vlan", (f) => f.command[1] === "global")
  const globals = fixturesOf("vlan", (f) => f.command[1] !== "global")
  it("has the vlan global set fixture", () => {
    expect(globals.length).toBeGreaterThanOrEqual(1)
  })
  for (const { f, words, line } of globals) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const g = ok(BridgeVlan.parseGlobal(words.slice(1), "vlan global set"))
      vlanChecks.expectSame(BridgeVlan.globalRequest(g, vlanChecks.decode(theirs).ifindex), theirs)
    })
  }

  it("covers the vlan fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(8)
  })

  for (const { f, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const v = ok(BridgeVlan.parse(words, `vlan ${verb}`))
      if (verb === "set") {
        const index = vlanChecks.decode(theirs).ifindex
        return vlanChecks.expectSame(BridgeVlan.optionsRequest(v, index)!, theirs)
      }
      const index = linkChecks.decode(theirs).index
      const ours =
        v.tunnelId !== undefined
          ? BridgeVlan.tunnelRequest(v, index, verb === "del")
          : verb === "add"
            ? BridgeVlan.addRequest(v, index)
            : BridgeVlan.removeRequest(v, index)
      linkChecks.expectSame(ours, theirs)
    })
  }
})

describe("nlink mdb add|del|replace: the request equals bridge's", () => {
  const { decode, expectSame } = requestChecks(decodeMdbSetMessage, 8)
  const cases = fixturesOf("mdb")

  it("covers the mdb fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(6)
  })

  for (const { f, verb, words, line } of cases) {
    it(line, () => {
      const theirs = f.messages[0]!.bytes
      const m = decode(theirs)
      const e = ok(Mdb.parse(words, `mdb ${verb}`))
      const r = { bridge: m.ifindex, port: m.entry!.ifindex }
      const build =
        verb === "add" ? Mdb.addRequest : verb === "replace" ? Mdb.replaceRequest : Mdb.removeRequest
      expectSame(build(e, r), theirs)
    })
  }
})

describeRoot("nlink link set ... type bridge_slave and nlink bridge link set, end to end", () => {
  const ns = newNamespaceName("clp")
  const root = path.resolve(import.meta.dirname, "../..")
  const nlink = (...args: Array<string>) =>
    spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), "-n", ns, ...args], {
      encoding: "utf8",
      timeout: 60_000
    })
  const port = (dev: string) =>
    ipJson<Array<{ mtu: number; linkinfo: { info_slave_data: Record<string, unknown> } }>>(
      ns,
      "-d",
      "link",
      "show",
      dev
    )[0]!
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    for (const args of [
      ["link", "add", "p0", "type", "veth", "peer", "name", "p1"],
      ["link", "add", "br0", "type", "bridge"],
      ["link", "set", "p0", "master", "br0"],
      ["link", "set", "p1", "master", "br0"]
    ])
      execFileSync("ip", ["-n", ns, ...args])
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("sets the port options ip and bridge would", { timeout: 240_000 }, () => {
    const a = nlink(
      "link",
      "set",
      "p0",
      "mtu",
      "1400",
      "type",
      "bridge_slave",
      "cost",
      "7",
      "learning",
      "off"
    )
    expect({ status: a.status, stderr: a.stderr }).toEqual({ status: 0, stderr: "" })
    expect(port("p0").mtu).toBe(1400)
    expect(port("p0").linkinfo.info_slave_data).toMatchObject({ cost: 7, learning: false })

    const b = nlink("bridge", "link", "set", "dev", "p1", "cost", "9", "isolated", "on", "hairpin", "on")
    expect({ status: b.status, stderr: b.stderr }).toEqual({ status: 0, stderr: "" })
    expect(port("p1").linkinfo.info_slave_data).toMatchObject({ cost: 9, isolated: true, hairpin: true })

    // the master is a bridge: bond_slave words are refused before anything is sent
    const c = nlink("link", "set", "p0", "type", "bond_slave", "queue_id", "3")
    expect(c.status).toBe(1)
    expect(c.stderr).toContain("link set: type")
  })
})
