// The job row and its queue message commit together (real PostgreSQL, real pg-boss): a failure
// after the row's insert and before commit leaves neither; a committed request always has its
// message; the message is invisible to others until commit; an admin's retry and the orphan sweep
// send in the row's transaction, and two sweeps at once send one message.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.LOG_LEVEL ??= "warn";
});

import type PgBoss from "pg-boss";
import { makeTempDir, renderSong, requireTools } from "../../lib/fingerprint/test-support.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { testJobsConfig, uploadFile } from "../../test/jobs.ts";
import { createTestUser } from "../../test/users.ts";
import { GENERATE_QUEUE, startBoss } from "../queue/boss.ts";
import { fromPrisma } from "../queue/from-prisma.ts";
import { type JobQueue, pgBossQueue, RequeueError, requeueFailedJob, resendOrphans } from "./queue.ts";
import { requestServerJob } from "./requests.ts";
import { localUploadStore } from "./upload-store.ts";

const database = migratedDatabaseForFile();
let temp: ReturnType<typeof makeTempDir>;
let song: string;
let boss: PgBoss;

beforeAll(async () => {
  requireTools("sox");
  temp = makeTempDir();
  song = renderSong(temp.dir, 21, 8);
  const config = testJobsConfig(path.join(temp.dir, "data"));
  boss = await startBoss(database().url, config, (err) => {
    throw err;
  });
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  temp?.cleanup();
});

/** Queue messages (pg-boss rows) of the generate queue, by the ai_jobs id they carry. */
async function messagesFor(jobId: string | null = null) {
  const { rows } = await boss.getDb().executeSql(
    `SELECT id, state, data->>'jobId' AS job_id, priority FROM pgboss.job
      WHERE name = $1 AND ($2::text IS NULL OR data->>'jobId' = $2)`,
    [GENERATE_QUEUE, jobId],
  );
  return rows as { id: string; state: string; job_id: string; priority: number }[];
}

function deps(queue: JobQueue, dir: string) {
  const config = testJobsConfig(dir);
  return { db: database().db, store: localUploadStore(config.uploadDir), queue, config };
}

describe("job row and queue message in one transaction", () => {
  it("a failure after the row's insert, before commit, leaves neither the row nor the message", async () => {
    const { db } = database();
    const user = await createTestUser(db);
    const real = pgBossQueue(boss);
    let sentId: string | null = null;
    // The message is really sent (on the transaction), then the transaction fails.
    const failing: JobQueue = {
      async enqueue(tx, jobId, priority) {
        await real.enqueue(tx, jobId, priority);
        sentId = (await tx.aiJob.findUniqueOrThrow({ where: { id: jobId } })).queueJobId;
        throw new Error("injected failure before commit");
      },
    };
    const d = deps(failing, path.join(temp.dir, "failing"));
    const upload = await uploadFile(d.store, song);
    const messagesBefore = (await messagesFor()).length;
    await expect(requestServerJob(d, { userId: user.id, upload, filename: "song.wav" })).rejects.toThrow(
      "injected failure before commit",
    );

    expect(sentId).not.toBeNull(); // the insert did happen, inside the transaction
    expect(await db.aiJob.count({ where: { requestedById: user.id } })).toBe(0);
    expect(await db.jobRequest.count({ where: { userId: user.id, outcome: "new_job" } })).toBe(0);
    expect(await boss.getJobById(GENERATE_QUEUE, sentId!)).toBeNull();
    expect((await messagesFor()).length).toBe(messagesBefore);
  });

  it("a committed request has its message, carrying its id and priority", async () => {
    const { db } = database();
    const user = await createTestUser(db);
    const d = deps(pgBossQueue(boss), path.join(temp.dir, "ok"));
    const upload = await uploadFile(d.store, song);
    const result = await requestServerJob(d, { userId: user.id, upload, filename: "song.wav" });
    expect(result.outcome).toBe("new_job");
    const jobId = result.outcome === "existing_map" ? "" : result.jobId;
    const job = await db.aiJob.findUniqueOrThrow({ where: { id: jobId } });
    const messages = await messagesFor(jobId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ id: job.queueJobId, state: "created", priority: job.priority });
  });

  it("the message is invisible to other connections until the transaction commits", async () => {
    const { db } = database();
    let messageId = "";
    let seenInside: unknown = "not checked";
    await db.$transaction(async (tx) => {
      messageId = (await boss.send(GENERATE_QUEUE, { jobId: "probe" }, { db: fromPrisma(tx) }))!;
      // pg-boss's own pool is another connection.
      seenInside = await boss.getJobById(GENERATE_QUEUE, messageId);
    });
    expect(seenInside).toBeNull();
    expect((await boss.getJobById(GENERATE_QUEUE, messageId))?.data).toEqual({ jobId: "probe" });
    await boss.deleteJob(GENERATE_QUEUE, messageId);
  });
});

/** A job row in a given state, with its own dedup key (no song or upload: nothing works it here). */
async function jobRow(state: "queued" | "failed", options: { uploadDeleted?: boolean } = {}) {
  const { db } = database();
  const user = await createTestUser(db);
  return db.aiJob.create({
    data: {
      dedupKey: `test:${user.id}`,
      requestedById: user.id,
      state,
      priority: 5,
      uploadKey: "uploads/none",
      uploadDeletedAt: options.uploadDeleted ? new Date() : null,
      subscribers: { create: { userId: user.id, notifiedAt: new Date() } },
      ...(state === "failed" ? { error: "It failed.", finishedAt: new Date() } : {}),
    },
  });
}

describe("re-sends in the row's transaction", () => {
  it("an admin's retry queues the row, resets who was told, audits and sends: together", async () => {
    const { db } = database();
    const admin = await createTestUser(db);
    const job = await jobRow("failed");
    await requeueFailedJob(db, pgBossQueue(boss), { jobId: job.id, actorId: admin.id });
    const after = await db.aiJob.findUniqueOrThrow({ where: { id: job.id }, include: { subscribers: true } });
    expect(after.state).toBe("queued");
    expect(after.subscribers.every((s) => s.notifiedAt === null)).toBe(true);
    expect(await messagesFor(job.id)).toEqual([
      expect.objectContaining({ id: after.queueJobId, state: "created" }),
    ]);
    expect(await db.auditLogEntry.count({ where: { action: "jobs.retry", subjectId: job.id } })).toBe(1);

    // Not failed any more: refused, and nothing else sent.
    await expect(
      requeueFailedJob(db, pgBossQueue(boss), { jobId: job.id, actorId: admin.id }),
    ).rejects.toBeInstanceOf(RequeueError);
    expect(await messagesFor(job.id)).toHaveLength(1);
  });

  it("a retry whose send fails leaves the job failed and unaudited", async () => {
    const { db } = database();
    const admin = await createTestUser(db);
    const job = await jobRow("failed");
    const broken: JobQueue = {
      async enqueue() {
        throw new Error("queue down");
      },
    };
    await expect(requeueFailedJob(db, broken, { jobId: job.id, actorId: admin.id })).rejects.toThrow(
      "queue down",
    );
    expect((await db.aiJob.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("failed");
    expect(await db.auditLogEntry.count({ where: { action: "jobs.retry", subjectId: job.id } })).toBe(0);
  });

  it("a queued job whose message ended gets exactly one new message, however many sweeps run", async () => {
    const { db } = database();
    const queue = pgBossQueue(boss);
    const job = await jobRow("queued");
    await db.$transaction((tx) => queue.enqueue(tx, job.id, job.priority));
    const first = (await db.aiJob.findUniqueOrThrow({ where: { id: job.id } })).queueJobId!;
    // The message ends while the row stays queued (a stopping worker's last retry).
    await boss.cancel(GENERATE_QUEUE, first);

    const sent = await Promise.all([1, 2, 3].map(() => resendOrphans(db, boss, queue)));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    const live = (await messagesFor(job.id)).filter((m) => m.state === "created");
    expect(live).toHaveLength(1);
    expect((await db.aiJob.findUniqueOrThrow({ where: { id: job.id } })).queueJobId).toBe(live[0]?.id);

    // A job whose message is alive is left alone.
    expect(await resendOrphans(db, boss, queue)).toBe(0);
  });
});
