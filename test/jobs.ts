// Helpers for server-job integration tests: a job configuration with small timings, uploads from
// files on disk (as the upload route stores them), and polling the database until a condition holds.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { type JobsConfig, parseJobsConfig } from "../server/jobs/config.ts";
import type { StoredUpload, UploadStore } from "../server/jobs/upload-store.ts";

/** Small heartbeats and delays so recovery happens in seconds; everything else as configured by default. */
export function testJobsConfig(dataDir: string, overrides: Record<string, string> = {}): JobsConfig {
  return parseJobsConfig(
    {
      JOB_HEARTBEAT_SECONDS: "1",
      JOB_STALE_SECONDS: "4",
      JOB_RETRY_DELAY_SECONDS: "0",
      QUEUE_POLL_SECONDS: "0.5",
      QUEUE_MAINTENANCE_SECONDS: "1",
      WORKER_DEVICE: "cpu",
      FREE_MONTHLY_SERVER_JOBS: "100",
      ...overrides,
    },
    dataDir,
  );
}

/** The environment for a worker child process with the same settings. */
export function testWorkerEnv(databaseUrl: string, config: JobsConfig, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    UPLOAD_DIR: config.uploadDir,
    JOB_HEARTBEAT_SECONDS: String(config.JOB_HEARTBEAT_SECONDS),
    JOB_STALE_SECONDS: String(config.JOB_STALE_SECONDS),
    JOB_RETRY_DELAY_SECONDS: String(config.JOB_RETRY_DELAY_SECONDS),
    QUEUE_POLL_SECONDS: String(config.QUEUE_POLL_SECONDS),
    QUEUE_MAINTENANCE_SECONDS: String(config.QUEUE_MAINTENANCE_SECONDS),
    WORKER_DEVICE: "cpu",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  };
}

export function uploadFile(
  store: UploadStore,
  file: string,
  maxBytes = 50 * 1024 * 1024,
): Promise<StoredUpload> {
  const body = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
  return store.put(body, {
    maxBytes,
    extension: file.split(".").pop() ?? "bin",
  });
}

/** Polls `check` until it returns a value other than undefined (the test's own timeout bounds it). */
export async function eventually<T>(check: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
