import { defineConfig } from "vitest/config"

// Two modes of the API (src/api/internal/Common.ts): with NLINK_CHECK_MESSAGES=1
// every message a builder makes is re-checked against the generated Schema;
// without it (production) it is not. Both must be tested, without running the
// whole suite twice:
// - golden and API unit tests (test/golden, test/api) reach every builder and
//   take seconds: they run in both modes (projects "golden:checked" and
//   "golden:production"), so each mode's path is covered builder by builder;
// - generated-codec and runtime unit tests never reach the builders: once;
// - integration tests (real kernel, the slow part) run in production mode, the
//   path users get. NLINK_CHECK_MESSAGES=1 in the environment switches them to
//   the checked mode.
// Unit groups run first, the integration group after them, the CLI group last;
// one file at a time throughout, so namespace churn and timing stay predictable (two unit files at
// once saved 4 s of 15 but made a timing-based engine test fail).
// Every test file is in exactly one group: a new folder lands in the integration
// group (the safe default: one file at a time, production mode).
const unitFiles = ["test/generated/**/*.test.ts", "test/runtime/**/!(kernel).test.ts"]
const builderFiles = ["test/golden/**/*.test.ts", "test/api/**/*.test.ts"]
// The CLI tests start a node process per command: 1-2 s each on a quiet
// machine, 8 s seen on a loaded one, where a test of three commands passed
// 30 s. They run last (host only; the VM lane runs test/integration).
const cliFiles = ["test/cli/**/*.test.ts"]
// Hooks get longer: some API tests make a namespace in beforeAll (tc's and ip's
// acceptance under strace), and `ip netns add` waited past 30 s at load 20.
const timeouts = { testTimeout: 30_000, hookTimeout: 120_000 }
// A kernel test can wait on the rtnl lock and namespace setup/cleanup (its own
// earlier tests' big namespaces are torn down asynchronously, and on a shared
// machine everyone's): 0.5 s tests took 38 and 44 s at load 19. The bound is for
// a hang; the VM lane sets its own (600 s, test/kernel/guest/lane-run.sh).
const kernelTimeouts = { testTimeout: 120_000, hookTimeout: 120_000 }
// Fixed property-test seeds: two runs of one commit test the same values.
const seedSetup = ["test/setup/seed.ts"]
const unitGroup = { ...timeouts, maxWorkers: 1, setupFiles: seedSetup, sequence: { groupOrder: 1 } }

export default defineConfig({
  // The cookbook (docs/cookbook) imports the package by name, as users do.
  resolve: { alias: { nlink: new URL("./src/index.ts", import.meta.url).pathname } },
  test: {
    // Fails the run when tests leave temp files, namespaces, host links or processes behind.
    globalSetup: ["test/setup/leaks.ts"],
    projects: [
      { test: { ...unitGroup, name: "unit", include: unitFiles } },
      {
        test: {
          ...unitGroup,
          name: "golden:checked",
          include: builderFiles,
          env: { NLINK_CHECK_MESSAGES: "1" }
        }
      },
      {
        test: {
          ...unitGroup,
          name: "golden:production",
          include: builderFiles,
          env: { NLINK_CHECK_MESSAGES: "0" }
        }
      },
      {
        test: {
          ...kernelTimeouts,
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: [...unitFiles, ...builderFiles, ...cliFiles],
          fileParallelism: false,
          // VM lane, older kernels: only the version-sensitive tests (test/kernel/README.md)
          setupFiles: process.env.NLINK_LANE_SELECT ? [...seedSetup, "test/setup/lane-select.ts"] : seedSetup,
          sequence: { groupOrder: 2 }
        }
      },
      {
        test: {
          ...kernelTimeouts,
          name: "cli",
          include: cliFiles,
          fileParallelism: false,
          setupFiles: seedSetup,
          sequence: { groupOrder: 3 }
        }
      }
    ]
  }
})
