// The Prisma client over node-postgres (Prisma 7's driver-adapter mode: no query-engine binary).
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
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
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
