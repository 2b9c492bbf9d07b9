/**
 * The one place property tests reach the property-testing API, so a change
 * in Effect's unstable Arbitrary module touches this file only.
 *
 * Sizes: the suite runs each property `runs` times (default 50) at size 50,
 * which keeps the unit part fast on two cores. An opt-in large run
 * explores much further:
 *
 *   NLINK_PROPERTY_RUNS=1000 npx vitest run test/generated test/golden test/api
 *
 * `NLINK_PROPERTY_RUNS` sets the number of runs of every property (overriding
 * the per-test `runs`), and raises the default size to 1000;
 * `NLINK_PROPERTY_SIZE` sets the size on its own. A failure prints a replay
 * token.
 *
 * Seeds: the suite is deterministic. Each property draws from a seed of its
 * own name, and every `fc.assert` from one fixed seed (test/setup/seed.ts),
 * so two runs of one commit test the same values. `NLINK_PROPERTY_SEED=N`
 * fixes another seed for all of them; `NLINK_PROPERTY_SEED=random` draws
 * fresh seeds (exploration; a failure prints its seed to replay).
 */
import { it } from "@effect/vitest"
import type { Schema } from "effect"

const positiveInt = (name: string): number | undefined => {
  const raw = process.env[name]
  if (raw === undefined || raw === "") return undefined
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}

const largeRuns = positiveInt("NLINK_PROPERTY_RUNS")
const sizeOverride = positiveInt("NLINK_PROPERTY_SIZE")
const randomSeeds = process.env.NLINK_PROPERTY_SEED === "random"
const fixedSeed = randomSeeds ? undefined : positiveInt("NLINK_PROPERTY_SEED")

// FNV-1a of the property's name: a stable seed per property.
const nameSeed = (name: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Number of runs a property gets: its own default in the suite, NLINK_PROPERTY_RUNS in the opt-in run. */
export const propertyRuns = (suiteDefault = 50): number => largeRuns ?? suiteDefault

/** Maximum size of generated values (strings, arrays, nesting). */
export const propertySize: number = sizeOverride ?? (largeRuns !== undefined ? 1000 : 50)

/** True in the opt-in large run (NLINK_PROPERTY_RUNS set). */
export const largePropertyRun: boolean = largeRuns !== undefined

/**
 * A property test over values of `schema`.
 *
 * @example
 * property("Foo: round trip", Foo, (foo) => expect(decode(encode(foo))).toEqual(foo))
 */
export const property = <A>(
  name: string,
  schema: Schema.Codec<A>,
  body: (value: A) => void,
  options: { readonly runs?: number; readonly size?: number } = {}
): void => {
  const runs = propertyRuns(options.runs ?? 50)
  const seed = randomSeeds ? undefined : (fixedSeed ?? nameSeed(name))
  it.prop(name, { value: schema as any }, ({ value }) => body(value as A), {
    // the opt-in run can take minutes per property on two cores
    timeout: largeRuns !== undefined ? Math.max(60_000, runs * 600) : 60_000,
    arbitrary: {
      runs,
      size: sizeOverride ?? (largeRuns !== undefined ? propertySize : (options.size ?? propertySize)),
      ...(seed !== undefined ? { seed } : {})
    }
  })
}
