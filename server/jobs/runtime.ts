// This process's job system, started once (on globalThis: Next.js bundles instrumentation and
// route handlers separately). Route handlers await it; the boot starts it early.
import { getRuntime } from "../runtime.ts";
import { jobsConfig } from "./config.ts";
import { type JobSystem, startJobSystem } from "./system.ts";

const g = globalThis as typeof globalThis & { __beatsightJobs?: Promise<JobSystem> };

export class JobsDisabledError extends Error {
  override name = "JobsDisabledError";
  constructor() {
    super(
      "Server generation is turned off on this installation; generate the chart in your browser instead.",
    );
  }
}

export function jobsEnabled(): boolean {
  return jobsConfig().BEATSIGHT_SERVER_JOBS;
}

export function getJobSystem(): Promise<JobSystem> {
  if (!jobsEnabled()) return Promise.reject(new JobsDisabledError());
  g.__beatsightJobs ??= (async () => {
    const runtime = await getRuntime();
    const config = jobsConfig();
    return startJobSystem({
      db: runtime.db,
      databaseUrl: runtime.databaseUrl,
      config,
      worker: config.BEATSIGHT_INPROCESS_WORKER,
    });
  })().catch((error) => {
    g.__beatsightJobs = undefined;
    throw error;
  });
  return g.__beatsightJobs;
}

/** Stops this process's job system if it was started (tests; the server stops it in boot.ts). */
export async function stopJobSystem(): Promise<void> {
  const started = g.__beatsightJobs;
  g.__beatsightJobs = undefined;
  const jobs = await started?.catch(() => undefined);
  await jobs?.stop();
}
