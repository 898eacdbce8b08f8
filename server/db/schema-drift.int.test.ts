// prisma/schema.prisma and the hand-written SQL migrations must describe the same database.
// Prisma reads every scalar column of a model by name, so a findMany per model fails on a missing
// table or column; the column counts catch columns the SQL has but the schema forgot.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { Prisma } from "./client.ts";

const database = migratedDatabaseForFile();

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

describe("schema.prisma vs migrations", () => {
  const models = Object.values(Prisma.ModelName);

  it.each(models)("model %s reads from the migrated database", async (model) => {
    const delegate = (
      database().db as unknown as Record<string, { findMany(args: object): Promise<unknown[]> }>
    )[lowerFirst(model)];
    expect(delegate).toBeDefined();
    await expect(delegate?.findMany({ take: 1 })).resolves.toBeInstanceOf(Array);
  });

  it("has as many columns in each table as scalar fields in its model", async () => {
    const client = new pg.Client({ connectionString: database().url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string; n: string }>(
      `SELECT table_name, count(*) AS n FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> 'beatsight_migrations' GROUP BY table_name`,
    );
    await client.end();
    const columnsPerTable = Object.fromEntries(rows.map((r) => [r.table_name, Number(r.n)]));
    const fieldsPerModel = Object.fromEntries(
      models.map((model) => {
        const fields = (Prisma as unknown as Record<string, Record<string, string>>)[
          `${model}ScalarFieldEnum`
        ];
        return [model, Object.keys(fields ?? {}).length];
      }),
    );
    expect(Object.keys(columnsPerTable).length).toBe(models.length);
    expect(Object.values(columnsPerTable).sort()).toEqual(Object.values(fieldsPerModel).sort());
  });
});
