import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration tests create namespaces and sockets; keep them in one process
    // per file and run files one at a time so namespace churn stays predictable.
    fileParallelism: false,
    testTimeout: 30_000,
    // Every message the API builds is re-checked against the generated Schema (src/api/internal/Common.ts).
    env: { NLINK_CHECK_MESSAGES: "1" },
    hookTimeout: 30_000
  }
})
