/**
 * One fixed fast-check seed for every `fc.assert` of the suite, so two runs of
 * one commit test the same values (test/helpers/property.ts does the same for
 * Effect's property tests). `NLINK_PROPERTY_SEED=N` picks another seed,
 * `NLINK_PROPERTY_SEED=random` draws fresh ones.
 */
import fc from "fast-check"

const raw = process.env.NLINK_PROPERTY_SEED
if (raw !== "random") {
  const seed = raw === undefined || raw === "" ? 0x6e6c6b : Number(raw)
  if (!Number.isSafeInteger(seed))
    throw new Error(`NLINK_PROPERTY_SEED must be an integer or "random", got "${raw}"`)
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed })
}
