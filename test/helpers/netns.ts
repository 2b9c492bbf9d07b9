/**
 * Integration-test scaffolding: each test gets a fresh network namespace that
 * it always removes, a Netlink layer inside it, and iproute2 as the oracle.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { describe } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import { eventually } from "./timing.ts"

export const isRoot = process.getuid?.() === 0
/** Set inside the full-kernel VM lane (test/kernel). */
export const fullKernel = process.env.NLINK_FULL_KERNEL === "1"

/** `describe` for tests that need root; otherwise skipped with a visible reason. */
export const describeRoot = (name: string, body: () => void): void => {
  if (isRoot) describe(name, body)
  else describe.skip(`${name} [skipped: needs root for network namespaces]`, body)
}

/**
 * `describe` for tests that need kernel features the host kernel lacks
 * (link kinds, qdiscs, actions). They run in the VM lane (`npm run test:kernel`).
 */
export const describeFullKernel = (name: string, body: () => void): void => {
  if (isRoot && fullKernel) describe(`${name} [full kernel]`, body)
  else describe.skip(`${name} [skipped: needs the full-kernel lane, npm run test:kernel]`, body)
}

/** Runs `ip` inside the namespace; throws with stderr on failure. */
export const ip = (ns: string, ...args: Array<string>): string =>
  execFileSync("ip", ["-n", ns, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })

/** `ip -j ...` parsed. */
export const ipJson = <A = any>(ns: string, ...args: Array<string>): A => {
  const out = execFileSync("ip", ["-n", ns, "-j", ...args], { encoding: "utf8" }).trim()
  return (out === "" ? [] : JSON.parse(out)) as A
}

/** Runs a command inside the namespace (`ip netns exec`). */
export const nsExec = (ns: string, cmd: string, ...args: Array<string>) =>
  spawnSync("ip", ["netns", "exec", ns, cmd, ...args], { encoding: "utf8" })

/**
 * Links created in `ns` from now on get no IPv6 link-local address (nor its
 * routes, multicast joins and DAD), which the kernel adds by itself once a
 * link has carrier, at a moment linkwatch chooses: for tests that compare
 * the namespace before and after.
 */
export const noLinkLocal = (ns: string): void => {
  for (const k of ["default", "all"]) {
    const r = nsExec(ns, "sysctl", "-qw", `net.ipv6.conf.${k}.addr_gen_mode=1`)
    if (r.status !== 0) throw new Error(`sysctl addr_gen_mode in ${ns}: ${r.stderr}`)
  }
}

/**
 * Waits until the kernel has handled a new veth's carrier state (linkwatch,
 * asynchronous): its operstate is no longer "UNKNOWN". Until then, bringing
 * the device up without carrier leaves a NETDEV_CHANGE pending that flushes
 * the device's non-permanent neighbour entries, including ones added after
 * the up.
 */
export const carrierSettled = (ns: string, ...devs: Array<string>) =>
  eventually(
    `${devs.join(", ")} in ${ns}: linkwatch handled the carrier`,
    Effect.sync(() =>
      devs.map((dev) => ipJson<Array<{ operstate: string }>>(ns, "link", "show", "dev", dev)[0]?.operstate)
    ),
    (states) => states.every((s) => s !== undefined && s !== "UNKNOWN")
  )

/**
 * The test run's tag (from the run token test/setup/leaks.ts sets): namespaces
 * named with it are this run's, so the leak check can tell them from another
 * run's on a shared machine.
 */
export const runTag = (): string => (process.env.NLINK_TEST_RUN ?? "").slice(0, 6)

export const newNamespaceName = (tag = "t"): string =>
  `nlt-${tag}-${runTag()}${randomBytes(4).toString("hex")}`

/**
 * A fresh namespace for one test, removed when the test's scope closes.
 * Loopback is brought up so routes via lo work as in a real system.
 */
export const freshNamespace = (tag?: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const name = newNamespaceName(tag)
      execFileSync("ip", ["netns", "add", name])
      execFileSync("ip", ["-n", name, "link", "set", "lo", "up"])
      return name
    }),
    (name) => Effect.sync(() => spawnSync("ip", ["netns", "del", name]))
  )

/**
 * Runs `f` with a fresh namespace and the Netlink service inside it.
 *
 * @example
 * it.live("adds", () => inNamespace((ns) => Effect.gen(function* () { ... })))
 */
export const inNamespace = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace()
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )
