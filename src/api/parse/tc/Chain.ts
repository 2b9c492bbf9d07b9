/**
 * `tc chain add|del` words → the library's Chain: `dev eth0 ingress chain
 * 5`, with a filter template after it (`protocol ip chain 7 flower dst_ip
 * 0.0.0.0/16`).
 *
 * @since 0.4.0
 */
import type * as Chain from "../../Chain.ts"
import { isError, type Parsed, Words } from "../../internal/Words.ts"
import { parseWords } from "./Filter.ts"

/**
 * A chain from `tc chain add` words.
 *
 * @example
 * ```ts
 * const c = parse("dev eth0 ingress chain 5")
 * // { dev: "eth0", parent: "ingress", chain: 5 }
 * ```
 * @since 0.4.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "chain add"): Parsed<Chain.Chain> => {
  const f = parseWords(input, command)
  if (isError(f)) return f
  const { dev, block, parent, chain, protocol, kind, options, priority, handle, actions } = f as any
  const w = Words.of([], command)
  if (chain === undefined) return w.fail("chain", "a chain is required (chain N)")
  if (priority !== undefined || handle !== undefined || actions !== undefined)
    return w.fail(
      priority !== undefined ? "pref" : handle !== undefined ? "handle" : "action",
      "a chain template takes no pref, handle or actions"
    )
  const c: Record<string, unknown> = { chain }
  if (dev !== undefined) c.dev = dev
  if (block !== undefined) c.block = block
  if (parent !== undefined) c.parent = parent
  if (kind !== undefined)
    c.template = {
      kind,
      ...(protocol === undefined ? {} : { protocol }),
      ...(options === undefined ? {} : { options })
    }
  else if (protocol !== undefined)
    return w.fail("protocol", "a protocol belongs to a template: give its kind")
  return c as unknown as Chain.Chain
}
