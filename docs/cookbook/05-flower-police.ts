/**
 * Recipe 5: rate-limit incoming HTTPS per destination network with flower and
 * police, dropping what exceeds the rate.
 *
 *   tc qdisc add dev eth0 clsact
 *   tc filter add dev eth0 ingress protocol ip prio 10 flower ip_proto tcp dst_ip 10.0.0.0/8 dst_port 443 \
 *     action police rate 10mbit burst 64k conform-exceed drop
 */
import { Effect } from "effect"
import { Filter, Netlink, Qdisc } from "nlink"

export const rateLimitHttps = (dev: string) =>
  Effect.gen(function* () {
    yield* Qdisc.add({ dev, kind: "clsact" })
    yield* Filter.add({
      dev,
      parent: "ingress",
      protocol: "ip",
      priority: 10,
      kind: "flower",
      options: { ipProto: "tcp", dstIp: "10.0.0.0/8", dstPort: 443 },
      actions: [{ kind: "police", options: { rate: "10mbit", burst: "64kb", exceed: "drop" } }]
    })
    return yield* Filter.list({ dev, parent: "ingress" })
  })

if (import.meta.main)
  console.log(await Effect.runPromise(rateLimitHttps("eth0").pipe(Effect.provide(Netlink.layer))))
