// Decides which PostgreSQL this process talks to and makes it ready: the external server named by
// DATABASE_URL, or the embedded one under DATA_DIR, migrated to this code's schema either way.
import type { Logger } from "pino";
import { startEmbeddedPostgres } from "./embedded.ts";
import { migrate } from "./migrate.ts";

export type DatabaseMode = "embedded" | "external";

export interface ReadyDatabase {
  mode: DatabaseMode;
  url: string;
  migrationVersion: string | null;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

export interface DatabaseConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPort: number;
  log: Logger;
}

export async function prepareDatabase(config: DatabaseConfig): Promise<ReadyDatabase> {
  const { log } = config;
  let mode: DatabaseMode;
  let url: string;
  let stop = async () => {};
  if (config.databaseUrl) {
    mode = "external";
    url = config.databaseUrl;
  } else {
    mode = "embedded";
    const server = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPort,
      database: "beatsight",
      log: log.child({ module: "embedded-postgres" }),
    });
    url = server.url;
    stop = server.stop;
  }
  const started = Date.now();
  const result = await migrate(url).catch(async (error) => {
    await stop();
    throw error;
  });
  log.info(
    { mode, applied: result.applied, version: result.version, ms: Date.now() - started },
    "database ready",
  );
  return { mode, url, migrationVersion: result.version, stop };
}
