// Decides which PostgreSQL this process talks to and makes it ready: the external server named by
// DATABASE_URL, or the embedded one under DATA_DIR, migrated to this code's schema either way.
import type { Logger } from "pino";
import { startEmbeddedPostgres } from "./embedded.ts";
import { MigrationError, migrate } from "./migrate.ts";
import type { SupervisorStatus } from "./supervisor.ts";

export type DatabaseMode = "embedded" | "external";

export interface ReadyDatabase {
  mode: DatabaseMode;
  url: string;
  migrationVersion: string | null;
  /** The embedded server's supervisor (up, restarting, crash loop); null for an external server. */
  supervisor(): SupervisorStatus | null;
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
  let supervisor: () => SupervisorStatus | null = () => null;
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
    supervisor = server.status;
  }
  const started = Date.now();
  const result = await migrate(url).catch(async (error: unknown) => {
    await stop();
    throw mode === "external" ? externalFailure(error) : error;
  });
  log.info(
    { mode, applied: result.applied, version: result.version, ms: Date.now() - started },
    "database ready",
  );
  return { mode, url, migrationVersion: result.version, supervisor, stop };
}

/** DATABASE_URL's server could not be used: say so without repeating the password in it. */
function externalFailure(error: unknown): Error {
  if (error instanceof MigrationError) return error;
  const { code, message } = error as { code?: string; message?: string };
  const reason = code === "ECONNREFUSED" ? "nothing is listening there" : message || code || String(error);
  return new Error(
    `Could not use the PostgreSQL server in DATABASE_URL: ${reason}. Check that the server is running and reachable from here and that DATABASE_URL is right (or unset it to use the embedded database).`,
    { cause: error },
  );
}
