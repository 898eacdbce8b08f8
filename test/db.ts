// Per-test-file databases on the integration test server (see test/global-setup-db.ts).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { createDb, type Db } from "../server/db/client.ts";
import { migrate } from "../server/db/migrate.ts";

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database (no migrations applied). */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const name = `beatsight_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: withDatabase(inject("pgAdminUrl"), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

/** A new database migrated to the current schema, with a Prisma client on it. */
export async function createMigratedDatabase(): Promise<TestDatabase & { db: Db }> {
  const database = await createEmptyDatabase();
  await migrate(database.url);
  const db = createDb(database.url, { maxConnections: 4 });
  return {
    ...database,
    db,
    drop: async () => {
      await db.$disconnect();
      await database.drop();
    },
  };
}

/**
 * A migrated database for the whole test file: created before its tests, dropped after.
 * Usage: `const database = migratedDatabaseForFile();` then `database().db` inside tests.
 */
export function migratedDatabaseForFile(): () => TestDatabase & { db: Db } {
  let database: (TestDatabase & { db: Db }) | undefined;
  beforeAll(async () => {
    database = await createMigratedDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error("migratedDatabaseForFile(): the database exists only inside tests");
    return database;
  };
}
