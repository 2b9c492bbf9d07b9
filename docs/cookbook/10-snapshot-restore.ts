/**
 * Recipe 10: snapshot a namespace's network state to JSON and restore it into
 * an empty namespace. Kernel-made objects (local routes, link-local
 * addresses) are marked in the snapshot and skipped on restore.
 *
 *   nlink snapshot -n blue > s.json && nlink restore -n green s.json
 */
import { Effect } from "effect"
import { Netlink, Snapshot } from "nlink"

export const copyNamespace = (from: string, to: string) =>
  Effect.gen(function* () {
    const json = yield* Snapshot.take.pipe(
      Effect.map(Snapshot.toJson),
      Effect.provide(Netlink.layerNamespace(from))
    )
    // the document is versioned and checked by a Schema when read back
    const snapshot = yield* Snapshot.fromJson(json)
    return yield* Snapshot.restore(snapshot).pipe(Effect.provide(Netlink.layerNamespace(to)))
  })

if (import.meta.main) console.log(await Effect.runPromise(copyNamespace("blue", "green")))
