// The e2e server's database, for setting up what a test needs (a signed-in user): the embedded
// PostgreSQL that the e2e server (scripts/serve.mjs) runs under BEATSIGHT_E2E_DATA_DIR (reused,
// never started or stopped here), or the run's own database on the external server in
// DATABASE_URL_TEST (BEATSIGHT_E2E_DATABASE_URL, e2e/support/e2e-database.ts).
import pino from "pino";
import { createDb, type Db } from "../../server/db/client.ts";
import { startEmbeddedPostgres } from "../../server/db/embedded.ts";

export async function e2eDatabase(): Promise<Db> {
  if (process.env.BEATSIGHT_E2E_DATABASE_URL)
    return createDb(process.env.BEATSIGHT_E2E_DATABASE_URL, { maxConnections: 2 });
  const dataDir = process.env.BEATSIGHT_E2E_DATA_DIR;
  if (!dataDir) throw new Error("BEATSIGHT_E2E_DATA_DIR is not set (playwright.config.ts sets it).");
  const server = await startEmbeddedPostgres({
    dataDir,
    port: 0,
    database: "beatsight",
    log: pino({ level: "warn" }),
  });
  if (server.owned) {
    await server.stop();
    throw new Error(
      "The e2e server's database was not running; the web server must be up before tests use it.",
    );
  }
  // Only connecting: the e2e server supervises its database, this process does not.
  await server.stop();
  return createDb(server.url, { maxConnections: 2 });
}
