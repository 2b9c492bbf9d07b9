/**
 * The qdisc and class kinds: one line per kind. A new kind is its spec
 * entries (spec/tc.yaml), its module in src/api/tc/kinds, a line here and
 * its tests.
 *
 * @since 0.3.0
 */
import { cake } from "./kinds/cake.ts"
import { codel } from "./kinds/codel.ts"
import { bfifo, pfifo, pfifoHeadDrop } from "./kinds/fifo.ts"
import { fqCodel } from "./kinds/fqCodel.ts"
import { htb, htbClass } from "./kinds/htb.ts"
import { clsact, ingress, noqueue, pfifoFast } from "./kinds/plain.ts"
import { prio } from "./kinds/prio.ts"
import { tbf } from "./kinds/tbf.ts"
// classful and multi-queue kinds (issue 13, second half)
import { cbs } from "./kinds/cbs.ts"
import { drr, drrClass } from "./kinds/drr.ts"
import { dualpi2 } from "./kinds/dualpi2.ts"
import { etf } from "./kinds/etf.ts"
import { ets, etsClass } from "./kinds/ets.ts"
import { hfsc, hfscClass } from "./kinds/hfsc.ts"
import { mqprio } from "./kinds/mqprio.ts"
import { mq, multiq } from "./kinds/multiq.ts"
import { qfq, qfqClass } from "./kinds/qfq.ts"
import { taprio } from "./kinds/taprio.ts"
import { fq } from "./kinds/fq.ts"
import { hhf } from "./kinds/hhf.ts"
import { netem } from "./kinds/netem.ts"
import { fqPie, pie } from "./kinds/pie.ts"
import { gred } from "./kinds/gred.ts"
import { choke, red } from "./kinds/red.ts"
import { sfb } from "./kinds/sfb.ts"
import { sfq, sfqClass } from "./kinds/sfq.ts"
import { plug, skbprio } from "./kinds/skbprio.ts"
import type { AnyTcKind } from "./TcKind.ts"

/** Qdisc kinds by TCA_KIND. @since 0.3.0 */
export const qdiscKinds: ReadonlyArray<AnyTcKind> = [
  pfifo,
  bfifo,
  pfifoHeadDrop,
  pfifoFast,
  noqueue,
  tbf,
  htb,
  ingress,
  clsact,
  prio,
  fqCodel,
  codel,
  // classful and multi-queue kinds
  hfsc,
  drr,
  qfq,
  ets,
  mq,
  multiq,
  mqprio,
  taprio,
  etf,
  cbs,
  dualpi2,
  // issue 13, first half
  netem,
  fq,
  sfq,
  red,
  cake,
  pie,
  fqPie,
  hhf,
  skbprio,
  plug,
  choke,
  sfb,
  gred
]

/** Class kinds by TCA_KIND. @since 0.3.0 */
export const classKinds: ReadonlyArray<AnyTcKind> = [
  htbClass,
  hfscClass,
  drrClass,
  qfqClass,
  etsClass,
  sfqClass
]

/**
 * The class kinds whose classes `Class.add` makes (the kinds flagged
 * `added`); classes of any other kind come with their qdisc (prio's bands,
 * mq's queues, ets's bands, sfq's flows) and are the kernel's.
 *
 * @example
 * ```ts
 * addedClassKinds.has("htb") // true
 * addedClassKinds.has("prio") // false
 * ```
 * @since 0.3.0
 */
export const addedClassKinds: ReadonlySet<string> = new Set(
  classKinds.filter((k) => k.added === true).map((k) => k.kind)
)

/**
 * Qdisc kinds newer than the oldest kernels supported: the Linux release
 * that brought each and its kernel option. A kernel without the kind answers
 * "kind is unknown"; the error then says so with these facts.
 *
 * @since 0.3.0
 */
export const qdiscKindSince: Readonly<Record<string, { readonly linux: string; readonly config: string }>> = {
  dualpi2: { linux: "6.17", config: "CONFIG_NET_SCH_DUALPI2" }
}
