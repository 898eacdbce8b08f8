// Applies prisma/migrations/<id>/migration.sql in order, each in its own transaction, and records
// it with a checksum in beatsight_migrations. Safe to run at every start and from several
// processes at once: a session-level advisory lock lets one process migrate while the others wait,
// and they then find nothing left to do. Prisma's own `migrate deploy` would do the same, but it
// needs the schema-engine binary, which cannot be downloaded here.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** Arbitrary constant: the advisory lock key every BeatSight process uses for migrations. */
const MIGRATION_LOCK_KEY = 724_311_029;

export interface Migration {
  id: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  /** Id of the newest migration in the database after the run. */
  version: string | null;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

export const defaultMigrationsDir = (): string =>
  path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");

export async function readMigrations(dir: string = defaultMigrationsDir()): Promise<Migration[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const ids = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    ids.map(async (id) => {
      const sql = await fs.readFile(path.join(dir, id, "migration.sql"), "utf8");
      return { id, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export async function migrate(connectionString: string, migrations?: Migration[]): Promise<MigrationResult> {
  const wanted = migrations ?? (await readMigrations());
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS beatsight_migrations (
        id          text PRIMARY KEY,
        checksum    char(64) NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now(),
        duration_ms integer NOT NULL
      )`);
    const { rows } = await client.query<{ id: string; checksum: string }>(
      "SELECT id, checksum FROM beatsight_migrations ORDER BY id",
    );
    const recorded = new Map(rows.map((r) => [r.id, r.checksum]));
    const known = new Set(wanted.map((m) => m.id));
    const unknown = rows.filter((r) => !known.has(r.id)).map((r) => r.id);
    if (unknown.length > 0) {
      throw new MigrationError(
        `The database has migrations this version of BeatSight does not know (${unknown.join(", ")}): it was migrated by newer code. Run the newer version, or use another database.`,
      );
    }

    const applied: string[] = [];
    for (const migration of wanted) {
      const checksum = recorded.get(migration.id);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.id} was changed after it was applied to this database. Migrations are append-only: revert the edit and add a new migration instead.`,
          );
        }
        continue;
      }
      const started = Date.now();
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          "INSERT INTO beatsight_migrations (id, checksum, duration_ms) VALUES ($1, $2, $3)",
          [migration.id, migration.checksum, Date.now() - started],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(
          `Migration ${migration.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      applied.push(migration.id);
    }
    return { applied, version: wanted.at(-1)?.id ?? null };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
