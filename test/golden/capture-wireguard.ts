/**
 * Capture golden fixtures from the `wg` tool (wireguard-tools). Needs a kernel with
 * WireGuard (the host kernel has none), so it runs in the VM lane:
 *
 *   test/kernel/vm.sh --kernel 7 -- node_modules/.bin/node test/golden/capture-wireguard.ts
 *
 * For each case: a fresh namespace with `ip link add wg0 type wireguard`, then `wg setconf`
 * or `wg set` under `strace -f -X raw -e trace=sendmsg,sendto -e write=all -xx -s 65536`;
 * the messages sent to the wireguard family (its id resolved by nlink in that namespace) are
 * written to test/fixtures/golden/wireguard/<name>.json (a folder of their own: the
 * iproute2 fixture list in cases.ts does not hold them) with the case's configuration.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { release, tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import * as Genl from "../../src/api/Genl.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { bytesToHex, fixtureDir } from "./nlmsg.ts"
import { parseStraceOutput, splitNetlink } from "./strace.ts"
import { wireguardCases } from "./wireguard-cases.ts"

const sh = (argv: ReadonlyArray<string>) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 120_000 })
  if (r.error) throw r.error
  return r
}

const wgVersion = sh(["wg", "--version"]).stdout.trim()
for (const c of wireguardCases) {
  const ns = `nlgold-wg-${process.pid}`
  const dir = mkdtempSync(join(tmpdir(), "nlgold-"))
  try {
    sh(["ip", "netns", "add", ns])
    sh(["ip", "-n", ns, "link", "add", "wg0", "type", "wireguard"])
    const id = await Effect.runPromise(
      Effect.map(Genl.family("wireguard"), (f) => f.id).pipe(Effect.provide(Netlink.layerNamespace(ns)))
    )
    const conf = join(dir, "wg0.conf")
    writeFileSync(conf, c.config)
    const out = join(dir, "strace.txt")
    const args = c.command.map((a) => a.replace("{conf}", conf))
    const r = sh([
      "strace",
      "-f",
      "-X",
      "raw",
      "-e",
      "trace=sendmsg,sendto",
      "-e",
      "write=all",
      "-xx",
      "-s",
      "65536",
      "-o",
      out,
      "ip",
      "netns",
      "exec",
      ns,
      "wg",
      ...args
    ])
    const messages = []
    for (const send of parseStraceOutput(readFileSync(out, "utf8")))
      for (const m of splitNetlink(send.bytes))
        if (m.type === id) messages.push({ type: m.type, flags: m.flags, hex: bytesToHex(m.bytes) })
    const fixture = {
      name: c.name,
      doc: c.doc,
      command: ["wg", ...c.command],
      setup: [["link", "add", "wg0", "type", "wireguard"]],
      exitCode: r.status ?? -1,
      stderr: r.stderr,
      kernel: release(),
      iproute2: wgVersion,
      messages
    }
    writeFileSync(new URL(`wireguard/${c.name}.json`, fixtureDir), `${JSON.stringify(fixture, null, 2)}\n`)
    console.log(`${c.name}: ${messages.length} messages, wg exit ${r.status}`)
  } finally {
    sh(["ip", "netns", "del", ns])
    rmSync(dir, { recursive: true, force: true })
  }
}
