/**
 * The action kinds: one line per kind. A new kind is its spec entries
 * (spec/tc-action.yaml), its module in src/api/tc/action/kinds, a line here
 * and its tests (CONTRIBUTING.md, "Adding an action kind").
 *
 * @since 0.3.0
 */
import type { AnyActionKind } from "./ActionKind.ts"
import { gact } from "./kinds/gact.ts"
import { mirred } from "./kinds/mirred.ts"
import { mpls } from "./kinds/mpls.ts"
import { nat } from "./kinds/nat.ts"
import { police } from "./kinds/police.ts"
import { sample } from "./kinds/sample.ts"
import { simple } from "./kinds/simple.ts"
import { skbedit } from "./kinds/skbedit.ts"
import { skbmod } from "./kinds/skbmod.ts"
import { vlan } from "./kinds/vlan.ts"
import { csum } from "./kinds/csum.ts"
import { connmark } from "./kinds/connmark.ts"
import { ct } from "./kinds/ct.ts"
import { ctinfo } from "./kinds/ctinfo.ts"
import { pedit } from "./kinds/pedit.ts"
import { tunnelKey } from "./kinds/tunnel_key.ts"
import { bpf } from "./kinds/bpf.ts"
import { gate } from "./kinds/gate.ts"
import { ife } from "./kinds/ife.ts"

/** Action kinds by TCA_ACT_KIND. @since 0.3.0 */
export const actionKinds: ReadonlyArray<AnyActionKind> = [
  gact,
  mirred,
  police,
  nat,
  skbedit,
  vlan,
  csum,
  pedit,
  tunnelKey,
  ct,
  connmark,
  mpls,
  skbmod,
  sample,
  simple,
  ctinfo,
  gate,
  ife,
  bpf
]
