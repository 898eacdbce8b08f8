// A worker process killed with SIGKILL in the middle of a job: its heartbeats stop, the job is
// handed back to the queue, and a second worker process finishes it — with one map, and the
// requester told once. Real processes (`npm run worker`'s entry), real PostgreSQL, real pipeline.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const ownDataDir = vi.hoisted(() => {
  const own = process.env.DATA_DIR
    ? undefined
    : require("node:fs").mkdtempSync(
        require("node:path").join(require("node:os").tmpdir(), "beatsight-kill-"),
      );
  process.env.DATA_DIR ??= own;
  process.env.LOG_LEVEL ??= "warn";
  return own as string | undefined;
});

import { makeTempDir, renderSong, requireTools } from "../../lib/fingerprint/test-support.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { eventually, testJobsConfig, testWorkerEnv, uploadFile } from "../../test/jobs.ts";
import { createTestUser } from "../../test/users.ts";
import { GENERATE_QUEUE } from "../queue/boss.ts";
import { requestServerJob } from "./requests.ts";
import { startJobSystem } from "./system.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const database = migratedDatabaseForFile();
let temp: ReturnType<typeof makeTempDir>;
const children: ChildProcess[] = [];

function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "server/queue/worker-main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
  );

beforeAll(() => {
  requireTools("sox");
  temp = makeTempDir();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(children.map(exited));
  temp?.cleanup();
  if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
});

describe("a worker killed mid-job", () => {
  it("is replaced: the job completes on retry in another worker with one map", async () => {
    const { db, url } = database();
    const dataDir = path.join(temp.dir, "data");
    const config = testJobsConfig(dataDir);
    const web = await startJobSystem({ db, databaseUrl: url, config, worker: false });
    try {
      const user = await createTestUser(db);
      const song = renderSong(temp.dir, 31, 20);
      const requested = await requestServerJob(
        { db, store: web.store, queue: web.queue, config },
        { userId: user.id, upload: await uploadFile(web.store, song), filename: "Doomed Take.wav" },
      );
      expect(requested.outcome).toBe("new_job");
      const jobId = requested.outcome === "new_job" ? requested.jobId : "";

      const first = startWorker(testWorkerEnv(url, config, dataDir));
      const claimed = await eventually(async () => {
        const job = await db.aiJob.findUniqueOrThrow({ where: { id: jobId } });
        return job.state === "processing" && job.workerId ? job : undefined;
      }, 50);
      expect(claimed.workerId).toContain(`:${first.pid}`);
      first.kill("SIGKILL");
      await exited(first);
      expect(first.signalCode).toBe("SIGKILL");
      // Nothing was finished by the dead worker.
      expect(await db.map.count({ where: { songId: requested.songId } })).toBe(0);

      const second = startWorker(testWorkerEnv(url, config, dataDir));
      const done = await eventually(async () => {
        const job = await db.aiJob.findUniqueOrThrow({ where: { id: jobId } });
        return job.state === "complete" || job.state === "failed" ? job : undefined;
      });
      expect(done.state).toBe("complete");
      expect(done.workerId).toContain(`:${second.pid}`);
      expect(done.attempts).toBe(2);
      expect(await db.map.count({ where: { songId: requested.songId } })).toBe(1);
      expect(await db.mapVersion.count({ where: { map: { songId: requested.songId } } })).toBe(1);
      // The worker acknowledges its message once the requester has been told.
      await eventually(async () =>
        (await web.boss.getQueueSize(GENERATE_QUEUE, { before: "completed" })) === 0 ? true : undefined,
      );
      const notes = await db.notification.findMany({ where: { userId: user.id } });
      expect(notes.map((n) => n.kind)).toEqual(["job.complete"]);

      second.kill("SIGTERM");
      await exited(second);
    } finally {
      await web.stop();
    }
  }, 300_000);
});
