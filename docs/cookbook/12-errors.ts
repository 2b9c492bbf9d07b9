/**
 * Recipe 12: errors are values. Bad input fails before anything is sent,
 * naming the field; kernel refusals carry the errno and the kernel's own
 * extended-ack message; both are one NetlinkError with a reason to match on.
 */
import { Effect } from "effect"
import { Address, Link, Netlink, type NetlinkError } from "nlink"

/** Adds an address, treating "already there" as success. */
export const ensureAddress = (dev: string, address: string) =>
  Address.add({ dev, address }).pipe(
    Effect.catchReason("NetlinkError", "Kernel", (k) => (k.code === "EEXIST" ? Effect.void : Effect.fail(k)))
  )

/** What a too-long name and a missing device look like. */
export const explainFailures = Effect.gen(function* () {
  const validation = yield* Link.add({ kind: "bridge", name: "this-name-is-far-too-long" }).pipe(Effect.flip)
  const kernel = yield* Link.setUp("no-such-device0").pipe(Effect.flip)
  return [validation, kernel].map((e: NetlinkError) => `${e.reason._tag}: ${e.message}`)
})

if (import.meta.main)
  console.log(await Effect.runPromise(explainFailures.pipe(Effect.provide(Netlink.layer))))
