/**
 * Error messages state facts: what the kernel said (its extended ack), or the
 * operation and the errno — never a guess such as "not supported by this
 * kernel". Real kernel calls in fresh namespaces, and an unprivileged child
 * process (a user namespace) for what needs privilege.
 */
import { expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer } from "effect"
import * as Link from "../../src/api/Link.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Connection from "../../src/runtime/Connection.ts"
import * as Errno from "../../src/runtime/Errno.ts"
import * as NetlinkError from "../../src/runtime/NetlinkError.ts"
import { describeRoot, freshNamespace, inNamespace, ip } from "../helpers/netns.ts"

const kernelReason = (e: NetlinkError.NetlinkError): NetlinkError.Kernel => {
  if (e.reason._tag !== "Kernel")
    throw new Error(`expected a Kernel reason, got ${e.reason._tag}: ${e.message}`)
  return e.reason
}

describeRoot("EOPNOTSUPP is explained by context", () => {
  it.live("deleting lo: the operation and errno, no guess about the kernel", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const e = yield* Effect.flip(Link.remove("lo"))
        const k = kernelReason(e)
        expect(k.code).toBe("EOPNOTSUPP")
        expect(e.message).toBe("link del: operation not supported (EOPNOTSUPP)")
        expect(e.message).not.toContain("kernel")
      })
    )
  )

  it.live("enslaving to a device that is not a bridge: no claim about the kernel", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "a0", "type", "veth", "peer", "name", "b0")
        const e = yield* Effect.flip(Link.set("a0", { master: "b0" }))
        const k = kernelReason(e)
        expect(k.code).toBe("EOPNOTSUPP")
        expect(e.message).not.toContain("kernel")
        // The kernel's own words when it gave some, else the errno's.
        const said = k.extack?.message
        expect(e.message).toContain(said !== undefined && said !== "" ? said : "operation not supported")
        expect(e.message).toMatch(/\(EOPNOTSUPP\)/)
      })
    )
  )

  it("an extended ack's text is the explanation; the errno still shows", () => {
    const e = NetlinkError.kernel(-95, {
      operation: "link set",
      extack: { message: "Device is not a bridge" }
    })
    expect(e.message).toBe("link set: Device is not a bridge (EOPNOTSUPP)")
    const plain = NetlinkError.kernel(-95, { operation: "qdisc add" })
    expect(plain.message).toBe("qdisc add: operation not supported (EOPNOTSUPP)")
  })
})

describeRoot("entering a namespace without privilege", () => {
  it.live("says setns needs CAP_SYS_ADMIN, as a System reason naming the call and the file", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("priv")
        const root = path.resolve(import.meta.dirname, "../..")
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nlink-setns-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
        const script = path.join(dir, "child.ts")
        fs.writeFileSync(
          script,
          `import { Effect, Layer } from "effect"
import { Netlink } from "${root}/src/api/Netlink.ts"
const e = await Effect.runPromise(Effect.flip(Effect.scoped(Layer.build(Netlink.layerNamespace(${JSON.stringify(ns)})))))
console.log(JSON.stringify({ ...e.reason, message: e.message }))
`
        )
        fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"))
        // A new user namespace: root inside it, but no capability over the
        // host's namespaces, so setns fails with EPERM as for any unprivileged user.
        const out = spawnSync(
          "unshare",
          ["--user", "--map-root-user", path.join(root, "node_modules/.bin/node"), script],
          {
            encoding: "utf8"
          }
        )
        expect(out.status, out.stderr).toBe(0)
        const reason = JSON.parse(out.stdout.trim())
        expect(reason).toMatchObject({
          _tag: "System",
          call: "setns",
          path: `/run/netns/${ns}`,
          code: "EPERM"
        })
        expect(reason.message).toContain("CAP_SYS_ADMIN")
        expect(reason.message).not.toContain("CAP_NET_ADMIN")
      })
    )
  )
})

describeRoot("namespace file errors are System errors with the right errno name", () => {
  it.live("a missing namespace: open fails with ENOENT, naming the file", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(
        Effect.scoped(Layer.build(Netlink.layerNamespace("nlt-no-such-namespace")))
      )
      expect(e.reason).toMatchObject({
        _tag: "System",
        call: "open",
        path: "/run/netns/nlt-no-such-namespace",
        errno: 2,
        code: "ENOENT"
      })
      expect(e.message).toBe("open /run/netns/nlt-no-such-namespace: no such file or directory (ENOENT)")
    })
  )

  it.live("a file that is not a namespace: setns fails with EINVAL, said as such", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(
        Effect.scoped(Connection.make({ protocol: 0, netns: { path: "/etc/hostname" } }))
      )
      expect(e.reason).toMatchObject({
        _tag: "System",
        call: "setns",
        path: "/etc/hostname",
        errno: 22,
        code: "EINVAL"
      })
      expect(e.message).toBe("setns /etc/hostname: not a network namespace file (EINVAL)")
    })
  )
})

it("errno codes are a literal union: a misspelt code does not compile", () => {
  const code: Errno.Code = Errno.name(17)
  expect(code).toBe("EEXIST")
  // @ts-expect-error "EEXST" is not an errno name
  const misspelt: Errno.Code = "EEXST"
  expect(Errno.fromCode("ENOTSUP")).toBe(95)
  expect(Errno.name(4242)).toBe("E4242")
  // A number the table lacks still makes a valid reason (the "E<n>" form).
  expect(NetlinkError.kernel(-4242).message).toBe("unknown error 4242 (E4242)")
  expect(misspelt).toBe("EEXST")
  const k = NetlinkError.Kernel.fromErrno(-17)
  // @ts-expect-error the types "EEXIST" | ... and "EEXST" have no overlap
  expect(k.code === "EEXST").toBe(false)
  expect(k.code === "EEXIST").toBe(true)
})
