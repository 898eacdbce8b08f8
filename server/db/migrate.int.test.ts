import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyDatabase, type TestDatabase } from "../../test/db.ts";
import { MigrationError, migrate, readMigrations } from "./migrate.ts";

/** Everything a migration can change, as comparable text. */
async function schemaSnapshot(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const queries = [
      `SELECT table_name, column_name, data_type, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
      `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
      `SELECT event_object_table, trigger_name, action_statement
         FROM information_schema.triggers ORDER BY 1, 2`,
      "SELECT name, description FROM roles ORDER BY name",
    ];
    const parts: unknown[] = [];
    for (const q of queries) parts.push((await client.query(q)).rows);
    return JSON.stringify(parts);
  } finally {
    await client.end();
  }
}

describe("migrations", () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it("applies every migration once and re-running changes nothing", async () => {
    database = await createEmptyDatabase();
    const all = await readMigrations();
    expect(all.length).toBeGreaterThan(0);

    const first = await migrate(database.url);
    expect(first.applied).toEqual(all.map((m) => m.id));
    expect(first.version).toBe(all.at(-1)?.id);
    const before = await schemaSnapshot(database.url);

    const second = await migrate(database.url);
    expect(second.applied).toEqual([]);
    expect(second.version).toBe(first.version);
    expect(await schemaSnapshot(database.url)).toBe(before);
  });

  it("lets exactly one of several processes starting at once apply the migrations", async () => {
    database = await createEmptyDatabase();
    const url = database.url;
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const appliedCounts = results.map((r) => r.applied.length).sort();
    const total = (await readMigrations()).length;
    expect(appliedCounts).toEqual([0, 0, total]);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    database = await createEmptyDatabase();
    const all = await readMigrations();
    await migrate(database.url, all);
    const tampered = all.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrate(database.url, tampered)).rejects.toThrow(MigrationError);
    await expect(migrate(database.url, tampered)).rejects.toThrow(/changed after it was applied/);
  });

  it("refuses to run older code against a database migrated by newer code", async () => {
    database = await createEmptyDatabase();
    const all = await readMigrations();
    const newer = [...all, { id: "9999_future", sql: "SELECT 1", checksum: "f".repeat(64) }];
    await migrate(database.url, newer);
    await expect(migrate(database.url, all)).rejects.toThrow(/9999_future/);
  });

  it("rolls back a failing migration entirely and reports which one failed", async () => {
    database = await createEmptyDatabase();
    const broken = [
      {
        id: "0001_broken",
        sql: "CREATE TABLE half_done (id int); SELECT no_such_function();",
        checksum: "a".repeat(64),
      },
    ];
    await expect(migrate(database.url, broken)).rejects.toThrow(/0001_broken failed/);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rowCount } = await client.query(
      "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'",
    );
    const recorded = await client.query("SELECT id FROM beatsight_migrations");
    await client.end();
    expect(rowCount).toBe(0);
    expect(recorded.rowCount).toBe(0);
  });
});
