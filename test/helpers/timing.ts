/**
 * Time bounds that hold on the host and in the VM lane (test/kernel), where
 * software emulation on shared cores runs 13–25 times slower, and a bounded
 * wait for a condition instead of a fixed sleep or two reads that must agree.
 */
import { Effect, Schedule } from "effect"

/** Set inside the full-kernel VM lane (as `fullKernel` in netns.ts, which imports this file). */
const fullKernel = process.env.NLINK_FULL_KERNEL === "1"

/** The lane's test and hook timeout (`--testTimeout` in test/kernel/guest/lane-run.sh). */
export const LANE_TEST_TIMEOUT = 600_000

/** The host's default for kernel tests (the integration and cli projects in vitest.config.ts). */
export const HOST_TEST_TIMEOUT = 120_000

/** How many times longer the lane may take than the host (README of test/kernel: 13–25x). */
export const LANE_SLOWDOWN = 20

/**
 * A test's own timeout, never below the default where it runs: a timeout
 * passed to `it` replaces the configured one (and the lane's
 * `--testTimeout`), so a host-sized 120 s would be the tightest bound of all
 * in the lane.
 */
export const testTimeout = (hostMs: number): number =>
  Math.max(hostMs, fullKernel ? LANE_TEST_TIMEOUT : HOST_TEST_TIMEOUT)

/** How long to wait for something the kernel or another process does: as given on the host, `LANE_SLOWDOWN` times that in the lane. */
export const waitBound = (hostMs: number): number => (fullKernel ? hostMs * LANE_SLOWDOWN : hostMs)

class NotYet {
  readonly _tag = "NotYet"
}

/**
 * Reads `read` every `everyMs` until `ok` holds of what it returned, for at
 * most `waitBound(hostMs)`; then dies naming `what` with the distinct values
 * seen (in order), so a failure shows how the state moved. Failures of `read`
 * itself pass through at once.
 *
 * @example
 * const link = yield* eventually("v0 up", Link.get("v0"), (l) => l.status?.operstate === "up")
 */
export const eventually = <A, E, R>(
  what: string,
  read: Effect.Effect<A, E, R>,
  ok: (a: A) => boolean,
  options: { readonly hostMs?: number; readonly everyMs?: number; readonly show?: (a: A) => string } = {}
): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    const bound = waitBound(options.hostMs ?? 10_000)
    const show =
      options.show ?? ((a: A) => JSON.stringify(a, (_, v) => (typeof v === "bigint" ? `${v}n` : v)))
    const seen: Array<string> = []
    const attempt = Effect.flatMap(read, (a) => {
      if (ok(a)) return Effect.succeed(a)
      const s = show(a)
      if (seen[seen.length - 1] !== s) seen.push(s)
      return Effect.fail(new NotYet())
    })
    return attempt.pipe(
      Effect.retry({
        schedule: Schedule.spaced(`${options.everyMs ?? 100} millis`).pipe(
          Schedule.upTo({ duration: `${bound} millis` })
        ),
        while: (e) => e instanceof NotYet
      }),
      Effect.catchIf(
        (e): e is NotYet => e instanceof NotYet,
        () =>
          Effect.die(
            new Error(
              `${what}: not so after ${bound} ms; seen (distinct values in order, the last ${Math.min(seen.length, 20)} of ${seen.length}):\n${seen.slice(-20).join("\n")}`
            )
          )
      )
    ) as Effect.Effect<A, E, R>
  })
