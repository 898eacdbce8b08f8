// The production server for browser benchmarks: `next start` on its own port with a throwaway data
// directory (its own embedded PostgreSQL), as the e2e config does. Needs `npx next build` first.
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

export async function startProductionServer(port: number): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "beatsight-bench-data-"));
  const server = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, DATA_DIR: dataDir, EMBEDDED_PG_PORT: "0", LOG_LEVEL: "warn" },
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
