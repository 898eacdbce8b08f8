import fs from "node:fs/promises";
import { dropE2eDatabase } from "./support/e2e-database.ts";

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.BEATSIGHT_E2E_DATA_DIR;
  // The web server (and the embedded PostgreSQL it owns) has stopped by now.
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  const database = process.env.BEATSIGHT_E2E_DATABASE_URL;
  if (database) dropE2eDatabase(database);
}
