// Several processes of this checkout on one database, as a deployment runs them: web processes
// (scripts/serve.mjs through test/app-server.ts, no in-process worker) and job workers (the
// compiled worker of `npm run worker:prod`, or `npm run worker`'s TypeScript entry when the build
// has none). Used by e2e/cluster.spec.ts and bench/cluster.bench.ts.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { type AppServer, startAppServer } from "../app-server.ts";

const root = path.resolve(import.meta.dirname, "..", "..");

/** Settings every process of one cluster shares: the database, where uploads wait, job timings. */
export function clusterEnv(options: {
  databaseUrl: string;
  uploadDir: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    // Workers on this machine read the uploads a web process stored (object storage does this
    // across machines).
    UPLOAD_DIR: options.uploadDir,
    // Only the separate workers take jobs, so which process did the work is known.
    BEATSIGHT_INPROCESS_WORKER: "0",
    // Small timings so a dead worker's job is handed back in seconds (as test/jobs.ts does), with
    // room for a live worker's heartbeat to be late on a busy 2-core machine without its job being
    // taken from it.
    JOB_HEARTBEAT_SECONDS: "1",
    JOB_STALE_SECONDS: "10",
    JOB_RETRY_DELAY_SECONDS: "0",
    QUEUE_POLL_SECONDS: "0.5",
    QUEUE_MAINTENANCE_SECONDS: "1",
    WORKER_DEVICE: "cpu",
    ...options.extra,
  };
}

/**
 * Starts `count` web processes at once (so they also race for the migration and queue locks). If
 * any fails to start, the others are stopped before the error is thrown, so none is left running.
 */
export async function startWebProcesses(count: number, env: Record<string, string>): Promise<AppServer[]> {
  const starts = await Promise.allSettled(Array.from({ length: count }, () => startAppServer({ env })));
  const started = starts.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = starts.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(started.map((server) => server.stop()));
    throw failed.reason;
  }
  return started;
}

export interface WorkerProcess {
  process: ChildProcess;
  pid: number;
  /** What the worker printed so far (its log), for failure messages. */
  output(): string;
  /** SIGTERM, and wait for the exit (in-flight jobs go back to the queue). */
  stop(): Promise<void>;
  exited(): Promise<void>;
}

/** The worker program of this checkout: the build's compiled one when there is one. */
export function workerCommand(): { args: string[]; compiled: boolean } {
  const compiled = path.join(root, ".next", "standalone", "worker.mjs");
  if (existsSync(compiled)) return { args: ["--enable-source-maps", compiled], compiled: true };
  return { args: ["--import", "tsx", path.join(root, "server", "queue", "worker-main.ts")], compiled: false };
}

const READY_LINE = "BeatSight worker ready";

/** Starts a worker and resolves once it says it is ready (it exiting first rejects, with its log). */
export async function startWorker(env: Record<string, string>, dataDir: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, workerCommand().args, {
    cwd: root,
    // Info level: the ready line is an info line.
    env: { ...process.env, DATA_DIR: dataDir, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const take = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-40_000);
      if (output.includes(READY_LINE)) resolve();
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    child.once("exit", (code, signal) =>
      reject(new Error(`the worker exited before it was ready (${signal ?? `exit ${code}`}):\n${output}`)),
    );
  });
  const exited = () =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
    );
  await ready;
  return {
    process: child,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited();
    },
  };
}

/** Starts one worker per data directory, at once; if any fails to start, the others are stopped. */
export async function startWorkers(
  env: Record<string, string>,
  dataDirs: string[],
): Promise<WorkerProcess[]> {
  const starts = await Promise.allSettled(dataDirs.map((dir) => startWorker(env, dir)));
  const started = starts.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = starts.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(started.map((worker) => worker.stop()));
    throw failed.reason;
  }
  return started;
}
