/**
 * Capture golden fixtures from `ip macsec`. Needs a kernel with MACsec (the host kernel has
 * none), so it runs in the VM lane:
 *
 *   test/kernel/vm.sh --kernel 7 -- node_modules/.bin/node test/golden/capture-macsec.ts
 *
 * For each case: a fresh namespace with a dummy d0 and `ip link add link d0 m0 type macsec
 * ...`, the case's `ip macsec` setup, then its command under
 * `strace -f -X raw -e trace=sendmsg,sendto -e write=all -xx -s 65536`; the messages sent to
 * the macsec family (its id resolved by nlink in that namespace) are written to
 * test/fixtures/golden/macsec/<name>.json.
 *
 * @since 0.3.0
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { release, tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import * as Genl from "../../src/api/Genl.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { macsecCases } from "./macsec-cases.ts"
import { bytesToHex, fixtureDir } from "./nlmsg.ts"
import { parseStraceOutput, splitNetlink } from "./strace.ts"

const sh = (argv: ReadonlyArray<string>, check = true) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 120_000 })
  if (r.error) throw r.error
  if (check && r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`)
  return r
}

const ipVersion = sh(["ip", "-V"]).stdout.trim()
mkdirSync(new URL("macsec/", fixtureDir), { recursive: true })
for (const c of macsecCases) {
  const ns = `nlgold-ms-${process.pid}`
  const dir = mkdtempSync(join(tmpdir(), "nlgold-"))
  try {
    sh(["ip", "netns", "add", ns])
    sh(["ip", "-n", ns, "link", "add", "d0", "type", "dummy"])
    sh(["ip", "-n", ns, "link", "add", "link", "d0", "m0", "type", "macsec", ...c.link])
    for (const s of c.setup) sh(["ip", "-n", ns, "macsec", ...s])
    const id = await Effect.runPromise(
      Effect.map(Genl.family("macsec"), (f) => f.id).pipe(Effect.provide(Netlink.layerNamespace(ns)))
    )
    const out = join(dir, "strace.txt")
    const r = sh(
      [
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
        "-n",
        ns,
        "macsec",
        ...c.command
      ],
      false
    )
    const messages = []
    for (const send of parseStraceOutput(readFileSync(out, "utf8")))
      for (const m of splitNetlink(send.bytes))
        if (m.type === id) messages.push({ type: m.type, flags: m.flags, hex: bytesToHex(m.bytes) })
    const fixture = {
      name: c.name,
      doc: c.doc,
      command: ["ip", "macsec", ...c.command],
      setup: [
        ["link", "add", "d0", "type", "dummy"],
        ["link", "add", "link", "d0", "m0", "type", "macsec", ...c.link],
        ...c.setup.map((s) => ["macsec", ...s])
      ],
      exitCode: r.status ?? -1,
      stderr: r.stderr,
      kernel: release(),
      iproute2: ipVersion,
      messages
    }
    writeFileSync(new URL(`macsec/${c.name}.json`, fixtureDir), `${JSON.stringify(fixture, null, 2)}\n`)
    console.log(`${c.name}: ${messages.length} messages, ip exit ${r.status} ${r.stderr.trim()}`)
  } finally {
    sh(["ip", "netns", "del", ns], false)
    rmSync(dir, { recursive: true, force: true })
  }
}
