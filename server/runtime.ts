// The server-side runtime of one process: configuration, database (started and migrated) and the
// Prisma client, created once. Next.js bundles route handlers and instrumentation separately, so
// the singleton lives on globalThis rather than in module scope.
import { createDb, type Db } from "./db/client.ts";
import { type DatabaseMode, prepareDatabase } from "./db/database.ts";
import type { SupervisorStatus } from "./db/supervisor.ts";
import { env } from "./env.ts";
import { logger } from "./log.ts";

export interface Runtime {
  db: Db;
  dbMode: DatabaseMode;
  /** Connection string of the database (for pg-boss, which keeps its own pool). */
  databaseUrl: string;
  migrationVersion: string | null;
  /** The embedded server's supervisor; null with an external server (DATABASE_URL). */
  dbSupervisor(): SupervisorStatus | null;
  startedAt: Date;
  shutdown(): Promise<void>;
}

const g = globalThis as typeof globalThis & { __beatsightRuntime?: Promise<Runtime> };

/** The process's runtime, booted on first call (database start + migrations). */
export function getRuntime(): Promise<Runtime> {
  g.__beatsightRuntime ??= boot().catch((error) => {
    // Let a later request retry instead of caching the failure forever.
    g.__beatsightRuntime = undefined;
    throw error;
  });
  return g.__beatsightRuntime;
}

async function boot(): Promise<Runtime> {
  const config = env();
  const log = logger();
  const database = await prepareDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    embeddedPort: config.EMBEDDED_PG_PORT,
    log,
  });
  const db = createDb(database.url, { maxConnections: config.DB_POOL_MAX });
  const runtime: Runtime = {
    db,
    dbMode: database.mode,
    databaseUrl: database.url,
    migrationVersion: database.migrationVersion,
    dbSupervisor: database.supervisor,
    startedAt: new Date(),
    async shutdown() {
      await db.$disconnect();
      await database.stop();
    },
  };
  return runtime;
}
