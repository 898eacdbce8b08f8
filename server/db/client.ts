// The Prisma client over node-postgres (Prisma 7's driver-adapter mode: no query-engine binary).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

export type Db = InstanceType<typeof PrismaClient>;
export { Prisma } from "./generated/client.ts";

/**
 * How long a query waits for a pooled connection, or for a new one to open, before failing (which
 * the API answers 503). node-postgres would wait forever: against a server that went away without
 * refusing (a host down, a dropped route) every request would hang instead of being told to retry.
 */
const CONNECTION_TIMEOUT_MS = 10_000;

// Broken connections need nothing here: node-postgres drops them from the pool and the next query
// opens a fresh one, so the same client works again once a restarted server accepts connections
// (measured in server/db/recovery.int.test.ts).
export function createDb(connectionString: string, options: { maxConnections?: number } = {}): Db {
  const adapter = new PrismaPg({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
  });
  return new PrismaClient({ adapter });
}
