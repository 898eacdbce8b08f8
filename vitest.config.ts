import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// Two projects: `unit` (pure logic, no services) and `integration` (a throwaway embedded
// PostgreSQL started once per run by test/global-setup-db.ts, one database per test file).
export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // Tests call the server's modules directly; outside React's server environment `server-only`
      // throws, so here it is its own empty server build (what Next resolves it to).
      "server-only": fileURLToPath(new URL("node_modules/server-only/empty.js", import.meta.url)),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,server,cli,app,scripts,bench}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,server,cli,app,scripts}/**/*.int.test.ts"],
          exclude: ["node_modules/**"],
          environment: "node",
          globalSetup: ["test/global-setup-db.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: keep parallel database work modest.
          maxWorkers: 2,
        },
      },
    ],
  },
});
