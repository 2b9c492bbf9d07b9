/**
 * The filter kinds: one line per kind. A new kind is its spec entries
 * (spec/tc-filter.yaml), its module in src/api/tc/filter/kinds, a line here
 * and its tests.
 *
 * @since 0.3.0
 */
import type { AnyFilterKind } from "./FilterKind.ts"
import { basic } from "./kinds/basic.ts"
import { bpf } from "./kinds/bpf.ts"
import { cgroup } from "./kinds/cgroup.ts"
import { flow } from "./kinds/flow.ts"
import { flower } from "./kinds/flower.ts"
import { fw } from "./kinds/fw.ts"
import { matchall } from "./kinds/matchall.ts"
import { route } from "./kinds/route.ts"
import { u32 } from "./kinds/u32.ts"

/** Filter kinds by TCA_KIND. @since 0.3.0 */
export const filterKinds: ReadonlyArray<AnyFilterKind> = [
  matchall,
  u32,
  flower,
  bpf,
  fw,
  basic,
  cgroup,
  flow,
  route
]
