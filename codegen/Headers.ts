/**
 * Reads enum members and numeric #defines from UAPI headers, so the values
 * written in spec/ can be checked against the kernel's own.
 */
import * as fs from "node:fs"
import * as path from "node:path"

export interface HeaderEnum {
  readonly file: string
  readonly members: ReadonlyArray<{ readonly name: string; readonly value: number }>
}

export interface HeaderFacts {
  /** Every enum member and numeric define by name. */
  readonly values: ReadonlyMap<string, number>
  /** The file each name came from. */
  readonly origin: ReadonlyMap<string, string>
  readonly enums: ReadonlyArray<HeaderEnum>
}

const stripComments = (src: string): string =>
  src.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ")

/** Evaluates the integer expressions headers use: literals, names, + - * << >> | & ~ and parens. */
const evaluate = (expr: string, env: ReadonlyMap<string, number>): number | undefined => {
  const tokens = expr.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*|<<|>>|[-+*/|&~()^]/g)
  if (!tokens || tokens.join("").length !== expr.replace(/\s+/g, "").length) return undefined
  let i = 0
  const peek = () => tokens[i]
  const primary = (): number | undefined => {
    const t = tokens[i++]
    if (t === undefined) return undefined
    if (t === "(") {
      // skip casts like (int) or (__u32)
      if (/^[A-Za-z_]\w*$/.test(tokens[i] ?? "") && tokens[i + 1] === ")" && !env.has(tokens[i])) {
        i += 2
        return unary()
      }
      const v = or()
      if (tokens[i++] !== ")") return undefined
      return v
    }
    if (/^\d|^0[xX]/.test(t)) return Number(t.replace(/[uUlL]+$/, ""))
    return env.get(t)
  }
  const unary = (): number | undefined => {
    if (peek() === "-") {
      i++
      const v = unary()
      return v === undefined ? undefined : -v
    }
    if (peek() === "~") {
      i++
      const v = unary()
      return v === undefined ? undefined : ~v
    }
    if (peek() === "+") i++
    return primary()
  }
  const binary =
    (next: () => number | undefined, ops: Record<string, (a: number, b: number) => number>) => () => {
      let a = next()
      while (a !== undefined && peek() !== undefined && ops[peek()!]) {
        const op = ops[tokens[i++]]
        const b = next()
        if (b === undefined) return undefined
        a = op(a, b)
      }
      return a
    }
  const mul = binary(unary, { "*": (a, b) => a * b, "/": (a, b) => Math.trunc(a / b) })
  const add = binary(mul, { "+": (a, b) => a + b, "-": (a, b) => a - b })
  const shift = binary(add, { "<<": (a, b) => a * 2 ** b, ">>": (a, b) => Math.floor(a / 2 ** b) })
  const and = binary(shift, { "&": (a, b) => Number(BigInt(a) & BigInt(b)) })
  const xor = binary(and, { "^": (a, b) => Number(BigInt(a) ^ BigInt(b)) })
  const or = binary(xor, { "|": (a, b) => Number(BigInt(a) | BigInt(b)) })
  const v = or()
  return i === tokens.length ? v : undefined
}

/** Parses the given headers (paths relative to `includeDir`, e.g. "linux/if_link.h"). */
export const readHeaders = (includeDir: string, headers: ReadonlyArray<string>): HeaderFacts => {
  const values = new Map<string, number>()
  const origin = new Map<string, string>()
  const enums: Array<HeaderEnum> = []
  for (const h of headers) {
    const file = path.join(includeDir, h)
    if (!fs.existsSync(file)) continue
    const src = stripComments(fs.readFileSync(file, "utf8"))
    // #defines first: enums may refer to them.
    for (const m of src.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Z_][A-Z0-9_]*)[ \t]+([^\n\\]+)$/gm)) {
      const v = evaluate(m[2].trim(), values)
      if (v !== undefined && !values.has(m[1])) {
        values.set(m[1], v)
        origin.set(m[1], h)
      }
    }
    for (const m of src.matchAll(/enum\s*(\w*)\s*\{([^}]*)\}/g)) {
      let next = 0
      const members: Array<{ name: string; value: number }> = []
      for (const raw of m[2].split(",")) {
        const item = raw.replace(/#[^\n]*/g, "").trim()
        if (!item) continue
        const eq = item.indexOf("=")
        const name = (eq === -1 ? item : item.slice(0, eq)).trim()
        if (!/^[A-Za-z_]\w*$/.test(name)) continue
        let value = next
        if (eq !== -1) {
          const v = evaluate(item.slice(eq + 1).trim(), values)
          if (v === undefined) continue
          value = v
        }
        values.set(name, value)
        origin.set(name, h)
        members.push({ name, value })
        next = value + 1
      }
      enums.push({ file: h, members })
    }
    // Defines that referenced later enum members: resolve once more.
    for (const m of src.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Z_][A-Z0-9_]*)[ \t]+([^\n\\]+)$/gm)) {
      if (values.has(m[1])) continue
      const v = evaluate(m[2].trim(), values)
      if (v !== undefined) {
        values.set(m[1], v)
        origin.set(m[1], h)
      }
    }
  }
  return { values, origin, enums }
}
