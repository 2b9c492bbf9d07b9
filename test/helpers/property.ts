/**
 * The one place property tests reach the property-testing API, so a change
 * in Effect's unstable Arbitrary module touches this file only.
 */
import { it } from "@effect/vitest"
import type { Schema } from "effect"

export const property = <A>(
  name: string,
  schema: Schema.Codec<A>,
  body: (value: A) => void,
  options: { readonly runs?: number; readonly size?: number } = {}
): void => {
  it.prop(name, { value: schema as any }, ({ value }) => body(value as A), {
    timeout: 60_000,
    arbitrary: { runs: options.runs ?? 100, size: options.size ?? 1000 }
  })
}
