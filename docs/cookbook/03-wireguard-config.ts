/**
 * Recipe 3: a WireGuard device configured from a `wg setconf` file, then read
 * back as `wg showconf` prints it.
 *
 *   ip link add wg0 type wireguard && wg setconf wg0 wg0.conf && ip link set wg0 up
 */
import { Effect } from "effect"
import { Link, Netlink, WireGuard } from "nlink"

export const wireguardFromConfig = (name: string, configText: string) =>
  Effect.gen(function* () {
    const config = WireGuard.parseConfig(configText)
    // a bad file is a Validation error naming its line, never the key it holds
    if (config instanceof Error) return yield* Effect.fail(config)
    yield* Link.add({ kind: "wireguard", name, up: true })
    yield* WireGuard.configure(name, config)
    return WireGuard.printConfig(yield* WireGuard.get(name))
  })

if (import.meta.main) {
  const { readFileSync } = await import("node:fs")
  const text = readFileSync(process.argv[2] ?? "wg0.conf", "utf8")
  console.log(await Effect.runPromise(wireguardFromConfig("wg0", text).pipe(Effect.provide(Netlink.layer))))
}
