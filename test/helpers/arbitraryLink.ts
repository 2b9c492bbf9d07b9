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
