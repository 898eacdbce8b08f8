// The ai_jobs table is the record of every job (what users see, what /ops counts); pg-boss carries
// the "run this" messages. This module keeps the two in step. A message is only ever sent inside
// the transaction that makes its row queued (a new job, an admin's retry, a re-send), through
// pg-boss's `db` option on that transaction's connection (../queue/from-prisma.ts): a crash or an
// error before commit leaves neither, a commit leaves both.
import type PgBoss from "pg-boss";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/client.ts";
import type { Tx } from "../db/transaction.ts";
import { moduleLogger } from "../log.ts";
import { GENERATE_QUEUE, type GenerateMessage } from "../queue/boss.ts";
import { fromPrisma } from "../queue/from-prisma.ts";
import { currentRequestId } from "../request-context.ts";

const log = moduleLogger("jobs-queue");

export interface JobQueue {
  /**
   * Sends the job's message on `tx` and records the message id on its row. Call it inside the
   * transaction that created or re-queued the row, so the two commit together.
   */
  enqueue(tx: Tx, jobId: string, priority: number): Promise<void>;
}

export function pgBossQueue(boss: PgBoss): JobQueue {
  return {
    async enqueue(tx, jobId, priority) {
      // The request that queued it (none for a re-send), so the worker's log lines name it.
      const message: GenerateMessage = { jobId, requestId: currentRequestId() };
      const id = await boss.send(GENERATE_QUEUE, message, { priority, db: fromPrisma(tx) });
      if (!id) throw new Error(`The queue refused job ${jobId} (is the ${GENERATE_QUEUE} queue created?).`);
      await tx.aiJob.update({ where: { id: jobId }, data: { queueJobId: id } });
    },
  };
}

/** Why an admin's retry was refused, in words for the admin. */
export class RequeueError extends Error {
  override name = "RequeueError";
  constructor(
    readonly reason: "not-failed" | "audio-gone" | "conflict",
    message: string,
  ) {
    super(message);
  }
}

/**
 * An admin queues a failed job again (while its audio is still kept): the row goes back to queued,
 * its subscribers will be told again, the retry is audited and the message sent — all in one
 * transaction.
 */
export async function requeueFailedJob(
  db: Db,
  queue: JobQueue,
  input: { jobId: string; actorId: string },
): Promise<void> {
  try {
    await db.$transaction(async (tx) => {
      const [job] = await tx.$queryRaw<
        { state: string; priority: number; upload_key: string | null; upload_deleted_at: Date | null }[]
      >`SELECT state, priority, upload_key, upload_deleted_at FROM ai_jobs WHERE id = ${input.jobId}::uuid FOR UPDATE`;
      if (job?.state !== "failed") throw new RequeueError("not-failed", "Only failed jobs can be retried.");
      if (!job.upload_key || job.upload_deleted_at) {
        throw new RequeueError(
          "audio-gone",
          "This job's audio was already deleted; ask the user to upload it again.",
        );
      }
      await tx.aiJob.update({
        where: { id: input.jobId },
        data: { state: "queued", error: null, finishedAt: null, stage: null, progress: 0 },
      });
      await tx.aiJobSubscriber.updateMany({ where: { jobId: input.jobId }, data: { notifiedAt: null } });
      await tx.auditLogEntry.create({
        data: { actorId: input.actorId, action: "jobs.retry", subjectType: "ai_job", subjectId: input.jobId },
      });
      await queue.enqueue(tx, input.jobId, job.priority);
    });
  } catch (error) {
    // ai_jobs_one_live_per_key: the song has another live job.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new RequeueError("conflict", "Another job for this song is already queued or running.");
    }
    throw error;
  }
}

/**
 * Processing jobs whose worker stopped sending heartbeats (killed, machine lost) go back to the
 * queue: their pg-boss message is failed, which pg-boss turns into a retry with backoff, or into
 * the dead-letter queue after the last attempt. Safe to run in every process at once: the UPDATE
 * claims each stale job once.
 */
export async function reapStaleJobs(
  db: Db,
  boss: PgBoss,
  staleSeconds: number,
  onGaveUp: (jobId: string, reason: string) => Promise<void>,
): Promise<string[]> {
  const stale = await db.$queryRaw<{ id: string; queue_job_id: string | null }[]>`
    UPDATE ai_jobs SET state = 'queued', stage = NULL, worker_id = NULL,
           error = 'The worker running this job stopped; it was queued again.'
     WHERE state = 'processing'
       AND COALESCE(heartbeat_at, started_at, created_at) < now() - make_interval(secs => ${staleSeconds}::float8)
    RETURNING id::text, queue_job_id`;
  for (const job of stale) {
    log.warn({ jobId: job.id }, "job's worker stopped; handing it back to the queue");
    if (!job.queue_job_id) continue;
    await boss.fail(GENERATE_QUEUE, job.queue_job_id, { message: "worker stopped (no heartbeat)" });
    const message = await boss.getJobById(GENERATE_QUEUE, job.queue_job_id);
    if (message?.state === "failed") {
      await onGaveUp(job.id, "The job was interrupted too many times (its worker kept stopping).");
    }
  }
  return stale.map((j) => j.id);
}

const LIVE_MESSAGE_STATES = new Set(["created", "retry", "active"]);

/**
 * Queued jobs whose message has ended. Sending in the row's transaction rules out the old cause (a
 * process dying between commit and send), but a message can still end while its row is queued:
 * a worker that was stopping hands its job back (row queued) and fails the message, and if that
 * was the message's last retry pg-boss marks it failed; pg-boss also deletes messages that wait
 * past their retention. Each such job gets a new message (the ai_jobs row stays the same), in a
 * transaction that holds the row, so sweeps running in several processes never send twice.
 */
export async function resendOrphans(db: Db, boss: PgBoss, queue: JobQueue): Promise<number> {
  const queued = await db.aiJob.findMany({
    where: { state: "queued" },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: 100,
  });
  let sent = 0;
  for (const { id } of queued) {
    const resent = await db.$transaction(async (tx) => {
      const [job] = await tx.$queryRaw<{ priority: number; queue_job_id: string | null }[]>`
        SELECT priority, queue_job_id FROM ai_jobs WHERE id = ${id}::uuid AND state = 'queued'
           FOR UPDATE SKIP LOCKED`;
      if (!job) return false; // started, ended, or another sweep holds it
      // Read on pg-boss's own pool: the message a previous sweep sent committed with the
      // queue_job_id just read under the lock, so it is visible there.
      const message = job.queue_job_id ? await boss.getJobById(GENERATE_QUEUE, job.queue_job_id) : null;
      if (message && LIVE_MESSAGE_STATES.has(message.state)) return false;
      await queue.enqueue(tx, id, job.priority);
      log.warn(
        { jobId: id, previous: message?.state ?? "none" },
        "queued job had no live message; sent again",
      );
      return true;
    });
    if (resent) sent++;
  }
  return sent;
}
