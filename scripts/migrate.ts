// `npm run db:migrate`: start (or reuse) the database and apply pending migrations, then exit.
import { prepareDatabase } from "../server/db/database.ts";
import { env } from "../server/env.ts";
import { logger } from "../server/log.ts";

const config = env();
const database = await prepareDatabase({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.dataDir,
  embeddedPort: config.EMBEDDED_PG_PORT,
  log: logger(),
});
console.log(`database (${database.mode}) at migration ${database.migrationVersion ?? "none"}`);
await database.stop();
