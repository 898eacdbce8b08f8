// The request id travels with the work: a job queued while serving a request carries the request's
// id in its queue message, and the worker that takes the message writes its log lines for that job
// with the same id — through real pg-boss and the real worker loop (startJobSystem).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { eventually, testJobsConfig } from "../../test/jobs.ts";
import { createLogger } from "../log.ts";
import { withRequestContext } from "../request-context.ts";

// Every module logger made from here on writes into `lines` (loggers are made as modules load, so
// the job system is imported below, after this).
const lines: Record<string, unknown>[] = [];
const g = globalThis as typeof globalThis & { __beatsightLogger?: ReturnType<typeof createLogger> };
g.__beatsightLogger = createLogger(
  "info",
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  }),
);
const { GENERATE_QUEUE } = await import("../queue/boss.ts");
const { startJobSystem } = await import("./system.ts");

const database = migratedDatabaseForFile();
const dataDir = mkdtempSync(path.join(os.tmpdir(), "beatsight-request-id-"));
afterAll(() => {
  g.__beatsightLogger = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a job queued during a request", () => {
  it("carries the request id into its message and the worker's log lines", async () => {
    const { db, url } = database();
    // One attempt, whose pipeline fails: the worker logs "server job failed" for the job.
    const config = testJobsConfig(dataDir, { JOB_RETRY_LIMIT: "0" });
    const jobs = await startJobSystem({
      db,
      databaseUrl: url,
      config,
      worker: true,
      pipeline: () => Promise.reject(new Error("no models in this test")),
    });
    try {
      const job = await db.aiJob.create({
        data: {
          dedupKey: "song:request-id-test",
          uploadKey: "not-read.wav",
          fingerprint: "AQAA",
          audioSeconds: 30,
        },
        select: { id: true },
      });
      await withRequestContext({ requestId: "edge-request-0042" }, () =>
        db.$transaction((tx) => jobs.queue.enqueue(tx, job.id, 5)),
      );

      const row = await db.aiJob.findUniqueOrThrow({ where: { id: job.id } });
      const message = await jobs.boss.getJobById(GENERATE_QUEUE, row.queueJobId ?? "");
      expect(message?.data).toEqual({ jobId: job.id, requestId: "edge-request-0042" });

      await eventually(async () =>
        (await db.aiJob.findUniqueOrThrow({ where: { id: job.id } })).state === "failed" ? true : undefined,
      );
      const failed = await eventually(async () =>
        lines.find((line) => line.msg === "server job failed" && line.jobId === job.id),
      );
      expect(failed).toMatchObject({ module: "worker", requestId: "edge-request-0042" });
    } finally {
      await jobs.stop();
    }
  });
});
