/**
 * Every link kind of the registry, without a kernel:
 * - options generated from the kind's own input Schema (Effect's Schema-derived
 *   arbitraries), kept when the kind's cross-field `check` accepts them, go through
 *   the request Link.add sends, are decoded again and read back through the kind's
 *   module (Link.fromMessage): the result equals the input (Link.equals);
 * - attribute lists of arbitrary types and payloads as the kind's IFLA_INFO_DATA (and a
 *   master kind's IFLA_INFO_SLAVE_DATA) never make reading throw, and an object read
 *   that way which the kind's Schema accepts is read back equal after a round trip of its
 *   own (decode → encode → decode is stable).
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import fc from "fast-check"
import * as Link from "../../src/api/Link.ts"
import type { LinkKind } from "../../src/api/link/LinkKind.ts"
import { registry } from "../../src/api/link/registry.ts"
import {
  attributeList,
  completeOptions,
  deviceTable,
  encodeDecode,
  expectEqual,
  messageWith,
  validate,
  kindAttributeTypes,
  portAttributeTypes,
  validKindData,
  wireRoundTrip
} from "../helpers/arbitraryLink.ts"
import { property, propertyRuns } from "../helpers/property.ts"

describe("link kinds: options → request → decode → read back equals the input", () => {
  for (const desc of registry as ReadonlyArray<LinkKind>) {
    const options = Schema.Struct(desc.fields)
    let kept = 0
    property(
      `${desc.kind}: Schema-derived options read back equal`,
      options as unknown as Schema.Codec<Record<string, unknown>>,
      (o) => {
        const spec = { kind: desc.kind, name: "k0", ...completeOptions(desc.kind, o) } as Link.AddSpec
        if (desc.check?.(spec as any) !== undefined) return
        kept++
        const table = deviceTable()
        const listed = Link.fromMessage(wireRoundTrip(spec, desc, table), table.name)
        expectEqual(spec, listed)
      },
      { runs: 100 }
    )
    it(`${desc.kind}: the kind's check left inputs to test`, () => {
      // a check refusing nearly all generated inputs would make the property above empty
      expect(kept).toBeGreaterThan(propertyRuns(100) / 10)
    })
  }
})

describe("link kinds: arbitrary kind data never throws; what is read is stable", () => {
  for (const desc of registry as ReadonlyArray<LinkKind>) {
    it(`${desc.kind}: kind data${desc.port === undefined ? "" : " and port data"}`, () => {
      let stable = 0
      const valid = validKindData(desc)
      fc.assert(
        fc.property(attributeList(kindAttributeTypes[desc.kind] ?? [], 1, valid), (data) => {
          const listed = Link.fromMessage(encodeDecode(messageWith(desc.kind, data)), (i) => `d${i}`)
          expect(listed.kind).toBe(desc.kind)
          // status is derived on demand: reading it must not throw either
          JSON.stringify(listed.status, (_k, x) => (typeof x === "bigint" ? `${x}` : x))
          const { status: _s, ...input } = listed as Link.Link & { status?: unknown }
          if (validate(desc.kind, input)._tag !== "Success") return
          if (desc.check?.(input as any) !== undefined) return
          stable++
          const table = deviceTable()
          const again = Link.fromMessage(wireRoundTrip(input as Link.AddSpec, desc, table), table.name)
          expectEqual(input as Link.Link, again)
        }),
        { numRuns: propertyRuns(150) }
      )
      if (desc.port !== undefined)
        fc.assert(
          fc.property(attributeList(portAttributeTypes[desc.kind] ?? []), (data) => {
            const listed = Link.fromMessage(
              encodeDecode(messageWith("veth", data, desc.kind)),
              (i) => `d${i}`
            )
            JSON.stringify(listed.status, (_k, x) => (typeof x === "bigint" ? `${x}` : x))
            if (listed.port === undefined) return
            const table = deviceTable()
            const devices: Record<string, number> = {}
            for (const f of desc.port!.devices) {
              const v = (listed.port as Record<string, unknown>)[f]
              if (typeof v === "string" || typeof v === "number") devices[f] = table.index(v)
            }
            const portData = { portKind: desc.kind, ...desc.port!.toKernel(listed.port, devices) }
            const again = encodeDecode({
              ...messageWith("veth", new Uint8Array(0), desc.kind),
              linkInfo: { kind: "veth", portKind: desc.kind, portData: portData as any }
            })
            const back = desc.port!.fromKernel(again.linkInfo?.portData, table.name)
            expect(desc.port!.canonical(back)).toEqual(desc.port!.canonical(listed.port))
          }),
          { numRuns: propertyRuns(150) }
        )
      // valid kind data (with noise) must sometimes reach the round trip
      expect(stable).toBeGreaterThan(0)
    })
  }
})
