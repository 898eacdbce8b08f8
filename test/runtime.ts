// Route handlers and the request guard reach the process's runtime (server/runtime.ts), which in
// the app starts and migrates the database; integration tests hand them the test file's database.
import { afterAll, beforeAll } from "vitest";
import type { Db } from "../server/db/client.ts";
import { jobsConfig } from "../server/jobs/config.ts";
import { stopJobSystem } from "../server/jobs/runtime.ts";
import { type JobSystem, startJobSystem } from "../server/jobs/system.ts";
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

const jobs = globalThis as typeof globalThis & { __beatsightJobs?: ReturnType<typeof startJobSystem> };

/**
 * Route handlers that queue jobs (the upload routes) reach the process's job system as well as its
 * runtime: both on the test's database, with a queue and no worker (nothing runs the jobs).
 * Call it in beforeAll, after anything the job settings read from the environment is set.
 */
export async function startRouteJobSystem({ db, url }: { db: Db; url: string }): Promise<JobSystem> {
  g.__beatsightRuntime = Promise.resolve({ db, databaseUrl: url } as unknown as Runtime);
  jobs.__beatsightJobs = startJobSystem({
    db,
    databaseUrl: url,
    config: jobsConfig(),
    worker: false,
    origin: "http://test",
  });
  return jobs.__beatsightJobs;
}

export async function stopRouteJobSystem(): Promise<void> {
  await stopJobSystem();
  g.__beatsightRuntime = undefined;
}
