/**
 * Input validation for the API's Schemas: own properties only, decided by
 * Schema's compiled `is`. Internal.
 *
 * Effect's parser reads a struct's keys with `in`, so it takes options from
 * a prototype (`Object.create({ metric: 7 })`, or any plain object once
 * `Object.prototype.metric` is set), and a value it returns is a plain
 * object, whose missing options a polluted prototype still answers. So the
 * input is first copied, following the Schema's shape, into objects made of
 * the input's own enumerable string-keyed properties (as a spread reads
 * them) whose prototype chain is empty: what the builders get holds exactly
 * the validated options, and an absent option reads `undefined` whatever
 * `Object.prototype` holds. The copy is then checked by `Schema.is`,
 * compiled by Effect's JIT compiler: the Schema's own checks, without the
 * parser's issue bookkeeping. Excess keys (which `is` ignores) are found by
 * the copy. Everything `is` cannot accept as is — a rejection, an excess
 * key, a transformation — goes to the parser, which alone produces the
 * error message.
 *
 * test/api/guard.test.ts checks that the fast path accepts exactly what the
 * parser accepts, with the same value.
 */
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as JIT from "effect/schema/SchemaJITCompiler"

type Copy = (input: unknown) => unknown

/**
 * Objects of validated input: own data only. Their prototype is an empty
 * object with no prototype, so an absent key is `undefined` (not whatever
 * `Object.prototype` holds) while V8 keeps them fast-mode objects.
 */
const OwnData = function OwnData() {} as unknown as new () => Record<string, unknown>
OwnData.prototype = Object.create(null)

/** Whether `x` is an object of validated input (made by the copy). */
export const isOwnData = (x: unknown): boolean => x instanceof OwnData

const hasOwn = Object.prototype.hasOwnProperty

// Set by a copy that saw what `is` does not judge (an excess key, keys of a
// record, a union whose object member is ambiguous): the parser decides.
let undecided = false

const isData = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x)

const identity: Copy = (x) => x

// Any input, own data only, shape-blind (depth-limited: a cycle is left to the parser).
const copyAny = (x: unknown, depth = 0): unknown => {
  if (depth > 64) return x
  if (Array.isArray(x)) {
    const out = new Array<unknown>(x.length)
    for (let i = 0; i < x.length; i++) out[i] = hasOwn.call(x, i) ? copyAny(x[i], depth + 1) : undefined
    return out
  }
  if (!isData(x)) return x
  const o = new OwnData()
  for (const k in x) if (hasOwn.call(x, k)) o[k] = copyAny(x[k], depth + 1)
  return o
}

const undecidedCopy: Copy = (x) => {
  undecided = true
  return copyAny(x)
}

const compileCopy = (ast: SchemaAST.AST): Copy => {
  if (ast.encoding !== undefined) return undecidedCopy
  switch (ast._tag) {
    case "Objects":
      return objectsCopy(ast)
    case "Arrays":
      return arraysCopy(ast)
    case "Union":
      return unionCopy(ast)
    case "Suspend": {
      let copy: Copy | undefined
      return (x) => (copy ??= compileCopy(ast.thunk()))(x)
    }
    case "Unknown":
    case "Any":
    case "ObjectKeyword":
      // Anything goes (e.g. a listed object's ignored `status`): still own data only.
      return (x) => copyAny(x)
    default:
      // Primitives, literals, declarations (Uint8Array): kept as they are.
      return identity
  }
}

const objectsCopy = (ast: SchemaAST.Objects): Copy => {
  const fields = new Map<string, Copy>()
  for (const ps of ast.propertySignatures) {
    if (typeof ps.name !== "string") return undecidedCopy
    fields.set(ps.name, compileCopy(ps.type))
  }
  const records = ast.indexSignatures.length > 0
  return (x) => {
    if (!isData(x)) return x
    const o = new OwnData()
    for (const k in x) {
      if (!hasOwn.call(x, k)) continue
      const field = fields.get(k)
      if (field !== undefined) o[k] = field(x[k])
      else {
        // An excess key, or a record's key (`is` skips keys no signature
        // matches, the parser rejects them): the parser decides.
        undecided = true
        o[k] = records ? copyAny(x[k]) : x[k]
      }
    }
    return o
  }
}

const arraysCopy = (ast: SchemaAST.Arrays): Copy => {
  if (ast.rest.length > 1) return undecidedCopy
  const elements = ast.elements.map(compileCopy)
  const rest = ast.rest.length === 1 ? compileCopy(ast.rest[0]) : identity
  return (x) => {
    if (!Array.isArray(x)) return x
    const out = new Array<unknown>(x.length)
    for (let i = 0; i < x.length; i++) {
      const copy = i < elements.length ? elements[i] : rest
      out[i] = hasOwn.call(x, i) ? copy(x[i]) : undefined
    }
    return out
  }
}

// The member an object (or array) input is meant for: the only array member;
// the only object member, or among several the one whose keys cover the
// input's (`{ pid }` vs `{ name }`). Otherwise the copy is shape-blind and
// the parser decides.
// A union's members, with nested unions (`optional(Union(...))`) spread out.
const members = (types: ReadonlyArray<SchemaAST.AST>): Array<SchemaAST.AST> =>
  types.flatMap((t) => {
    const r = t._tag === "Suspend" ? t.thunk() : t
    return r._tag === "Union" && r.encoding === undefined ? members(r.types) : [r]
  })

const unionCopy = (ast: SchemaAST.Union): Copy => {
  let objects: Copy | undefined
  let arrays: Copy | undefined
  const build = () => {
    const resolved = members(ast.types)
    if (resolved.some((t) => t._tag === "Unknown" || t._tag === "Any" || t._tag === "ObjectKeyword")) {
      // A member that takes anything: own data only, whatever the shape.
      objects = arrays = (x) => copyAny(x)
      return
    }
    const unclear = resolved.some(
      (t) => t.encoding !== undefined || t._tag === "Union" || t._tag === "Suspend"
    )
    const arrayMembers = resolved.filter((t) => t._tag === "Arrays")
    arrays =
      unclear || arrayMembers.length > 1
        ? undecidedCopy
        : arrayMembers.length === 1
          ? compileCopy(arrayMembers[0])
          : identity
    const objectMembers = resolved.filter((t) => t._tag === "Objects") as Array<SchemaAST.Objects>
    if (unclear || (objectMembers.length > 1 && objectMembers.some((m) => m.indexSignatures.length > 0)))
      objects = undecidedCopy
    else if (objectMembers.length <= 1)
      objects = objectMembers.length === 1 ? compileCopy(objectMembers[0]) : identity
    else {
      const shapes = objectMembers.map((m) => ({
        keys: new Set(m.propertySignatures.map((ps) => ps.name)),
        copy: compileCopy(m)
      }))
      objects = (x) => {
        if (!isData(x)) return x
        let match: Copy | undefined
        for (const shape of shapes) {
          let covers = true
          for (const k in x)
            if (hasOwn.call(x, k) && !shape.keys.has(k)) {
              covers = false
              break
            }
          if (covers) {
            if (match !== undefined) return undecidedCopy(x)
            match = shape.copy
          }
        }
        return match === undefined ? undecidedCopy(x) : match(x)
      }
    }
  }
  return (x) => {
    if (typeof x !== "object" || x === null || ArrayBuffer.isView(x)) return x
    if (objects === undefined) build()
    return Array.isArray(x) ? arrays!(x) : objects!(x)
  }
}

/**
 * How one Schema validates: the own-data copy of an input, of a decoded
 * value, and the compiled `is`.
 */
export interface Validator {
  /** The input's own data, in the Schema's shape; may mark the input undecided. */
  readonly copy: (input: unknown) => { readonly value: unknown; readonly decided: boolean }
  /** Own data of a value the parser returned (always plain data of the Schema's type). */
  readonly copyDecoded: Copy
  /** The Schema's type-side check, compiled once. */
  readonly is: (input: unknown) => boolean
  /** The Schema transforms values: `is` cannot judge inputs, only the parser can. */
  readonly transforms: boolean
}

const validators = new WeakMap<object, Validator>()

/** The validator of `schema`, built once. */
export const validatorFor = (schema: Schema.Top): Validator => {
  let v = validators.get(schema)
  if (v === undefined) {
    const typeAst = SchemaAST.toType(schema.ast)
    // Compiled by Effect's JIT compiler (falls back to the interpreter where
    // code generation is not allowed); scoped to this Schema's AST.
    JIT.enable(typeAst)
    const copyInput = compileCopy(schema.ast)
    const copyDecoded = typeAst === schema.ast ? copyInput : compileCopy(typeAst)
    const result = { value: undefined as unknown, decided: true }
    v = {
      copy: (input) => {
        undecided = false
        result.value = copyInput(input)
        result.decided = !undecided
        return result
      },
      copyDecoded,
      is: Schema.is(schema as Schema.Codec<unknown, unknown>),
      transforms: typeAst !== schema.ast
    }
    validators.set(schema, v)
  }
  return v
}
