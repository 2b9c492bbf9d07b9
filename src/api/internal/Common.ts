/**
 * Shared plumbing of the API modules: input validation that names the field,
 * request building, and flag constants. Internal.
 */
import type * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { NLM_F_REQUEST } from "../../generated/netlink/index.ts"
import { AddrMessageMeta, AddrMessageTypes } from "../../generated/rt-addr/index.ts"
import { LinkMessageMeta, LinkMessageTypes } from "../../generated/rt-link/index.ts"
import { NeighMessageMeta, NeighMessageTypes } from "../../generated/rt-neigh/index.ts"
import { RouteMessageMeta, RouteMessageTypes } from "../../generated/rt-route/index.ts"
import { RuleMessageMeta, RuleMessageTypes } from "../../generated/rt-rule/index.ts"
import { type AttributeMeta, describePath } from "../../runtime/Describe.ts"
import { NetlinkError, Validation } from "../../runtime/NetlinkError.ts"
import { handOver, type Overflow, Writer } from "../../runtime/Wire.ts"
import { validatorFor } from "./Guard.ts"

// Header flags and address families from the generated (header-checked) module,
// re-exported for the API modules.
export {
  AF_BRIDGE,
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  NLM_F_ACK,
  NLM_F_APPEND,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_MATCH,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  NLM_F_ROOT
} from "../../generated/netlink/index.ts"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const pathText = (path: ReadonlyArray<unknown>): string =>
  path.reduce<string>((acc, k: any) => {
    const key = typeof k === "object" && k !== null && "key" in k ? k.key : k
    return typeof key === "number" ? `${acc}[${key}]` : acc === "" ? String(key) : `${acc}.${String(key)}`
  }, "")

/** A Validation error for `path` (nothing was sent). */
export const invalid = (path: string, message: string): NetlinkError =>
  new NetlinkError({ reason: new Validation({ path, message }) })

// Building a parser walks the whole Schema: do it once per Schema, not per
// request. The Result decoder: decodeUnknownSync costs ~1.7x as much per call.
type Parser = (input: unknown) => Result.Result<unknown, { readonly issue: SchemaIssue.Issue }>
const parsers = new WeakMap<object, Parser>()
const parserFor = (schema: Schema.Codec<any, any>): Parser => {
  let parse = parsers.get(schema)
  if (parse === undefined) {
    parse = Schema.decodeUnknownResult(schema as any, { onExcessProperty: "error" } as any) as Parser
    parsers.set(schema, parse)
  }
  return parse
}

/**
 * Decodes user input with `schema` now: the validated value, or one
 * Validation error naming the first offending field, prefixed with `root`.
 * Only the input's own properties count, and the value returned holds only
 * validated data (see Guard.ts): a polluted `Object.prototype` can neither
 * supply an option nor answer for a missing one.
 */
export const validateNow = <A>(schema: Schema.Codec<A, any>, input: unknown, root = ""): A | NetlinkError => {
  const v = validatorFor(schema)
  const own = v.copy(input)
  if (own.decided && !v.transforms && v.is(own.value)) return own.value as A
  const r = parserFor(schema)(own.value)
  if (Result.isSuccess(r)) return v.copyDecoded(r.success) as A
  const first = formatter(r.failure.issue).issues[0]
  const p = pathText(first?.path ?? [])
  const full = root === "" ? p : p === "" ? root : `${root}.${p}`
  return invalid(full === "" ? "(input)" : full, first?.message ?? String(r.failure))
}

/** {@link validateNow} as an Effect. */
export const validate = <A>(
  schema: Schema.Codec<A, any>,
  input: unknown,
  root = ""
): Effect.Effect<A, NetlinkError> =>
  Effect.suspend(() => {
    const r = validateNow(schema, input, root)
    return r instanceof NetlinkError ? Effect.fail(r) : Effect.succeed(r)
  })

// Debug mode: NLINK_CHECK_MESSAGES=1 re-checks every message the API builds
// against the generated message Schema (the test suite runs with it on).
const checkMessages = typeof process !== "undefined" && process.env?.NLINK_CHECK_MESSAGES === "1"

/**
 * A message the API built from input that `validate` already accepted. The
 * builders are tested to produce valid messages (property tests and the
 * debug mode above), so the generated message Schema is not run again per
 * request: on the request path it cost as much as the syscall.
 */
export const checkBuiltNow = <A>(schema: Schema.Codec<A, any>, message: A): A | NetlinkError =>
  checkMessages ? validateNow(schema, message, "(message)") : message

/** {@link checkBuiltNow} as an Effect. */
export const checkBuilt = <A>(schema: Schema.Codec<A, any>, message: A): Effect.Effect<A, NetlinkError> =>
  checkMessages ? validate(schema, message, "(message)") : Effect.succeed(message)

// Attribute names per request message type, for naming an overflowing
// attribute the way extended-ack errors name the offending one.
const messageMetas = new Map<number, AttributeMeta>()
for (const [types, meta] of [
  [LinkMessageTypes, LinkMessageMeta],
  [AddrMessageTypes, AddrMessageMeta],
  [RouteMessageTypes, RouteMessageMeta],
  [NeighMessageTypes, NeighMessageMeta],
  [RuleMessageTypes, RuleMessageMeta]
] as const)
  for (const t of Object.values(types)) messageMetas.set(t, meta)

/** The Validation error for a message whose attribute outgrew netlink's 16-bit length. */
export const overflowError = (type: number, overflow: Overflow): NetlinkError => {
  const path = describePath(messageMetas.get(type), overflow.types)
  return invalid(
    path,
    `${path} would be ${overflow.bytes} bytes, more than the 65535 a netlink attribute can hold (too many or too large entries)`
  )
}

/**
 * Builds one request message: nlmsghdr, then whatever `body` writes; or,
 * when an attribute outgrew 65535 bytes, the Validation error naming it.
 * The message is handed over (see `handOver` in Wire.ts): the first
 * request that sends it may write its header in place instead of copying.
 */
export const tryBuildMessage = (
  type: number,
  flags: number,
  body: (w: Writer) => void
): Uint8Array | NetlinkError => {
  // One scratch writer, reused: a fresh one costs an off-heap buffer per
  // request. Every byte up to `pos` is written by the Writer, so stale bytes
  // never leak; a nested call (none today) would get its own writer.
  const w = scratch ?? new Writer(256)
  scratch = undefined
  w.reset()
  try {
    const start = w.beginMessage(type, flags | NLM_F_REQUEST, 0)
    body(w)
    w.endMessage(start)
    if (w.overflow !== undefined) return overflowError(type, w.overflow)
    return handOver(w.finish())
  } finally {
    if (w.buf.length <= 65536) scratch = w
  }
}
let scratch: Writer | undefined

/**
 * {@link tryBuildMessage} for builders that return bytes: an oversized
 * attribute throws the Validation `NetlinkError`, which every operation
 * (see {@link operationOf}) turns into its typed failure before anything
 * is sent.
 */
export const buildMessage = (type: number, flags: number, body: (w: Writer) => void): Uint8Array => {
  const m = tryBuildMessage(type, flags, body)
  if (m instanceof NetlinkError) throw m
  return m
}

// A NetlinkError thrown inside an operation (an oversized message refused by
// buildMessage) is that operation's typed failure, not a defect.
const thrownAsFailure = (cause: Cause.Cause<unknown>): Effect.Effect<never, unknown> => {
  for (const r of cause.reasons)
    if (r._tag === "Die" && r.defect instanceof NetlinkError) return Effect.fail(r.defect)
  return Effect.failCause(cause)
}

/**
 * A public operation whose body returns its Effect directly (no generator
 * step on the request path). It runs inside a span named `name` when a
 * tracer is installed and Effect's tracer switch (`References.TracerEnabled`)
 * is on; a program without a tracer pays nothing for spans (a span and the
 * call-site stack cost more per request than everything else nlink does).
 */
export const operationOf =
  <Args extends Array<any>, A, E, R>(name: string, body: (...args: Args) => Effect.Effect<A, E, R>) =>
  (...args: Args): Effect.Effect<A, E, R> =>
    Effect.withFiber((fiber) => {
      let effect: Effect.Effect<A, E, R>
      try {
        effect = Effect.catchCause(body(...args), thrownAsFailure) as Effect.Effect<A, E, R>
      } catch (e) {
        effect = (e instanceof NetlinkError ? Effect.fail(e) : Effect.die(e)) as Effect.Effect<any, any, any>
      }
      return fiber.cache.tracerEnabled && fiber.cache.tracer !== undefined
        ? Effect.withSpan(effect, name)
        : effect
    })
/** {@link operationOf} over a generator body (`Effect.fnUntraced`). */
export const operation = <Eff extends Effect.Effect<any, any, any>, AEff, Args extends Array<any>>(
  name: string,
  body: (...args: Args) => Generator<Eff, AEff, never>
): ((
  ...args: Args
) => Effect.Effect<
  AEff,
  [Eff] extends [never] ? never : [Eff] extends [Effect.Effect<infer _A, infer E, infer _R>] ? E : never,
  [Eff] extends [never] ? never : [Eff] extends [Effect.Effect<infer _A, infer _E, infer R>] ? R : never
>) => operationOf(name, Effect.fnUntraced(body) as (...args: Args) => Effect.Effect<AEff, any, any>)
