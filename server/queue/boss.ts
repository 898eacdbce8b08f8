// The job queue: pg-boss on the app's own PostgreSQL (schema `pgboss`, created by pg-boss itself),
// so a worker on another machine needs nothing but DATABASE_URL. pg-boss gives priorities,
// retries with exponential backoff, a dead-letter queue, expiry of attempts, `FOR UPDATE SKIP
// LOCKED` fetching and cron schedules; what it lacks (a heartbeat) is in ../jobs/heartbeat.ts.
import pg from "pg";
import PgBoss from "pg-boss";
import { CONNECTION_NAMES } from "../db/client.ts";
import { env } from "../env.ts";
import type { JobsConfig } from "../jobs/config.ts";

/** One generation attempt per message; data: { jobId } (the ai_jobs row is the source of truth). */
export const GENERATE_QUEUE = "ai-generate";
/** Where a job lands after its last retry failed; shown to admins on /ops. */
export const DEAD_LETTER_QUEUE = "ai-generate-dead";
/** Cron: deletes expired uploads, hands stale jobs back, checks the budget. */
export const MAINTENANCE_QUEUE = "jobs-maintenance";

export interface GenerateMessage {
  jobId: string;
  /** The request that queued it (X-Request-Id), so the worker's log lines for the job carry it. */
  requestId?: string;
}

export type QueueSettings = Pick<
  JobsConfig,
  "JOB_EXPIRE_SECONDS" | "JOB_RETRY_LIMIT" | "JOB_RETRY_DELAY_SECONDS" | "QUEUE_MAINTENANCE_SECONDS"
> & {
  /** pg-boss's pool size (QUEUE_POOL_MAX); the default is read from the environment. */
  poolMax?: number;
};

/** Starts pg-boss (installing or migrating its schema once) and makes sure the queues exist. */
export async function startBoss(
  connectionString: string,
  settings: QueueSettings,
  onError: (error: Error) => void,
): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    application_name: CONNECTION_NAMES.queue,
    max: settings.poolMax ?? env().QUEUE_POOL_MAX,
    maintenanceIntervalSeconds: Math.max(1, Math.min(settings.QUEUE_MAINTENANCE_SECONDS, 120)),
    // Completed messages are bookkeeping only (ai_jobs keeps the history).
    deleteAfterDays: 7,
  });
  boss.on("error", onError);
  await oneAtATime(connectionString, async () => {
    await boss.start();
    await createOrUpdateQueues(boss, settings);
  });
  return boss;
}

/** Arbitrary constant: the advisory lock key under which BeatSight processes create the queues. */
const QUEUES_LOCK_KEY = 724_311_030;

/**
 * Starts pg-boss and creates or updates the queues, one process at a time. pg-boss 10's
 * create_queue takes no lock, and two processes creating the same queue at once deadlock (one
 * start failed with "deadlock detected" when two web processes started together on a fresh
 * database: e2e/cluster.spec.ts). Its start() creates queues of its own too (the cron queue), so
 * the whole start is taken in turns — locking only our queues still deadlocked on an external
 * PostgreSQL — under a session-level advisory lock, as migrations are (../db/migrate.ts);
 * whoever comes second finds everything there.
 */
async function oneAtATime(connectionString: string, work: () => Promise<void>): Promise<void> {
  const lock = new pg.Client({ connectionString, application_name: CONNECTION_NAMES.queue });
  lock.on("error", () => {}); // a connection lost meanwhile fails the query below, which reports it
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [QUEUES_LOCK_KEY]);
    await work();
  } finally {
    await lock.query("SELECT pg_advisory_unlock($1)", [QUEUES_LOCK_KEY]).catch(() => {});
    await lock.end().catch(() => {});
  }
}

async function createOrUpdateQueues(boss: PgBoss, settings: QueueSettings): Promise<void> {
  const options = {
    policy: "standard" as const,
    retryLimit: settings.JOB_RETRY_LIMIT,
    retryDelay: settings.JOB_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    expireInSeconds: settings.JOB_EXPIRE_SECONDS,
    retentionDays: 14,
  };
  // A process of an older version (without the lock) may still create a queue meanwhile: fine.
  const create = async (name: string, extra: object) => {
    if (await boss.getQueue(name)) await boss.updateQueue(name, { name, ...extra });
    else
      await boss.createQueue(name, { name, ...extra }).catch(async (error: unknown) => {
        if (!(await boss.getQueue(name))) throw error;
      });
  };
  await create(DEAD_LETTER_QUEUE, { policy: "standard", retentionDays: 30 });
  await create(GENERATE_QUEUE, { ...options, deadLetter: DEAD_LETTER_QUEUE });
  await create(MAINTENANCE_QUEUE, { policy: "singleton", retryLimit: 0, expireInSeconds: 600 });
}
