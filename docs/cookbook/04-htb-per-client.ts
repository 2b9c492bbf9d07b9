/**
 * Recipe 4: HTB shaping per client: one class per client address under a
 * shared ceiling, unclassified traffic to a default class.
 *
 *   tc qdisc add dev eth0 root handle 1: htb default 99
 *   tc class add dev eth0 parent 1: classid 1:1 htb rate 100mbit
 *   tc class add dev eth0 parent 1:1 classid 1:10 htb rate 10mbit ceil 50mbit
 *   tc filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.10/32 flowid 1:10
 *   ...
 */
import { Effect } from "effect"
import { Class, Filter, Netlink, Qdisc } from "nlink"

export interface Client {
  readonly address: string
  readonly rate: string
  readonly ceil: string
}

export const shapePerClient = (dev: string, clients: ReadonlyArray<Client>) =>
  Effect.gen(function* () {
    yield* Qdisc.add({ dev, parent: "root", handle: "1:", kind: "htb", options: { default: 0x99 } })
    yield* Class.add({ dev, parent: "1:", classid: "1:1", kind: "htb", options: { rate: "100mbit" } })
    yield* Class.add({
      dev,
      parent: "1:1",
      classid: "1:99",
      kind: "htb",
      options: { rate: "1mbit", ceil: "100mbit" }
    })
    for (const [i, c] of clients.entries()) {
      const classid = `1:${(0x10 + i).toString(16)}`
      yield* Class.add({ dev, parent: "1:1", classid, kind: "htb", options: { rate: c.rate, ceil: c.ceil } })
      yield* Filter.add({
        dev,
        parent: "1:",
        protocol: "ip",
        priority: 1,
        kind: "u32",
        options: { match: [`ip dst ${c.address}/32`], classid }
      })
    }
    return yield* Class.list({ dev })
  })

if (import.meta.main) {
  const clients = [{ address: "10.0.0.10", rate: "10mbit", ceil: "50mbit" }]
  console.log(await Effect.runPromise(shapePerClient("eth0", clients).pipe(Effect.provide(Netlink.layer))))
}
