// A server process that cannot start says why and exits non-zero, instead of hanging (issue 30):
// the real start-up (server/boot.ts, as Next's instrumentation runs it) in a child process, with
// settings that cannot work. And the embedded default starts as root with DATA_DIR in a folder
// only root may enter, then stops cleanly on SIGTERM.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isRoot } from "./postgres-binaries.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Runs bootServer() in a child process with `env`. With `readyLine`, sends SIGTERM once the output
 * contains it (the process keeps serving otherwise); the answer is how the process ended.
 */
function boot(env: Record<string, string>, readyLine?: RegExp): Promise<Run> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      'const { bootServer } = await import("./server/boot.ts"); await bootServer();',
    ],
    {
      cwd: root,
      env: { ...process.env, BEATSIGHT_SERVER_JOBS: "0", LOG_LEVEL: "info", NODE_ENV: "development", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  let signalled = false;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (readyLine && !signalled && readyLine.test(output)) {
      signalled = true;
      child.kill("SIGTERM");
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal, output })));
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe("a server that cannot start", () => {
  it("exits 1 saying DATA_DIR cannot be used when it is a file", async () => {
    const dir = await tempDir("beatsight-start-");
    const file = path.join(dir, "not-a-folder");
    await fs.writeFile(file, "");
    const run = await boot({ DATA_DIR: path.join(file, "data") });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /BeatSight could not start: The data directory .* cannot be created \(ENOTDIR\)\. Set DATA_DIR/,
    );
  });

  it("exits 1 saying what to check when DATABASE_URL's server does not answer", async () => {
    // A port that was free a moment ago and is closed now: nothing listens there.
    const probe = net.createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, "127.0.0.1", () => resolve((probe.address() as net.AddressInfo).port)),
    );
    await new Promise((resolve) => probe.close(resolve));
    const run = await boot({ DATABASE_URL: `postgres://app:secret-password@127.0.0.1:${port}/app` });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /BeatSight could not start: Could not use the PostgreSQL server in DATABASE_URL: nothing is listening there\. Check that the server is running/,
    );
    expect(run.output).not.toContain("secret-password");
  });
});

describe("the embedded default as root", () => {
  it.runIf(isRoot())(
    "starts with DATA_DIR in a folder only root may enter, and stops on SIGTERM",
    async () => {
      const privateDir = await tempDir("beatsight-root-");
      expect((await fs.stat(privateDir)).mode & 0o777).toBe(0o700);
      const run = await boot(
        { DATA_DIR: path.join(privateDir, "data"), EMBEDDED_PG_PORT: "0" },
        /"database ready"/,
      );
      expect(run.output).toContain('"msg":"database ready"');
      expect(run.code).toBe(0);
      // It stopped the server it started: no live postmaster is left on the data.
      const pid = Number(
        (
          await fs.readFile(path.join(privateDir, "data", "pg", "postmaster.pid"), "utf8").catch(() => "")
        ).split("\n")[0],
      );
      if (pid > 0) expect(() => process.kill(pid, 0)).toThrow();
    },
  );
});
