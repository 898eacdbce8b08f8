// The e2e server's own database, for checks a user cannot see (e.g. "sent exactly once"): the
// run's database on the external server in DATABASE_URL_TEST when the run uses one
// (BEATSIGHT_E2E_DATABASE_URL; playwright.config.ts hands it to the
// e2e server), else the embedded PostgreSQL the server started in BEATSIGHT_E2E_DATA_DIR, reached
// with the credentials kept beside it (never started or stopped here).
import pg from "pg";
import { startEmbeddedPostgres } from "../../server/db/embedded.ts";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

export async function queryServerDb<T extends pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const url = process.env.BEATSIGHT_E2E_DATABASE_URL ?? (await embeddedUrl());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function embeddedUrl(): Promise<string> {
  const dataDir = process.env.BEATSIGHT_E2E_DATA_DIR;
  if (!dataDir) throw new Error("BEATSIGHT_E2E_DATA_DIR is not set (playwright.config.ts sets it).");
  const server = await startEmbeddedPostgres({ dataDir, port: 0, database: "beatsight", log: quiet });
  if (server.owned) {
    await server.stop();
    throw new Error("The e2e server's database was not running.");
  }
  // Only connecting: the e2e server supervises its database, this process does not.
  await server.stop();
  return server.url;
}
