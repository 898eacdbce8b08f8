// A started production server of this checkout for black-box tests and benchmarks:
// scripts/serve.mjs (as `npm start` serves the build) on a free loopback port, with its own
// throwaway data directory and so its own embedded PostgreSQL. Needs a production build.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { SERVER_NODE_FLAGS } from "../scripts/server-flags.mjs";

const root = path.resolve(import.meta.dirname, "..");

export interface AppServer {
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** What the server printed to stderr so far (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url}/api/health did not answer 200 within ${ms / 1000} s`);
}

export async function startAppServer(
  options: { port?: number; env?: Record<string, string>; startTimeoutMs?: number } = {},
): Promise<AppServer> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` first.");
  }
  const port = options.port ?? (await freePort());
  const dataDir = mkdtempSync(path.join(tmpdir(), "beatsight-app-"));
  const server = spawn(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      path.join(root, "scripts", "serve.mjs"),
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
    ],
    {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, EMBEDDED_PG_PORT: "0", LOG_LEVEL: "warn", ...options.env },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    },
  );
  let stderr = "";
  server.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode === null && server.pid) {
      const exited = new Promise((r) => server.once("exit", r));
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    // The embedded PostgreSQL may outlive a killed server by a moment; stop it before removing its files.
    killEmbeddedPostgres(dataDir, "SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, server, options.startTimeoutMs ?? 180_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return { url, dataDir, process: server, stderr: () => stderr, stop };
}

/** The embedded PostgreSQL's postmaster pid under a server's data directory, if it runs. */
export function embeddedPostgresPid(dataDir: string): number | null {
  // server/db/embedded.ts keeps the cluster in <DATA_DIR>/pg.
  const pidFile = path.join(dataDir, "pg", "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function killEmbeddedPostgres(dataDir: string, signal: NodeJS.Signals): number | null {
  const pid = embeddedPostgresPid(dataDir);
  if (pid === null) return null;
  try {
    process.kill(pid, signal);
  } catch {
    return null;
  }
  return pid;
}
