import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources (the `@flows/source` export condition),
// so tests never run a stale build; what users install (`dist/`) is tested by the packaging test.
const sourceConditions = ["@flows/source", ...defaultServerConditions];
const resolveSources = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
};

// Two projects: code that must run inside workerd is tested there for real; everything
// else runs in Node.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            main: "./test/workers/worker.ts",
            miniflare: {
              compatibilityDate: "2026-04-26",
              compatibilityFlags: ["nodejs_compat"],
              // Capability conformance and concurrency tests run against these real bindings.
              kvNamespaces: ["CAPS_KV", "QUEUE_SINK"],
              queueProducers: { CAPS_QUEUE: "flows-caps-queue" },
              queueConsumers: { "flows-caps-queue": { maxBatchTimeout: 1, maxRetries: 3 } },
              r2Buckets: ["CAPS_R2"],
              durableObjects: {
                FLOW_STATE: { className: "FlowStateObject", useSQLite: true },
                // The run journal's SQLite store, exercised by the JournalStore conformance suite.
                JOURNAL: { className: "JournalObject", useSQLite: true },
              },
            },
          }),
        ],
        ...resolveSources,
        test: { name: "workers", include: ["test/workers/**/*.test.ts"] },
      },
      {
        ...resolveSources,
        test: {
          name: "node",
          include: ["**/*.test.ts"],
          exclude: ["test/workers/**", "**/node_modules/**", "**/dist/**"],
          environment: "node",
          testTimeout: 60_000,
        },
      },
    ],
  },
});
