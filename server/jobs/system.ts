// The job system of one process: the queue and, where this process works jobs, the worker. The
// web process starts it with a worker in the embedded default (BEATSIGHT_INPROCESS_WORKER=0 turns
// that off); `npm run worker` starts it with a worker only. Notifications are not part of it: their
// drainer runs in every process whether or not server generation is on
// (../notifications/delivery-loop.ts, started by boot.ts and worker-main.ts).
import { hostname } from "node:os";
import type PgBoss from "pg-boss";
import { createNodePipeline, type NodePipeline } from "../../lib/pipeline/node.ts";
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { ensureVapidKeys, type VapidKeys } from "../notifications/vapid.ts";
import { GENERATE_QUEUE, type GenerateMessage, MAINTENANCE_QUEUE, startBoss } from "../queue/boss.ts";
import type { JobsConfig } from "./config.ts";
import { notifyJobFinished } from "./finish.ts";
import { checkBudget } from "./ops.ts";
import { processJob } from "./process-job.ts";
import { type JobQueue, pgBossQueue, reapStaleJobs, resendOrphans } from "./queue.ts";
import { deleteExpiredUploads, RETENTION_SWEEP_MINUTES } from "./retention.ts";
import { localUploadStore, type UploadStore } from "./upload-store.ts";
import { s3ConfigOf, s3UploadStore } from "./upload-store-s3.ts";

const log = moduleLogger("job-system");

export interface JobSystem {
  boss: PgBoss;
  queue: JobQueue;
  store: UploadStore;
  vapid: VapidKeys;
  config: JobsConfig;
  workerId: string | null;
  /** Runs retention, orphan re-sends and the budget check now (and every RETENTION_SWEEP_MINUTES on a schedule). */
  maintain(): Promise<void>;
  stop(): Promise<void>;
}

export interface JobSystemOptions {
  db: Db;
  databaseUrl: string;
  config: JobsConfig;
  /** Work jobs in this process. */
  worker: boolean;
  /**
   * @deprecated Unused: emails are sent by the notification drainer (../notifications/
   * delivery-loop.ts), which reads the origin itself. Kept so existing callers still compile.
   */
  origin?: string;
  /** Shared pipeline (tests run two workers on one); created on first job otherwise. */
  pipeline?: () => Promise<NodePipeline>;
}

/** Object storage when configured (S3_BUCKET), else the upload directory. */
export function uploadStoreFor(config: JobsConfig): UploadStore {
  const s3 = s3ConfigOf(config);
  return s3 ? s3UploadStore(s3) : localUploadStore(config.uploadDir);
}

export async function startJobSystem(options: JobSystemOptions): Promise<JobSystem> {
  const { db, config } = options;
  const store = uploadStoreFor(config);
  const boss = await startBoss(options.databaseUrl, config, (err) => log.error({ err }, "queue error"));
  const queue = pgBossQueue(boss);
  const vapid = await ensureVapidKeys(db);

  const maintain = async () => {
    await deleteExpiredUploads(db, store, config.UPLOAD_RETENTION_HOURS);
    await resendOrphans(db, boss, queue);
    await checkBudget(db, config);
  };
  await boss.schedule(MAINTENANCE_QUEUE, `*/${RETENTION_SWEEP_MINUTES} * * * *`);
  await boss.work(MAINTENANCE_QUEUE, async () => maintain());

  // Stale jobs are looked for more often than cron allows, by every process (each claim is atomic).
  const reaper = setInterval(() => {
    reapStaleJobs(db, boss, config.JOB_STALE_SECONDS, async (jobId, reason) => {
      await db.aiJob.updateMany({
        where: { id: jobId, state: { in: ["queued", "processing"] } },
        data: { state: "failed", error: reason, finishedAt: new Date() },
      });
      await notifyJobFinished(db, jobId);
    }).catch((err: unknown) => log.warn({ err }, "stale-job check failed"));
  }, config.QUEUE_MAINTENANCE_SECONDS * 1000);

  const stopping = new AbortController();
  let workerId: string | null = null;
  if (options.worker) {
    workerId = `${hostname()}:${process.pid}`;
    let pipeline: Promise<NodePipeline> | undefined;
    const getPipeline =
      options.pipeline ??
      (() => {
        pipeline ??= createNodePipeline(config.modelsDir, { device: config.WORKER_DEVICE });
        return pipeline;
      });
    const deps = {
      db,
      store,
      pipeline: getPipeline,
      prices: config,
      workerId,
      heartbeatSeconds: config.JOB_HEARTBEAT_SECONDS,
      staleSeconds: config.JOB_STALE_SECONDS,
    };
    // Each work() loop runs one batch at a time; a batch is every waiting job up to the batch
    // size, run back to back on the same warm model sessions. WORKER_CONCURRENCY loops in parallel.
    for (let i = 0; i < config.WORKER_CONCURRENCY; i++) {
      await boss.work<GenerateMessage>(
        GENERATE_QUEUE,
        {
          batchSize: config.WORKER_BATCH_SIZE,
          includeMetadata: true,
          pollingIntervalSeconds: config.QUEUE_POLL_SECONDS,
        },
        async (messages) => {
          for (const message of messages) {
            if (stopping.signal.aborted) {
              await boss.fail(GENERATE_QUEUE, message.id, { message: "worker stopping" });
              continue;
            }
            try {
              await processJob(deps, message.data.jobId, {
                last: message.retryCount >= message.retryLimit,
                signal: stopping.signal,
                requestId: message.data.requestId,
              });
              await boss.complete(GENERATE_QUEUE, message.id);
            } catch (error) {
              await boss.fail(GENERATE_QUEUE, message.id, {
                message: error instanceof Error ? error.message : String(error),
              });
            }
          }
        },
      );
    }
    log.info(
      { workerId, concurrency: config.WORKER_CONCURRENCY, batch: config.WORKER_BATCH_SIZE },
      "worker started",
    );
  }

  return {
    boss,
    queue,
    store,
    vapid,
    config,
    workerId,
    maintain,
    async stop() {
      clearInterval(reaper);
      stopping.abort();
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
