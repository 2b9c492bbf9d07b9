/**
 * Setup file of the VM lane's version-sensitive runs (NLINK_LANE_SELECT=LIST,
 * see test/kernel/version-sensitive.txt): in a listed file, the tests no entry
 * selects are skipped before their hooks and body run. check-report.ts then
 * accepts exactly those skips.
 */
import { beforeEach } from "vitest"
import { read, relative, selecting } from "../kernel/guest/selection.ts"

const list = process.env.NLINK_LANE_SELECT
if (list !== undefined && list !== "") {
  const entries = read(list)
  beforeEach((ctx) => {
    const file = relative(ctx.task.file.filepath)
    if (selecting(entries, file, ctx.task.fullTestName).length === 0)
      ctx.skip("not version-sensitive: runs on the newest kernel only")
  })
}
