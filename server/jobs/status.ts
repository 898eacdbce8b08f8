// What a person waiting for a job sees: Queued (position, ETA) → Processing (stage, progress,
// ETA) → Complete | Failed (reason). The ETA comes from how fast recent jobs went on this
// installation, per second of audio, and how many workers are alive.
import type { Db } from "../db/client.ts";

export interface JobStatus {
  id: string;
  state: "queued" | "processing" | "complete" | "failed" | "cancelled";
  /** 1 = next to run; null unless queued. */
  position: number | null;
  etaSeconds: number | null;
  stage: string | null;
  progress: number;
  /** Why it failed, or why it is being retried. */
  message: string | null;
  songId: string | null;
  resultMapId: string | null;
  title: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Before any job has finished here: a CPU worker's rate from docs/BENCHMARKS.md, rounded up. */
const DEFAULT_SECONDS_PER_AUDIO_SECOND = 0.1;
const PER_JOB_OVERHEAD_SECONDS = 5;

export async function jobStatus(db: Db, jobId: string): Promise<JobStatus | null> {
  const job = await db.aiJob.findUnique({
    where: { id: jobId },
    select: {
      id: true,
      state: true,
      priority: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      stage: true,
      progress: true,
      error: true,
      songId: true,
      resultMapId: true,
      audioSeconds: true,
      uploadName: true,
    },
  });
  if (!job) return null;
  let position: number | null = null;
  let etaSeconds: number | null = null;
  const rate = await secondsPerAudioSecond(db);
  const own = PER_JOB_OVERHEAD_SECONDS + (job.audioSeconds ?? 240) * rate;
  if (job.state === "queued") {
    // pg-boss serves higher priority first, then older: the same order here.
    const ahead = await db.$queryRaw<{ n: bigint; seconds: number | null }[]>`
      SELECT count(*) AS n, sum(COALESCE(audio_seconds, 240)) AS seconds FROM ai_jobs
       WHERE state IN ('queued', 'processing') AND id <> ${jobId}::uuid
         AND (state = 'processing' OR priority > ${job.priority} OR (priority = ${job.priority} AND created_at < ${job.createdAt}))`;
    const n = Number(ahead[0]?.n ?? 0);
    position = n + 1;
    const workers = await liveWorkers(db);
    const queueSeconds = n * PER_JOB_OVERHEAD_SECONDS + (ahead[0]?.seconds ?? 0) * rate;
    etaSeconds = Math.round(queueSeconds / workers + own);
  } else if (job.state === "processing") {
    const elapsed = (Date.now() - (job.startedAt ?? job.createdAt).getTime()) / 1000;
    etaSeconds =
      job.progress >= 0.05
        ? Math.round((elapsed / job.progress) * (1 - job.progress))
        : Math.round(Math.max(1, own - elapsed));
  }
  return {
    id: job.id,
    state: job.state,
    position,
    etaSeconds,
    stage: job.stage,
    progress: job.progress,
    message: job.error,
    songId: job.songId,
    resultMapId: job.resultMapId,
    title: job.uploadName?.replace(/\.[^.]+$/, "") ?? null,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

/** Wall seconds per second of audio over the last 20 completed jobs. */
async function secondsPerAudioSecond(db: Db): Promise<number> {
  const rows = await db.$queryRaw<{ rate: number | null }[]>`
    SELECT sum(EXTRACT(EPOCH FROM finished_at - started_at)) / NULLIF(sum(audio_seconds), 0) AS rate
      FROM (SELECT finished_at, started_at, audio_seconds FROM ai_jobs
             WHERE state = 'complete' AND started_at IS NOT NULL AND audio_seconds > 0 AND backend IS NOT NULL
             ORDER BY finished_at DESC LIMIT 20) recent`;
  const rate = rows[0]?.rate;
  return rate && Number.isFinite(Number(rate)) ? Number(rate) : DEFAULT_SECONDS_PER_AUDIO_SECOND;
}

/** Workers that worked a job in the last 10 minutes (at least 1: someone will pick the job up). */
async function liveWorkers(db: Db): Promise<number> {
  const rows = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(DISTINCT worker_id) AS n FROM ai_jobs
     WHERE worker_id IS NOT NULL AND heartbeat_at > now() - interval '10 minutes'`;
  return Math.max(1, Number(rows[0]?.n ?? 0));
}
