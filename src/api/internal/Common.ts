/**
 * Shared plumbing of the API modules: input validation that names the field,
 * request building, and flag constants. Internal.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { NetlinkError, Validation } from "../../runtime/NetlinkError.ts"
import { Writer } from "../../runtime/Wire.ts"
import { guardFor } from "./Guard.ts"

export const NLM_F_REQUEST = 0x01
export const NLM_F_ACK = 0x04
export const NLM_F_ROOT = 0x100
export const NLM_F_MATCH = 0x200
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
export const NLM_F_REPLACE = 0x100
export const NLM_F_EXCL = 0x200
export const NLM_F_CREATE = 0x400
export const NLM_F_APPEND = 0x800

export const AF_UNSPEC = 0
export const AF_INET = 2
export const AF_BRIDGE = 7
export const AF_INET6 = 10

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
 * Decodes user input with `schema` now: the value, or one Validation error
 * naming the first offending field, prefixed with `root`. Inputs the
 * schema's guard accepts are returned as they are (see Guard.ts).
 */
export const validateNow = <A>(schema: Schema.Codec<A, any>, input: unknown, root = ""): A | NetlinkError => {
  if (guardFor(schema)?.(input)) return input as A
  const r = parserFor(schema)(input)
  if (Result.isSuccess(r)) return r.success as A
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

/** Builds one request message: nlmsghdr, then whatever `body` writes. */
export const buildMessage = (type: number, flags: number, body: (w: Writer) => void): Uint8Array => {
  // One scratch writer, reused: a fresh one costs an off-heap buffer per
  // request. Every byte up to `pos` is written by the Writer, so stale bytes
  // never leak; a nested call (none today) would get its own writer.
  const w = scratch ?? new Writer(256)
  scratch = undefined
  w.pos = 0
  try {
    const start = w.beginMessage(type, flags | NLM_F_REQUEST, 0)
    body(w)
    w.endMessage(start)
    return w.finish()
  } finally {
    if (w.buf.length <= 65536) scratch = w
  }
}
let scratch: Writer | undefined

/**
 * Whether API operations open a tracing span each ("Address.add", ...).
 * Off by default: a span plus the call-site stack `Effect.fn` captures cost
 * ~7 us per call, more than everything else nlink does for a request.
 */
export const TraceOperations = Context.Reference<boolean>("nlink/TraceOperations", {
  defaultValue: () => false
})

/**
 * A public operation whose body returns its Effect directly (no generator
 * step on the request path), inside a span named `name` when
 * {@link TraceOperations} is on.
 */
export const operationOf =
  <Args extends Array<any>, A, E, R>(name: string, body: (...args: Args) => Effect.Effect<A, E, R>) =>
  (...args: Args): Effect.Effect<A, E, R> =>
    Effect.withFiber((fiber) =>
      fiber.getRef(TraceOperations) ? Effect.withSpan(body(...args), name) : body(...args)
    )

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
