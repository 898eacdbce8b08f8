// Route handlers and the request guard reach the process's runtime (server/runtime.ts), which in
// the app starts and migrates the database; integration tests hand them the test file's database.
import { afterAll, beforeAll } from "vitest";
import type { Db } from "../server/db/client.ts";
import type { Runtime } from "../server/runtime.ts";
import type { TestDatabase } from "./db.ts";

const g = globalThis as typeof globalThis & { __beatsightRuntime?: Promise<Runtime> };

/** For the whole test file: getRuntime() answers with `database()`'s client and URL. */
export function runtimeOnTestDatabase(database: () => TestDatabase & { db: Db }): void {
  beforeAll(() => {
    const { db, url } = database();
    g.__beatsightRuntime = Promise.resolve({ db, databaseUrl: url } as unknown as Runtime);
  });
  afterAll(() => {
    g.__beatsightRuntime = undefined;
  });
}
