/**
 * Link kinds for property tests: the pure wire round trip of a kind's options
 * (Link.addMessage → bytes → decode → Link.fromMessage, with the devices a
 * request names resolved to made-up indexes and named back), and kind data
 * as attribute lists of arbitrary types and payloads.
 */
import { Effect, Schema } from "effect"
import * as Arbitrary from "effect/Arbitrary"
import fc from "fast-check"
import { expect } from "vitest"
import * as Link from "../../src/api/Link.ts"
import type { LinkKind } from "../../src/api/link/LinkKind.ts"
import { byKind } from "../../src/api/link/registry.ts"
import { readFileSync } from "node:fs"
import * as G from "../../src/generated/rt-link/index.ts"
import { decodeLinkMessage, encodeLinkMessage, type LinkMessage } from "../../src/generated/rt-link/index.ts"
import { Writer } from "../../src/runtime/Wire.ts"

// the kinds' attribute sets, as the generated union types name them
const generatedSource = readFileSync(new URL("../../src/generated/rt-link/index.ts", import.meta.url), "utf8")

/** nlmsghdr length: a request's ifinfomsg starts here. */
const NLMSG_HDRLEN = 16

/** The index a device name stands for in a pure round trip, and back. */
export interface DeviceTable {
  readonly index: (ref: string | number) => number
  readonly name: (index: number) => string | number
}

/** Device names get indexes from 100 up; a number given as a device is its own index. */
export const deviceTable = (): DeviceTable => {
  const byName = new Map<string, number>()
  const byIndex = new Map<number, string>()
  return {
    index: (ref) => {
      if (typeof ref === "number") return ref
      let i = byName.get(ref)
      if (i === undefined) {
        i = 100 + byName.size
        byName.set(ref, i)
        byIndex.set(i, ref)
      }
      return i
    },
    name: (i) => byIndex.get(i) ?? i
  }
}

/** The value at a dotted option path ("peer.netns"). */
const at = (o: Record<string, any>, path: string): unknown =>
  path.split(".").reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), o)

/**
 * The request body `Link.add` would send for `spec` (devices resolved through
 * `table`), encoded and decoded again as the kernel's listing would carry it:
 * the parent in IFLA_LINK, everything else where the request put it.
 */
export const wireRoundTrip = (spec: Link.AddSpec, desc: LinkKind, table: DeviceTable): LinkMessage => {
  const s = spec as Record<string, any>
  const devices: Record<string, number> = {}
  for (const f of desc.devices) {
    const v = at(s, f)
    if (typeof v === "string" || typeof v === "number") devices[f] = table.index(v)
  }
  const parentRef = desc.parent === undefined ? undefined : s[desc.parent]
  const bytes = Link.addRequest(spec, {
    devices,
    ...(parentRef === undefined ? {} : { link: table.index(parentRef) })
  })
  const msg = decodeLinkMessage(
    bytes,
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    NLMSG_HDRLEN,
    bytes.length
  )
  const data = msg.linkInfo?.data as Record<string, unknown> | undefined
  const report = reported[desc.kind]
  return data === undefined || report === undefined
    ? msg
    : { ...msg, linkInfo: { ...msg.linkInfo, data: report(data) as any } }
}

/**
 * Kind data the kernel lists in another attribute than the request carried it in: hsr's
 * supervision byte goes as MULTICAST_SPEC and comes back as the last byte of
 * SUPERVISION_ADDR (01:15:4e:00:01:XX), and its version is never reported.
 */
const reported: Record<string, (d: Record<string, unknown>) => Record<string, unknown>> = {
  hsr: ({ multicastSpec, version: _v, ...d }) => ({
    ...d,
    supervisionAddr: `01:15:4e:00:01:${((multicastSpec as number | undefined) ?? 0).toString(16).padStart(2, "0")}`
  })
}

/** One attribute: NLA header (length, type) and payload, padded to 4 bytes. */
const attr = (type: number, payload: Uint8Array): Uint8Array => {
  const len = 4 + payload.length
  const out = new Uint8Array((len + 3) & ~3)
  new DataView(out.buffer).setUint16(0, len, true)
  new DataView(out.buffer).setUint16(2, type, true)
  out.set(payload, 4)
  return out
}

/**
 * Attribute lists as kind data: mostly the types of the kind's attribute set (`types`,
 * some nested-flagged), now and then any type up to 64; payloads of the lengths the
 * kernel's attributes have (1, 2, 4, 8, 16 bytes) or any up to 40, and now and then a
 * nested list; mostly well-formed, so decoders get past the framing.
 */
export const attributeList = (
  types: ReadonlyArray<number>,
  depth = 1,
  valid: ReadonlyArray<Uint8Array> = []
): fc.Arbitrary<Uint8Array> => {
  const payload: fc.Arbitrary<Uint8Array> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(1, 2, 4, 8, 16).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }))
    },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }) },
    ...(depth > 0 ? [{ weight: 1, arbitrary: attributeList(types, depth - 1) }] : [])
  )
  const type = fc.oneof(
    {
      weight: 5,
      arbitrary: types.length === 0 ? fc.integer({ min: 1, max: 64 }) : fc.constantFrom(...types)
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }) }
  )
  const one = fc
    .tuple(type, fc.boolean(), payload)
    .map(([t, nested, p]) => attr(t | (nested ? 0x8000 : 0), p))
  const base =
    valid.length === 0
      ? fc.constant(new Uint8Array(0))
      : fc.oneof(fc.constant(new Uint8Array(0)), fc.constantFrom(...valid))
  return fc.tuple(base, fc.array(one, { maxLength: 12 })).map(([b, rest]) => {
    const as = [b, ...rest]
    const out = new Uint8Array(as.reduce((n, a) => n + a.length, 0))
    let off = 0
    for (const a of as) {
      out.set(a, off)
      off += a.length
    }
    return out
  })
}

const kindSets = new Map(
  [...generatedSource.matchAll(/\(\{ readonly kind: "([a-z0-9_]+)" \} & (\w+)\)/g)].map(([, kind, set]) => [
    kind!,
    set!
  ])
)

/** The attribute type numbers of each kind's IFLA_INFO_DATA set (and of the port data of master kinds). */
export const kindAttributeTypes: Readonly<Record<string, ReadonlyArray<number>>> = Object.fromEntries(
  [...kindSets].map(([kind, set]) => [kind, Object.values((G as Record<string, any>)[`${set}Types`] ?? {})])
)

/**
 * Kind data bytes of valid options: `sample` options (Schema-derived, completed) that pass
 * the kind's check, built with its toKernel and the kind's generated encoder.
 */
export const validKindData = (desc: LinkKind, count = 20): ReadonlyArray<Uint8Array> => {
  const encode = (G as Record<string, any>)[`encode${kindSets.get(desc.kind)}`]
  if (encode === undefined) return []
  const samples = Effect.runSync(
    Arbitrary.sampleEffect(Arbitrary.schema(Schema.Struct(desc.fields)), { count, size: 10, seed: 7 })
  )
  const table = deviceTable()
  const out: Array<Uint8Array> = []
  for (const sample of samples) {
    const o = completeOptions(desc.kind, sample as Record<string, unknown>)
    if (desc.check?.(o) !== undefined) continue
    const devices: Record<string, number> = {}
    for (const f of desc.devices) {
      const v = at(o, f)
      if (typeof v === "string" || typeof v === "number") devices[f] = table.index(v)
    }
    const data = desc.toKernel(o, { devices, namespaces: {} })
    if (data === undefined) continue
    const w = new Writer(256)
    encode(w, data)
    out.push(w.finish())
  }
  return out
}

/** The same for port data, by master kind. */
export const portAttributeTypes: Readonly<Record<string, ReadonlyArray<number>>> = Object.fromEntries(
  [...generatedSource.matchAll(/\(\{ readonly portKind: "([a-z0-9_]+)" \} & (\w+)\)/g)].map(
    ([, kind, set]) => [kind, Object.values((G as Record<string, any>)[`${set}Types`] ?? {}) as Array<number>]
  )
)

/**
 * Options a kind's cross-field check needs, filled in where a Schema-derived input leaves
 * them out (so that most generated inputs are tested rather than refused).
 */
export const completeOptions = (kind: string, o: Record<string, unknown>): Record<string, unknown> => {
  if (kind === "geneve" && o.external !== true) return { id: 1, remote: "10.0.0.2", ...o }
  return o
}

/** JSON with bigints as `<n>n`, for failure messages. */
export const stringify = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x))

/** Fails showing both canonical forms when `listed` does not equal `input`. */
export const expectEqual = (input: Link.Link, listed: Link.Link) => {
  if (!Link.equals(input, listed))
    expect({ input: stringify(input), listed: stringify(Link.canonical(listed)) }).toEqual({
      input: stringify(input),
      listed: stringify(Link.canonical(input))
    })
  expect(Link.equals(input, listed)).toBe(true)
}

/** The kind's input Schema applied to `spec`. */
export const validate = (kind: string, spec: unknown) =>
  Schema.decodeUnknownExit(Link.specSchemas[kind as Link.AddSpec["kind"]] as any)(spec)

/** A link message of `kind` whose kind data (or port data) is `data`. */
export const messageWith = (kind: string, data: Uint8Array, port?: string): LinkMessage => ({
  family: 0,
  pad: 0,
  type: 1,
  index: 7,
  flags: 0,
  change: 0,
  ifname: "k0",
  // a parent (kinds stacked on a device read it from IFLA_LINK)
  link: 5,
  linkInfo: port === undefined ? { kind, dataRaw: data } : { kind, portKind: port, portDataRaw: data }
})

/** Through the generated encoder and decoder: raw kind data is parsed by the kind's decoder. */
export const encodeDecode = (msg: LinkMessage): LinkMessage => {
  const w = new Writer(256)
  encodeLinkMessage(w, msg)
  const b = w.finish()
  return decodeLinkMessage(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length)
}

/** The read-back of `spec` (a kind's options with `kind`) through {@link wireRoundTrip}. */
export const roundTrip = (spec: object): Link.Link => {
  const desc = byKind.get((spec as { kind: string }).kind)!
  const table = deviceTable()
  return Link.fromMessage(wireRoundTrip({ name: "k0", ...spec } as Link.AddSpec, desc, table), table.name)
}

// ---------------------------------------------------------------------------
// inputs a real kernel takes, per kind (the parents d0, d1, d2 are dummies)

const v4 = (net: number) => fc.integer({ min: 1, max: 250 }).map((x) => `10.9.${net}.${x}`)
const v6 = (net: number) =>
  fc.integer({ min: 1, max: 0xfffe }).map((x) => `2001:db8:${net}::${x.toString(16)}`)
const key = fc.integer({ min: 0, max: 0xffffffff })
const u8 = fc.integer({ min: 0, max: 255 })
const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })

/** Common settings every kind takes on create. */
const common = fc.record(
  {
    txqlen: fc.integer({ min: 0, max: 10_000 }),
    group: fc.integer({ min: 0, max: 100 }),
    up: fc.boolean(),
    alias: fc.stringMatching(/^[a-z][a-z ]{0,19}$/)
  },
  { requiredKeys: [] }
)

/** Keys, checksums and sequence numbers of a GRE tunnel. */
const greKeys = fc.record(
  {
    ikey: key,
    okey: key,
    icsum: fc.boolean(),
    ocsum: fc.boolean(),
    iseq: fc.boolean(),
    oseq: fc.boolean()
  },
  { requiredKeys: [] }
)

/** ERSPAN: sequence numbers and one key both ways (the kernel takes no other GRE flags), version 1 or 2. */
const erspanOptions = fc
  .tuple(
    fc.integer({ min: 0, max: 1023 }),
    fc.oneof(
      fc.record(
        { erspanVer: fc.constant(1), erspan: fc.integer({ min: 0, max: 0xfffff }) },
        { requiredKeys: ["erspanVer"] }
      ),
      fc.record(
        {
          erspanVer: fc.constant(2),
          erspanDir: fc.constantFrom("ingress", "egress"),
          erspanHwid: fc.integer({ min: 0, max: 63 })
        },
        { requiredKeys: ["erspanVer"] }
      )
    )
  )
  .map(([k, o]) => ({ iseq: true, oseq: true, ikey: k, okey: k, ...o }))

/** IPv4 tunnel endpoints, TTL, TOS, fwmark; path MTU discovery off only with ttl inherit. */
const v4Tunnel = fc
  .tuple(
    fc.record(
      {
        remote: v4(1),
        local: v4(2),
        tos: fc.oneof(u8, fc.constant("inherit")),
        fwmark: key,
        dev: fc.constant("d0")
      },
      { requiredKeys: [] }
    ),
    fc.oneof(
      fc.record(
        { ttl: fc.oneof(fc.integer({ min: 1, max: 255 }), fc.constant("inherit")) },
        { requiredKeys: [] }
      ),
      fc.record({ ttl: fc.constant("inherit"), pmtudisc: fc.constant(false) })
    )
  )
  .map(([a, b]) => ({ ...a, ...b }))

/** IPv6 tunnel endpoints, hop limit and the IPv6 flags and flow info. */
const v6Tunnel = fc.record(
  {
    remote: v6(1),
    local: v6(2),
    hoplimit: fc.integer({ min: 1, max: 255 }),
    encaplimit: fc.oneof(u8, fc.constant("none")),
    tclass: fc.oneof(u8, fc.constant("inherit")),
    flowlabel: fc.oneof(fc.integer({ min: 0, max: 0xfffff }), fc.constant("inherit")),
    fwmark: fc.oneof(key, fc.constant("inherit")),
    dscpInherit: fc.boolean(),
    allowLocalremote: fc.boolean()
  },
  { requiredKeys: [] }
)

/** A peer end (veth-like pairs). */
const peer = opt(fc.constant({ name: "kp" }))

/**
 * Per kind: the inputs a kernel with the kind takes (`module`: what to modprobe when it is not
 * the kind's own name). Values the kernel keeps in another form are left out: 6rd prefixes
 * are whole (the kernel masks the address to the length), geneve's flow label is IPv6's.
 */
export const kernelKinds: Readonly<
  Record<string, { readonly module?: string; readonly arbitrary: fc.Arbitrary<Record<string, unknown>> }>
> = {
  gre: { module: "ip_gre", arbitrary: fc.tuple(v4Tunnel, greKeys).map(([a, b]) => ({ ...a, ...b })) },
  gretap: { module: "ip_gre", arbitrary: fc.tuple(v4Tunnel, greKeys).map(([a, b]) => ({ ...a, ...b })) },
  erspan: {
    module: "ip_gre",
    arbitrary: fc.tuple(v4Tunnel, erspanOptions).map(([a, b]) => ({ ...a, ...b }))
  },
  ip6gre: { module: "ip6_gre", arbitrary: fc.tuple(v6Tunnel, greKeys).map(([a, b]) => ({ ...a, ...b })) },
  ip6gretap: { module: "ip6_gre", arbitrary: fc.tuple(v6Tunnel, greKeys).map(([a, b]) => ({ ...a, ...b })) },
  ip6erspan: {
    module: "ip6_gre",
    arbitrary: fc.tuple(v6Tunnel, erspanOptions).map(([a, b]) => ({ ...a, ...b }))
  },
  ipip: {
    arbitrary: fc
      .tuple(v4Tunnel, opt(fc.constantFrom("ipip", "any")))
      .map(([a, mode]) => (mode === undefined ? a : { ...a, mode }))
  },
  sit: {
    arbitrary: fc.oneof(
      fc
        .tuple(
          v4Tunnel,
          opt(fc.constantFrom("ip6ip", "ipip", "any")),
          opt(
            fc.constantFrom(
              { "6rdPrefix": "2001:db8::/32", "6rdRelayPrefix": "10.0.0.0/8" },
              { "6rdPrefix": "2001:db8:100::/40", "6rdRelayPrefix": "10.9.0.0/16" }
            )
          )
        )
        .map(([a, mode, rd]) => ({ ...a, ...(mode === undefined ? {} : { mode }), ...rd })),
      v4(2).map((local) => ({ local, isatap: true }))
    )
  },
  ip6tnl: {
    module: "ip6_tunnel",
    arbitrary: fc
      .tuple(v6Tunnel, opt(fc.constantFrom("ip6ip6", "ipip6", "any")))
      .map(([a, mode]) => (mode === undefined ? a : { ...a, mode }))
  },
  vti: {
    module: "ip_vti",
    arbitrary: fc.record(
      { remote: v4(1), local: v4(2), ikey: key, okey: key, fwmark: key, dev: fc.constant("d0") },
      { requiredKeys: [] }
    )
  },
  vti6: {
    module: "ip6_vti",
    arbitrary: fc.record(
      { remote: v6(1), local: v6(2), ikey: key, okey: key, fwmark: key, dev: fc.constant("d0") },
      { requiredKeys: [] }
    )
  },
  xfrm: {
    module: "xfrm_interface",
    arbitrary: fc.oneof(
      fc.record(
        { ifId: fc.integer({ min: 1, max: 0xffffffff }), dev: fc.constant("d0") },
        { requiredKeys: ["ifId"] }
      ),
      fc.constant({ external: true })
    )
  },
  geneve: {
    arbitrary: fc.oneof(
      fc.record(
        {
          id: fc.integer({ min: 0, max: 0xffffff }),
          remote: v4(1),
          ttl: fc.oneof(u8, fc.constant("inherit")),
          tos: fc.oneof(u8, fc.constant("inherit")),
          df: fc.constantFrom("unset", "set", "inherit"),
          dstport: fc.integer({ min: 1, max: 65535 }),
          udpcsum: fc.boolean()
        },
        { requiredKeys: ["id", "remote"] }
      ),
      fc.record(
        {
          id: fc.integer({ min: 0, max: 0xffffff }),
          remote: v6(1),
          ttl: fc.oneof(u8, fc.constant("inherit")),
          tos: fc.oneof(u8, fc.constant("inherit")),
          flowlabel: fc.integer({ min: 0, max: 0xfffff }),
          dstport: fc.integer({ min: 1, max: 65535 }),
          udp6zerocsumtx: fc.boolean(),
          udp6zerocsumrx: fc.boolean()
        },
        { requiredKeys: ["id", "remote"] }
      ),
      fc.constant({ external: true })
    )
  },
  bareudp: {
    arbitrary: fc.oneof(
      fc.record(
        {
          dstport: fc.integer({ min: 1, max: 65535 }),
          ethertype: fc.constantFrom("ipv4", "ipv6", "mpls_uc", "mpls_mc"),
          srcportmin: fc.integer({ min: 1, max: 65535 })
        },
        { requiredKeys: ["dstport", "ethertype"] }
      ),
      fc.record({
        dstport: fc.integer({ min: 1, max: 65535 }),
        ethertype: fc.constantFrom("ipv4", "mpls_uc"),
        multiproto: fc.constant(true)
      })
    )
  },
  ipvlan: {
    arbitrary: fc
      .record(
        { mode: fc.constantFrom("l2", "l3", "l3s"), flag: fc.constantFrom("bridge", "private", "vepa") },
        { requiredKeys: [] }
      )
      .map((o) => ({ link: "d0", ...o }))
  },
  ipvtap: {
    module: "ipvtap",
    arbitrary: fc
      .record(
        { mode: fc.constantFrom("l2", "l3", "l3s"), flag: fc.constantFrom("bridge", "private", "vepa") },
        { requiredKeys: [] }
      )
      .map((o) => ({ link: "d0", ...o }))
  },
  nlmon: { arbitrary: fc.constant({}) },
  vcan: { arbitrary: fc.constant({}) },
  wireguard: { arbitrary: fc.constant({}) },
  team: { arbitrary: fc.constant({}) },
  vxcan: { arbitrary: peer.map((p) => (p === undefined ? {} : { peer: p })) },
  netkit: {
    arbitrary: fc
      .tuple(
        fc.record(
          {
            mode: fc.constantFrom("l2", "l3"),
            policy: fc.constantFrom("forward", "blackhole"),
            peerPolicy: fc.constantFrom("forward", "blackhole"),
            scrub: fc.constantFrom("none", "default"),
            peerScrub: fc.constantFrom("none", "default"),
            headroom: fc.integer({ min: 0, max: 256 }),
            tailroom: fc.integer({ min: 0, max: 256 })
          },
          { requiredKeys: [] }
        ),
        peer
      )
      .map(([o, p]) => (p === undefined ? o : { ...o, peer: p }))
  },
  hsr: {
    // PRP takes no version
    arbitrary: fc
      .oneof(
        fc.record(
          { supervision: u8, version: fc.constantFrom(0, 1), proto: fc.constant("hsr") },
          { requiredKeys: [] }
        ),
        fc.record({ supervision: u8, proto: fc.constant("prp") }, { requiredKeys: ["proto"] })
      )
      .map((o) => ({ slave1: "d0", slave2: "d1", ...o }))
  },
  amt: {
    arbitrary: fc
      .record(
        {
          relayPort: fc.integer({ min: 1, max: 65535 }),
          maxTunnels: fc.integer({ min: 1, max: 1000 })
        },
        { requiredKeys: [] }
      )
      .map((o) => ({ mode: "relay", local: "10.9.0.1", dev: "d0", ...o }))
  },
  gtp: {
    arbitrary: fc.record(
      {
        role: fc.constantFrom("ggsn", "sgsn"),
        hsize: fc.integer({ min: 1, max: 10_000 }),
        restartCount: u8
      },
      { requiredKeys: [] }
    )
  },
  ovpn: { arbitrary: fc.record({ mode: fc.constantFrom("p2p", "mp") }, { requiredKeys: [] }) },
  batadv: {
    module: "batman-adv",
    arbitrary: fc.record({ ra: fc.constantFrom("BATMAN_IV", "BATMAN_V") }, { requiredKeys: [] })
  }
}

/** A kind's kernel input with common settings (vcan takes no MTU of ours, so none is set anywhere). */
export const kernelInput = (kind: string): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(common, kernelKinds[kind]!.arbitrary).map(([c, o]) => ({ ...c, ...o, kind }))
