/**
 * Dumps that are consistent or fail: for tables whose dumps the kernel does
 * not reliably flag with NLM_F_DUMP_INTR (addresses: the generation it
 * compares is bumped after the list changes, and never for a dump filtered
 * by device; neighbours: never). Internal.
 *
 * One dumpit call of the kernel walks its list under RCU: a dump that came
 * in one datagram saw each entry that existed throughout exactly once. A dump
 * in several datagrams resumes by position, so a change between datagrams
 * shifts entries (lost or repeated) without a flag: it is accepted only when
 * a second dump lists the same entries in the same order; otherwise it
 * counts as interrupted (DumpInterrupted, retried as the caller asked).
 */
import * as Effect from "effect/Effect"
import type { Decoder, DumpOptions } from "../../runtime/Connection.ts"
import * as Errors from "../../runtime/NetlinkError.ts"
import { Netlink } from "../Netlink.ts"

interface Counted<A> {
  readonly decode: Decoder<A>
  /** Datagrams seen since the last reset. */
  datagrams: number
  last: number
}

// A datagram's messages are handed over from offset 0 up: an offset that does
// not grow starts a new datagram.
const counted = <A>(decode: Decoder<A>): Counted<A> => {
  const c: Counted<A> = {
    datagrams: 0,
    last: Number.POSITIVE_INFINITY,
    decode: (buf, view, start, end, type) => {
      if (start <= c.last) c.datagrams++
      c.last = start
      return decode(buf, view, start, end, type)
    }
  }
  return c
}

const sameKeys = <A>(a: ReadonlyArray<A>, b: ReadonlyArray<A>, key: (x: A) => string): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (key(a[i]) !== key(b[i])) return false
  return true
}

/**
 * Like `route.dumpAll`, but a dump the kernel did not flag and that cannot
 * be shown consistent (see above) fails with DumpInterrupted too;
 * `options.retryInterrupted` bounds the retries of both.
 */
export const consistentDump = <A>(
  request: Uint8Array,
  decode: Decoder<A>,
  key: (a: A) => string,
  options: DumpOptions
): Effect.Effect<ReadonlyArray<A>, Errors.NetlinkError, Netlink> =>
  Netlink.use(({ route }) => {
    const c = counted(decode)
    const once = Effect.suspend(() => {
      c.datagrams = 0
      c.last = Number.POSITIVE_INFINITY
      return Effect.map(route.dumpAll(request, c.decode, { ...options, retryInterrupted: 0 }), (items) => ({
        items,
        datagrams: c.datagrams
      }))
    })
    const attempt = (left: number): Effect.Effect<ReadonlyArray<A>, Errors.NetlinkError> =>
      once.pipe(
        Effect.flatMap((first) =>
          first.datagrams <= 1
            ? Effect.succeed(first.items)
            : Effect.flatMap(once, (second) =>
                sameKeys(first.items, second.items, key)
                  ? Effect.succeed(second.items)
                  : Effect.fail(Errors.make(new Errors.DumpInterrupted({ partial: second.items })))
              )
        ),
        Effect.catchIf(
          (e) => left > 0 && e.reason._tag === "DumpInterrupted",
          () => attempt(left - 1)
        )
      )
    return attempt(options.retryInterrupted ?? 0)
  })
