/**
 * A fast accept-only check for the API's input Schemas. Internal.
 *
 * Effect's Schema parser is generic (generators, issue objects, a fresh
 * output object per struct) and cost ~5 us per request, about a third of
 * what the kernel takes to add an address. The inputs are plain data checked
 * by Schemas without transformations, so for them decoding returns the input
 * unchanged: a predicate built once from the Schema's AST decides most inputs
 * in a fraction of that. It only ever says "accepted as is"; everything it
 * cannot decide, and every rejection, goes through the real parser, which
 * alone produces the error. The refinements (`check`s) it runs are the
 * Schema's own filters.
 *
 * test/api/guard.test.ts checks that every input a guard accepts is one the
 * parser accepts and returns unchanged.
 */
import type * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"

type Guard = (input: unknown) => boolean

const PARSE_OPTIONS = { onExcessProperty: "error" } as const

const isEnumerable = Object.prototype.propertyIsEnumerable

const guards = new WeakMap<object, Guard | null>()

/** The guard for `schema`, or undefined when its AST has nodes the guard does not decide. */
export const guardFor = (schema: Schema.Top): Guard | undefined => {
  let g = guards.get(schema)
  if (g === undefined) {
    g = compile(schema.ast) ?? null
    guards.set(schema, g)
  }
  return g ?? undefined
}

type Check = SchemaAST.Check<unknown>

const passes = (checks: ReadonlyArray<Check>, input: unknown, ast: SchemaAST.AST): boolean => {
  for (const c of checks) {
    if (c._tag === "FilterGroup") {
      if (!passes(c.checks as ReadonlyArray<Check>, input, ast)) return false
    } else if (c.run(input, ast, PARSE_OPTIONS) !== undefined) return false
  }
  return true
}

const withChecks = (ast: SchemaAST.AST, base: Guard): Guard => {
  const checks = ast.checks as ReadonlyArray<Check> | undefined
  if (checks === undefined || checks.length === 0) return base
  return (x) => base(x) && passes(checks, x, ast)
}

const compile = (ast: SchemaAST.AST): Guard | undefined => {
  // A transformation may change the value: only the parser can tell.
  if (ast.encoding !== undefined) return undefined
  switch (ast._tag) {
    case "String":
      return withChecks(ast, (x) => typeof x === "string")
    case "Number":
      return withChecks(ast, (x) => typeof x === "number")
    case "Boolean":
      return withChecks(ast, (x) => typeof x === "boolean")
    case "Unknown":
    case "Any":
      return withChecks(ast, () => true)
    case "Undefined":
      return withChecks(ast, (x) => x === undefined)
    case "Null":
      return withChecks(ast, (x) => x === null)
    case "Literal": {
      const l = ast.literal
      return withChecks(ast, (x) => x === l)
    }
    case "Union": {
      // "oneOf" fails when two members match: leave it to the parser.
      if (ast.options?.mode === "oneOf") return undefined
      const members: Array<Guard> = []
      for (const t of ast.types) {
        const g = compile(t)
        if (g === undefined) return undefined
        members.push(g)
      }
      return withChecks(ast, (x) => {
        for (const m of members) if (m(x)) return true
        return false
      })
    }
    case "Arrays": {
      if (ast.elements.length !== 0 || ast.rest.length !== 1) return undefined
      const item = compile(ast.rest[0])
      if (item === undefined) return undefined
      return withChecks(ast, (x) => {
        if (!Array.isArray(x)) return false
        for (const v of x) if (!item(v)) return false
        return true
      })
    }
    case "Objects": {
      if (ast.indexSignatures.length !== 0) return undefined
      const fields = new Map<string, { readonly optional: boolean; readonly guard: Guard }>()
      let required = 0
      for (const ps of ast.propertySignatures) {
        // The parser also reads inherited keys (`in`): a field named like a
        // member of Object.prototype is left to it.
        if (typeof ps.name !== "string" || ps.name in Object.prototype) return undefined
        const guard = compile(ps.type)
        if (guard === undefined) return undefined
        const optional = ps.type.context?.isOptional === true
        if (!optional) required++
        fields.set(ps.name, { optional, guard })
      }
      return withChecks(ast, (x) => {
        if (typeof x !== "object" || x === null || Object.getPrototypeOf(x) !== Object.prototype) return false
        const o = x as Record<string, unknown>
        let seen = 0
        // Own keys only: symbols, excess keys (onExcessProperty: "error") and
        // non-enumerable properties are left to the parser.
        for (const k of Reflect.ownKeys(o)) {
          if (typeof k !== "string") return false
          const f = fields.get(k)
          if (f === undefined || !isEnumerable.call(o, k) || !f.guard(o[k])) return false
          if (!f.optional) seen++
        }
        return seen === required
      })
    }
    default:
      return undefined
  }
}
