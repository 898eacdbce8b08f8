// The production server for benchmarks: scripts/serve.mjs (as `npm start` and the e2e tests serve
// the build) on its own port with a throwaway data directory (its own embedded PostgreSQL).
// Needs a production build first (`npm run build`).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BenchServer {
  url: string;
  stop(): Promise<void>;
}

async function waitFor(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `${url} did not answer within ${ms / 1000} s; is there a production build (npx next build)?`,
  );
}

export async function startProductionServer(
  port: number,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "beatsight-bench-data-"));
  const serve = join(import.meta.dirname, "..", "..", "scripts", "serve.mjs");
  const server = spawn(process.execPath, [serve, "--port", String(port), "--hostname", "127.0.0.1"], {
    env: { ...process.env, DATA_DIR: dataDir, EMBEDDED_PG_PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      if (server.pid) process.kill(-server.pid, "SIGTERM");
    } catch {
      // already gone
    }
    // The server's embedded PostgreSQL needs a moment to stop before its files can go.
    await new Promise((r) => setTimeout(r, 3000));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${url}/api/health`, 180_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
