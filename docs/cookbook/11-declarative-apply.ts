/**
 * Recipe 11: declarative apply: name the state you want; see the plan with a
 * dry run; apply it in one transaction (a failure rolls back); a second apply
 * of the same state has nothing to do.
 *
 *   nlink apply desired.yaml --dry-run && nlink apply desired.yaml
 */
import { Effect } from "effect"
import { Apply, Diff, Netlink } from "nlink"

export const desired = {
  link: [
    { kind: "bridge", name: "br-lan", up: true },
    { kind: "bridge", name: "br-wan", up: true, stpState: true }
  ],
  address: [{ dev: "br-lan", address: "192.168.77.1/24" }],
  route: [{ destination: "10.77.0.0/16", gateway: "192.168.77.254" }]
}

export const applyDesired = Effect.gen(function* () {
  const dry = yield* Apply.apply(desired, { dryRun: true })
  const planText = Diff.toText(dry.plan) // "+ link br-lan ..." per step, in dependency order
  const report = yield* Apply.apply(desired)
  const again = yield* Apply.plan(desired) // empty: nothing left to do
  return { planText, verified: report.verified, stepsLeft: again.length }
})

if (import.meta.main) console.log(await Effect.runPromise(applyDesired.pipe(Effect.provide(Netlink.layer))))
