/**
 * Input validation (src/api/internal/Guard.ts, Common.validateNow): only the
 * input's own properties count, the fast path (Schema.is on an own-data
 * copy) accepts exactly what Effect's parser accepts for those properties,
 * with the same value, and rejections carry the parser's error naming the
 * field. A polluted Object.prototype never reaches a validated value.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema, Tracer } from "effect"
import * as fc from "fast-check"
import * as Events from "../../src/api/Events.ts"
import { buildMessage, operationOf, validateNow } from "../../src/api/internal/Common.ts"
import { isOwnData, validatorFor } from "../../src/api/internal/Guard.ts"
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
  hops: Schema.optionalKey(
    Schema.Array(Schema.Struct({ via: Schema.String, weight: Schema.optionalKey(P.U8) }))
  ),
  alias: Schema.optionalKey(Schema.NullOr(Schema.String))
})

// `records`: a record's keys are checked by the parser, not the fast path.
const schemas: ReadonlyArray<readonly [string, Schema.Codec<any, any>, { readonly records?: boolean }?]> = [
  ["Sample", Sample],
  ["Events.OptionsSchema", Events.OptionsSchema],
  ["Link.ChangesSchema", Link.ChangesSchema],
  ["Link.specSchemas.vxlan", Link.specSchemas.vxlan],
  ["Link.specSchemas.vlan", Link.specSchemas.vlan, { records: true }]
]

const parserOf = (schema: Schema.Codec<any, any>) =>
  Schema.decodeUnknownResult(schema as any, { onExcessProperty: "error" } as any) as (
    u: unknown
  ) => Result.Result<unknown, unknown>

/** The input as its own enumerable string-keyed properties, deeply (what a spread reads). */
const ownSpread = (x: unknown): unknown => {
  if (Array.isArray(x))
    return Array.from({ length: x.length }, (_, i) => (Object.hasOwn(x, i) ? ownSpread(x[i]) : undefined))
  if (typeof x !== "object" || x === null || ArrayBuffer.isView(x)) return x
  const o: Record<string, unknown> = {}
  // defineProperty: a key named "__proto__" stays a key, as in a spread
  for (const k of Object.keys(x))
    Object.defineProperty(o, k, {
      value: ownSpread((x as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true
    })
  return o
}

/** No object in a validated value has a prototype chain that can answer a read. */
const ownDataOnly = (v: unknown): void => {
  if (Array.isArray(v)) {
    for (const x of v) ownDataOnly(x)
    return
  }
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v)) return
  expect(isOwnData(v)).toBe(true)
  expect(Object.getPrototypeOf(Object.getPrototypeOf(v))).toBe(null)
  for (const x of Object.values(v)) ownDataOnly(x)
}

/** validateNow agrees with the parser run on the input's own data: same verdict, value, and field. */
const agrees = (schema: Schema.Codec<any, any>, input: unknown): void => {
  const expected = parserOf(schema)(ownSpread(input))
  const got = validateNow(schema, input)
  if (Result.isSuccess(expected)) {
    expect(got, "rejected what the parser accepts").not.toBeInstanceOf(NetlinkError)
    // toEqual: toStrictEqual reads `constructor`, which arbitrary data may carry as a key
    expect(ownSpread(got)).toEqual(ownSpread(expected.success))
    ownDataOnly(got)
  } else {
    expect(got, "accepted what the parser rejects").toBeInstanceOf(NetlinkError)
    expect((got as NetlinkError).reason._tag).toBe("Validation")
  }
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

// Small values: the variants multiply every run (issue 19: size ~50 in the suite).
const sized = { runs: 100, size: 50 }

describe("input validation", () => {
  for (const [name, schema, options] of schemas) {
    property(
      `${name}: valid values are accepted by the fast path, equal to what the parser returns`,
      schema,
      (v) => {
        const own = validatorFor(schema).copy(v)
        if (options?.records !== true)
          expect(own.decided && validatorFor(schema).is(own.value), "left to the parser").toBe(true)
        agrees(schema, v)
      },
      sized
    )

    property(
      `${name}: altered values get the parser's verdict on their own properties`,
      schema,
      (v) => {
        if (typeof v === "object" && v !== null)
          for (const x of variants(v as Record<string, unknown>)) agrees(schema, x)
      },
      sized
    )

    it(`${name}: arbitrary values get the parser's verdict on their own properties`, () => {
      fc.assert(
        fc.property(
          fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true }),
          (x) => {
            agrees(schema, x)
          }
        ),
        { numRuns: 300 }
      )
    })
  }

  it("reads own properties only: an inherited option is not an option", () => {
    const input = Object.assign(Object.create({ scope: 7, lifetime: 5 }), { dev: 3, address: "10.0.0.1/24" })
    const v = validateNow(Sample, input) as Record<string, unknown>
    expect(v).not.toBeInstanceOf(NetlinkError)
    expect(v.scope).toBeUndefined()
    expect(v.lifetime).toBeUndefined()
    expect(Object.keys(v)).toStrictEqual(["dev", "address"])
    // A required field that is only inherited is missing.
    const missing = validateNow(Sample, Object.assign(Object.create({ dev: 3 }), { address: "10.0.0.1/24" }))
    expect((missing as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "dev" })
  })

  it("a polluted Object.prototype neither supplies nor answers for an option", () => {
    const proto = Object.prototype as Record<string, unknown>
    try {
      proto.scope = 9
      proto.weight = 200
      proto.nodad = true
      const v = validateNow(Sample, {
        dev: "eth0",
        address: "10.0.0.1/24",
        flags: { home: true },
        hops: [{ via: "a" }]
      }) as any
      expect(v).not.toBeInstanceOf(NetlinkError)
      expect(v.scope).toBeUndefined()
      expect(v.flags.nodad).toBeUndefined()
      expect(v.hops[0].weight).toBeUndefined()
      expect(v.hops[0].via).toBe("a")
      // The same through a path that goes through the parser (an excess key is rejected there).
      const e = validateNow(Sample, { dev: "eth0", address: "10.0.0.1/24", extra: 1 })
      expect((e as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "extra" })
    } finally {
      delete proto.scope
      delete proto.weight
      delete proto.nodad
    }
  })

  it("a rejected input still gets the parser's error naming the field", () => {
    const bad = validateNow(Sample, { dev: 3, address: "zz" })
    expect((bad as NetlinkError).reason).toMatchObject({
      _tag: "Validation",
      path: "address",
      message: "no z allowed"
    })
    const e = validateNow(Sample, { dev: 3, address: "10.0.0.1/24", scope: 300 })
    expect(e).toBeInstanceOf(NetlinkError)
    expect((e as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "scope" })
    const excess = validateNow(Sample, { dev: 3, address: "10.0.0.1/24", scop: "host" })
    expect((excess as NetlinkError).reason).toMatchObject({
      _tag: "Validation",
      path: "scop",
      message: "Expected no excess property"
    })
    const nested = validateNow(Sample, {
      dev: 3,
      address: "a",
      hops: [{ via: "b" }, { via: "c", weight: 256 }]
    })
    expect((nested as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "hops[1].weight" })
  })

  it("Schemas with transformations are decided by the parser, and give own data too", () => {
    const S = Schema.Struct({ n: Schema.NumberFromString, m: Schema.optionalKey(Schema.NumberFromString) })
    expect(validatorFor(S).transforms).toBe(true)
    const v = validateNow(S, { n: "12" }) as any
    expect(v.n).toBe(12)
    ownDataOnly(v)
    expect((validateNow(S, { n: 5 }) as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "n" })
  })
})

describe("operations", () => {
  const op = operationOf("Test.op", () => Effect.map(Effect.option(Effect.currentSpan), (s) => s))
  const spans: Array<string> = []
  const tracer = Tracer.make({
    span: (options) => {
      spans.push(options.name)
      return Tracer.nativeTracer.span(options)
    }
  })

  it.effect("open no span without a tracer", () =>
    Effect.gen(function* () {
      const span = yield* op()
      expect(span._tag).toBe("None")
    })
  )

  it.effect("open a span named after the operation when a tracer is installed", () =>
    Effect.gen(function* () {
      spans.length = 0
      const span = yield* op().pipe(Effect.withTracer(tracer))
      expect(span._tag).toBe("Some")
      if (span._tag === "Some") expect(span.value.name).toBe("Test.op")
      expect(spans).toContain("Test.op")
    })
  )

  it.effect("open none when Effect's tracer switch is off", () =>
    Effect.gen(function* () {
      spans.length = 0
      const span = yield* op().pipe(Effect.withTracerEnabled(false), Effect.withTracer(tracer))
      expect(span._tag === "None" || span.value.spanId === "noop").toBe(true)
      expect(spans).not.toContain("Test.op")
    })
  )

  it.effect("an oversized message is the operation's typed Validation failure, not a defect", () =>
    Effect.gen(function* () {
      const big = new Uint8Array(70_000)
      const inBody = operationOf("Test.big", () =>
        Effect.sync(() => buildMessage(24, 0, (w) => w.attrBinary(9, big)))
      )
      const atCall = operationOf("Test.bigNow", () =>
        Effect.succeed(buildMessage(24, 0, (w) => w.attrBinary(9, big)))
      )
      for (const o of [inBody, atCall]) {
        const r = yield* Effect.result(o())
        expect(Result.isFailure(r)).toBe(true)
        const e = (r as Result.Failure<unknown, NetlinkError>).failure
        expect(e).toBeInstanceOf(NetlinkError)
        expect(e.reason).toMatchObject({ _tag: "Validation", path: "RTA_MULTIPATH" })
      }
    })
  )
})
