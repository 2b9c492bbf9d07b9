/**
 * The typed members of `Filter.Action` for gate, ife and bpf (issue 14): a filter carrying such
 * actions is written (the request `tc filter add` sends) and read back through the kernel's
 * message format as the same kind with typed options, equal to what was written. Arbitrary
 * actions of those three kinds come from their members of the action Schema.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Filter from "../../src/api/Filter.ts"
import * as Actions from "../../src/api/tc/action/Engine.ts"
import { actionKinds } from "../../src/api/tc/action/registry.ts"
import { decodeFilterMessage } from "../../src/generated/tc-filter/index.ts"
import { property } from "../helpers/property.ts"

const members = (Actions.actionSchema as any).members as ReadonlyArray<Schema.Codec<Filter.Action, any>>
// one member per kind, in the registry's order
const memberOf = (kind: string) => members[actionKinds.findIndex((k) => k.kind === kind)]

/** Writes a matchall filter with `actions` and reads it back from its own request bytes. */
const roundTrip = (
  actions: ReadonlyArray<Filter.Action>
): { written: Filter.Filter; read: Filter.Filter } => {
  const written: Filter.Filter = {
    dev: 3,
    parent: "ingress",
    protocol: "all",
    priority: 1,
    kind: "matchall",
    actions
  }
  const bytes = Filter.request("add", written, 3)
  const m = decodeFilterMessage(
    bytes,
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    16,
    bytes.length
  )
  return { written, read: Filter.fromMessage(m) }
}

const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))

describe("Filter.Action: gate, ife and bpf members", () => {
  it("typed options, no casts: a filter with the three kinds reads back as them, equal", () => {
    const gate: Filter.GateOptions = {
      priority: 2,
      baseTime: 1000n,
      cycleTime: 30000000n,
      clockid: "CLOCK_TAI",
      entries: [
        { gate: "open", interval: 10000000, ipv: 1, maxOctets: 1500 },
        { gate: "close", interval: 20000000 }
      ]
    }
    const ife: Filter.IfeOptions = {
      mode: "encode",
      allow: ["mark"],
      use: { prio: 3 },
      dst: "02:00:00:00:00:02"
    }
    const bpf: Filter.BpfActionOptions = { bytecode: [[6, 0, 0, 0xffffffff]], action: "drop" }
    const actions: ReadonlyArray<Filter.Action> = [
      { kind: "gate", options: gate },
      { kind: "ife", options: ife },
      { kind: "bpf", options: bpf, index: 9 }
    ]
    const { written, read } = roundTrip(actions)
    expect(Filter.equals(read, written), `${json(read)} vs ${json(written)}`).toBe(true)
    expect(read.actions?.map((a) => a.kind)).toEqual(["gate", "ife", "bpf"])
    const [g, i, b] = read.actions ?? []
    if (g.kind !== "gate" || i.kind !== "ife" || b.kind !== "bpf") throw new Error(json(read.actions))
    expect((g.options as Filter.GateOptions).entries).toEqual(gate.entries)
    expect((i.options as Filter.IfeOptions).mode).toBe("encode")
    expect((b.options as Filter.BpfActionOptions).bytecode).toEqual([[6, 0, 0, 0xffffffff]])
    // each validates through its own kind's member, which refuses another kind's options
    expect(Schema.is(memberOf("gate"))({ kind: "gate", options: ife })).toBe(false)
    expect(Schema.is(memberOf("ife"))({ kind: "ife", options: bpf })).toBe(false)
    expect(Schema.is(Filter.schema)(written)).toBe(true)
  })

  const Union = Schema.Union([memberOf("gate"), memberOf("ife"), memberOf("bpf")])
  property(
    "Filter.Action: arbitrary gate/ife/bpf actions in a filter read back equal",
    Schema.Array(Union).check(Schema.isMinLength(1), Schema.isMaxLength(4)),
    (actions) => {
      // rules across fields (ife's use and allow, bpf's fd or bytecode) are not in the Schema
      if (Actions.checkActions(actions, "actions") !== undefined) return
      const { written, read } = roundTrip(actions)
      expect(Filter.equals(read, written), `${json(read)} vs ${json(written)}`).toBe(true)
      expect(read.actions?.map((a) => a.kind) ?? []).toEqual(actions.map((a) => a.kind))
    },
    { runs: 40 }
  )
})
