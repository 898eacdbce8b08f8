// The ai_jobs table is the record of every job (what users see, what /ops counts); pg-boss carries
// the "run this" messages. This module keeps the two in step: enqueueing, handing jobs of dead
// workers back to the queue, and re-sending jobs whose message was lost.
import type PgBoss from "pg-boss";
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { GENERATE_QUEUE, type GenerateMessage } from "../queue/boss.ts";

const log = moduleLogger("jobs-queue");

export interface JobQueue {
  enqueue(jobId: string, priority: number): Promise<void>;
}

export function pgBossQueue(db: Db, boss: PgBoss): JobQueue {
  return {
    async enqueue(jobId, priority) {
      const message: GenerateMessage = { jobId };
      const id = await boss.send(GENERATE_QUEUE, message, { priority });
      if (!id) throw new Error(`The queue refused job ${jobId}.`);
      await db.aiJob.update({ where: { id: jobId }, data: { queueJobId: id } });
    },
  };
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

/**
 * Queued jobs without a live message: the process that created the row died before sending it, or
 * an admin asked for a retry. Sent again (pg-boss ids are new; the ai_jobs row stays the same).
 */
export async function resendOrphans(db: Db, boss: PgBoss, queue: JobQueue): Promise<number> {
  const queued = await db.aiJob.findMany({
    where: { state: "queued", createdAt: { lt: new Date(Date.now() - 60_000) } },
    select: { id: true, priority: true, queueJobId: true },
    take: 100,
  });
  let sent = 0;
  for (const job of queued) {
    const message = job.queueJobId ? await boss.getJobById(GENERATE_QUEUE, job.queueJobId) : null;
    if (message && (message.state === "created" || message.state === "retry" || message.state === "active"))
      continue;
    await queue.enqueue(job.id, job.priority);
    sent++;
  }
  return sent;
}
