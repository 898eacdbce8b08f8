// The Prisma client over node-postgres (Prisma 7's driver-adapter mode: no query-engine binary).
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";

export type Db = InstanceType<typeof PrismaClient>;
export { Prisma } from "./generated/client.ts";

/**
 * How long a query waits for a pooled connection, or for a new one to open, before failing (which
 * the API answers 503). node-postgres would wait forever: against a server that went away without
 * refusing (a host down, a dropped route) every request would hang instead of being told to retry.
 */
const CONNECTION_TIMEOUT_MS = 10_000;

/**
 * The application_name of each kind of connection this app opens, so pg_stat_activity says who
 * holds a server's connections (docs/DEPLOY.md, "Connections").
 */
export const CONNECTION_NAMES = {
  prisma: "beatsight-db",
  queue: "beatsight-queue",
  jobEvents: "beatsight-job-events",
} as const;

export interface PoolStats {
  /** The pool's ceiling (DB_POOL_MAX for the runtime's pool). */
  max: number;
  /** Connections open now, idle among them, and queries waiting for one. */
  open: number;
  idle: number;
  waiting: number;
}

const pools = new WeakMap<Db, pg.Pool>();

/**
 * Put at the very start of a raw statement that runs on nearly every request (a rate limit, the song
 * lookup) to have it prepared once per connection: PostgreSQL then parses and plans it once instead
 * of on every call, which was half the database's CPU for those statements (docs/BENCHMARKS.md,
 * "Load (issue 29)"). Only statements that opt in are prepared, each a fixed text: the rest of the
 * app's SQL comes in too many shapes to keep prepared on every connection. (A pooler in front of
 * PostgreSQL must then support prepared statements: PgBouncer 1.21+ with max_prepared_statements.)
 */
export const PREPARED = "/* prepared */";

const statementNames = new Map<string, string>();

/**
 * A name per opted-in statement text (node-postgres keeps the statement per connection by name);
 * "" for the others, the protocol's unnamed statement, parsed anew each time.
 */
function preparedName(query: { sql: string }): string {
  if (!query.sql.startsWith(PREPARED)) return "";
  let name = statementNames.get(query.sql);
  if (!name) {
    name = `beatsight_${createHash("sha256").update(query.sql).digest("base64url").slice(0, 20)}`;
    statementNames.set(query.sql, name);
  }
  return name;
}

// Broken connections need nothing here: node-postgres drops them from the pool and the next query
// opens a fresh one, so the same client works again once a restarted server accepts connections
// (measured in server/db/recovery.int.test.ts).
export function createDb(
  connectionString: string,
  options: { maxConnections?: number; applicationName?: string } = {},
): Db {
  // The pool is ours (not made inside the adapter) so its size can be reported (poolStats).
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    application_name: options.applicationName ?? CONNECTION_NAMES.prisma,
  });
  const db = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true, statementNameGenerator: preparedName }),
  });
  pools.set(db, pool);
  return db;
}

/** The connection pool of a client made by createDb, as it is now. */
export function poolStats(db: Db): PoolStats | null {
  const pool = pools.get(db);
  if (!pool) return null;
  return {
    max: pool.options.max ?? 10,
    open: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  };
}
