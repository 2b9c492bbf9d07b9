/**
 * The input guard (src/api/internal/Guard.ts) must never accept what the
 * Schema parser would reject or change: whatever it accepts, the parser
 * accepts and returns equal. And it must actually decide the plain inputs
 * it was built for, or it saves nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import * as fc from "fast-check"
import * as Events from "../../src/api/Events.ts"
import { guardFor } from "../../src/api/internal/Guard.ts"
import { operationOf, TraceOperations, validateNow } from "../../src/api/internal/Common.ts"
import * as Link from "../../src/api/Link.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import * as P from "../../src/runtime/Primitives.ts"
import { property } from "../helpers/property.ts"

// A custom filter (as the API's address filters) that random strings often pass.
const Prefix = Schema.String.check(Schema.makeFilter((s: string) => !s.includes("z") || "no z allowed"))

// The shapes the API's input Schemas use: optional keys, unions of literals
// and refined numbers, nested structs, arrays, null, string filters.
const Sample = Schema.Struct({
  dev: Schema.Union([Schema.String, Schema.Number]),
  address: Prefix,
  scope: Schema.optionalKey(Schema.Union([Schema.Literals(["host", "link", "global"]), P.U8])),
  lifetime: Schema.optionalKey(Schema.Union([Schema.Literal("forever"), P.U32])),
  flags: Schema.optionalKey(
    Schema.Struct({ nodad: Schema.optionalKey(Schema.Boolean), home: Schema.optionalKey(Schema.Boolean) })
  ),
  ports: Schema.optionalKey(Schema.Array(P.U16)),
  alias: Schema.optionalKey(Schema.NullOr(Schema.String))
})

const schemas: ReadonlyArray<readonly [string, Schema.Codec<any, any>]> = [
  ["Sample", Sample],
  ["Events.OptionsSchema", Events.OptionsSchema],
  ["Link.ChangesSchema", Link.ChangesSchema]
]

const parserOf = (schema: Schema.Codec<any, any>) =>
  Schema.decodeUnknownResult(schema as any, { onExcessProperty: "error" } as any) as (
    u: unknown
  ) => Result.Result<unknown, unknown>

/** The guard's one promise, for one input. */
const sound = (schema: Schema.Codec<any, any>, input: unknown): void => {
  const guard = guardFor(schema)
  if (guard === undefined || !guard(input)) return
  const r = parserOf(schema)(input)
  expect(Result.isSuccess(r), `guard accepted what the parser rejects: ${String(input)}`).toBe(true)
  expect((r as Result.Success<unknown, unknown>).success).toStrictEqual(input)
}

class Box {
  readonly dev: unknown
  constructor(dev: unknown) {
    this.dev = dev
  }
}
const sym = Symbol("extra")

// Variants of a valid value that the parser treats differently from plain data.
const variants = (v: Record<string, unknown>): Array<unknown> => {
  const out: Array<unknown> = [
    { ...v, extra: 1 },
    { ...v, [sym]: 1 },
    Object.assign(Object.create({ inherited: 1 }), v),
    Object.assign(Object.create(null), v),
    new Box(v.dev),
    [v],
    JSON.stringify(v)
  ]
  for (const k of Object.keys(v)) {
    for (const bad of [undefined, null, Number.NaN, -1, 2 ** 40, "", "x", [], {}, true])
      out.push({ ...v, [k]: bad })
    const { [k]: value, ...rest } = v
    out.push(rest)
    const hidden = { ...rest }
    Object.defineProperty(hidden, k, { value, enumerable: false })
    out.push(hidden)
    out.push(Object.assign(Object.create({ [k]: value }), rest))
  }
  return out
}

describe("input guard", () => {
  it("is built for every input Schema of the API shape", () => {
    for (const [name, schema] of schemas) expect(guardFor(schema), name).toBeTypeOf("function")
  })

  for (const [name, schema] of schemas) {
    property(`${name}: valid values are accepted, and equal to what the parser returns`, schema, (v) => {
      if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
        expect(guardFor(schema)?.(v)).toBe(true)
      }
      sound(schema, v)
    })

    property(`${name}: altered values are never accepted unless the parser agrees`, schema, (v) => {
      if (typeof v === "object" && v !== null)
        for (const x of variants(v as Record<string, unknown>)) sound(schema, x)
    })

    it(`${name}: arbitrary values are never accepted unless the parser agrees`, () => {
      fc.assert(
        fc.property(
          fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true }),
          (x) => {
            sound(schema, x)
          }
        ),
        { numRuns: 2000 }
      )
    })
  }

  it("a rejected input still gets the parser's error naming the field", () => {
    const bad = validateNow(Sample, { dev: 3, address: "zz" })
    expect((bad as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "address" })
    const e = validateNow(Sample, { dev: 3, address: "10.0.0.1/24", scope: 300 })
    expect(e).toBeInstanceOf(NetlinkError)
    expect((e as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "scope" })
    const excess = validateNow(Sample, { dev: 3, address: "10.0.0.1/24", scop: "host" })
    expect((excess as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "scop" })
  })

  it("Schemas with transformations get no guard (the parser may change the value)", () => {
    expect(guardFor(Schema.NumberFromString)).toBeUndefined()
    expect(guardFor(Schema.Struct({ n: Schema.NumberFromString }))).toBeUndefined()
  })
})

describe("operations and spans", () => {
  const op = operationOf("Test.op", () => Effect.map(Effect.option(Effect.currentSpan), (s) => s))

  it.effect("open no span by default", () =>
    Effect.gen(function* () {
      const span = yield* op()
      expect(span._tag).toBe("None")
    })
  )

  it.effect("open a span named after the operation when TraceOperations is on", () =>
    Effect.gen(function* () {
      const span = yield* op().pipe(Effect.provideService(TraceOperations, true))
      expect(span._tag).toBe("Some")
      if (span._tag === "Some") expect(span.value.name).toBe("Test.op")
    })
  )
})
