// e2e tests drive Debian's Chromium (Playwright cannot download its own browser here) against the
// production build, served by scripts/serve.mjs (as `npm start` serves it) on its own port with its
// own throwaway data directory.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { createE2eDatabase } from "./e2e/support/e2e-database.ts";
import { SERVER_NODE_FLAGS } from "./scripts/server-flags.mjs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const port = Number(process.env.E2E_PORT ?? 3100);
// As root Chromium needs --no-sandbox; the rest keep it off a network it cannot reach.
const BROWSER_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Set once in the main process; workers inherit it through the environment.
process.env.BEATSIGHT_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "beatsight-e2e-"));
// On an external server, a database of this run's own (e2e/support/e2e-database.ts).
if (process.env.DATABASE_URL_TEST) {
  process.env.BEATSIGHT_E2E_DATABASE_URL ??= createE2eDatabase(process.env.DATABASE_URL_TEST);
}

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["json", { outputFile: ".cache/playwright-results.json" }]],
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: BROWSER_ARGS,
    },
  },
  projects: [
    { name: "chromium", use: { browserName: "chromium" }, testIgnore: /webgpu/ },
    {
      // A software WebGPU adapter (SwiftShader) for the WebGPU backend's tests.
      name: "webgpu",
      testMatch: /webgpu\.spec\.ts/,
      use: {
        browserName: "chromium",
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: [...BROWSER_ARGS.filter((a) => a !== "--disable-gpu"), "--enable-unsafe-webgpu"],
        },
      },
    },
  ],
  webServer: {
    command: `node ${SERVER_NODE_FLAGS.join(" ")} scripts/serve.mjs --port ${port} --hostname 127.0.0.1`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATA_DIR: process.env.BEATSIGHT_E2E_DATA_DIR,
      EMBEDDED_PG_PORT: "0",
      LOG_LEVEL: "warn",
      // Mail goes to the outbox (no SMTP_URL); e2e/accounts.spec.ts follows links from /dev/outbox.
      DEV_OUTBOX: "1",
      ...(process.env.BEATSIGHT_E2E_DATABASE_URL
        ? { DATABASE_URL: process.env.BEATSIGHT_E2E_DATABASE_URL }
        : {}),
    },
  },
});
