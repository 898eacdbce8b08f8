// Settings of server generation (queue, worker, uploads, quotas, prices, budget), read once from the
// environment and validated like server/env.ts, so a typo stops the process with the variable's
// name. Kept apart from server/env.ts because only the job system reads them.
import path from "node:path";
import { z } from "zod";
import { env } from "../env.ts";

/** Uploaded audio never outlives its job by more than this (the privacy page says so). */
export const UPLOAD_RETENTION_MAX_HOURS = 24;

const bool = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");
const seconds = z.coerce.number().positive();
const usd = z.coerce.number().min(0);

const schema = z.object({
  /** 0 turns server generation off entirely (the generate page then does not offer it). */
  BEATSIGHT_SERVER_JOBS: bool.default(true),
  /** Run a worker inside the web process (the embedded default); 0 when `npm run worker` runs elsewhere. */
  BEATSIGHT_INPROCESS_WORKER: bool.default(true),
  /** Jobs one worker process runs at the same time. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** Jobs fetched together when several wait; they share the warm model sessions (and GPU). */
  WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(16).default(4),
  /** Model files and manifest.json (relative to the working directory; bundled server code cannot find them from its own path). */
  MODELS_DIR: z.string().min(1).default("public/models"),
  /** onnxruntime device for the worker. */
  WORKER_DEVICE: z.enum(["auto", "cuda", "cpu"]).default("auto"),
  /** How often a worker says a job is still alive, and after how long silence it counts as dead. */
  JOB_HEARTBEAT_SECONDS: seconds.default(10),
  JOB_STALE_SECONDS: seconds.default(45),
  /** pg-boss's own limit on one attempt (a 20-minute song on a slow CPU stays well inside it). */
  JOB_EXPIRE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30 * 60),
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(3),
  /** Seconds before the first retry; doubled for each later one (pg-boss retryBackoff). */
  JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).default(15),
  /** How often a worker polls an empty queue, and how often stale jobs are looked for. */
  QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).default(2),
  QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).default(60),

  /** Largest upload accepted, in MB. */
  UPLOAD_MAX_MB: z.coerce.number().positive().max(2048).default(50),
  /** Directory for uploaded audio (default DATA_DIR/uploads); workers on other machines must share it. */
  UPLOAD_DIR: z.string().min(1).optional(),
  /**
   * S3-compatible object storage for uploads (instead of UPLOAD_DIR) when S3_BUCKET is set: workers
   * on other machines then need no shared directory.
   */
  S3_ENDPOINT: z.url("must be a URL such as https://s3.eu-west-1.amazonaws.com").optional(),
  /**
   * Where browsers reach the bucket, when not at S3_ENDPOINT (a compose network's http://minio:9000
   * is published as https://s3.example.com): presigned upload URLs are made for this address.
   */
  S3_PUBLIC_ENDPOINT: z.url("must be a URL such as https://s3.example.com").optional(),
  /**
   * Browsers upload straight to the bucket through short-lived presigned URLs (the bucket's CORS
   * must allow this site: docs/SERVER_JOBS.md); 0 streams every upload through the web process.
   */
  S3_DIRECT_UPLOADS: bool.default(true),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_PREFIX: z.string().max(200).default("uploads/"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Uploaded audio is deleted this many hours after its job ends (at most 24). */
  UPLOAD_RETENTION_HOURS: z.coerce.number().min(0).max(UPLOAD_RETENTION_MAX_HOURS).default(1),

  /** Server generations a free user may start per calendar month. */
  FREE_MONTHLY_SERVER_JOBS: z.coerce.number().int().min(0).default(5),
  /** Uploads and job requests per user per hour. */
  UPLOADS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  /** Queued or running jobs one user may have at once. */
  LIVE_JOBS_PER_USER: z.coerce.number().int().min(1).default(3),

  /** Unit prices. Defaults from the seed cost model: $0.05 per 4-minute GPU run, Fargate Spot vCPU, email. */
  PRICE_GPU_SECOND_USD: usd.default(0.05 / 240),
  PRICE_CPU_SECOND_USD: usd.default(0.05 / 3600),
  PRICE_EMAIL_USD: usd.default(0.0006),
  PRICE_PUSH_USD: usd.default(0),
  /** Monthly budget for server generation; an alert (email + banner) fires when the projection crosses it. */
  MONTHLY_BUDGET_USD: usd.default(100),

  /** Bearer token for /api/metrics; without it only a signed-in admin may read the metrics. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Contact for Web Push (VAPID "subject"). */
  VAPID_SUBJECT: z.string().default("mailto:ops@beatsight.invalid"),
});

/** Every setting's name: .env.example lists each (scripts/deploy-files.test.ts checks). */
export const JOBS_SETTINGS: readonly string[] = Object.keys(schema.shape);

export type JobsConfig = z.infer<typeof schema> & {
  uploadDir: string;
  modelsDir: string;
  uploadMaxBytes: number;
};

export function parseJobsConfig(source: Record<string, string | undefined>, dataDir: string): JobsConfig {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid server-job configuration in environment variables:\n${problems}`);
  }
  const c = result.data;
  if (c.S3_BUCKET && !(c.S3_ENDPOINT && c.S3_ACCESS_KEY_ID && c.S3_SECRET_ACCESS_KEY)) {
    throw new Error(
      "Invalid server-job configuration in environment variables:\n  S3_BUCKET is set, so S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are needed too.",
    );
  }
  return {
    ...c,
    // Folders named at run time: Next's standalone trace would otherwise copy the whole project
    // (scripts/complete-standalone.mjs copies the models).
    uploadDir: path.resolve(/*turbopackIgnore: true*/ c.UPLOAD_DIR ?? path.join(dataDir, "uploads")),
    modelsDir: path.resolve(/*turbopackIgnore: true*/ c.MODELS_DIR),
    uploadMaxBytes: Math.round(c.UPLOAD_MAX_MB * 1024 * 1024),
  };
}

/**
 * The origin browsers send uploads to when presigned uploads are on (object storage configured,
 * S3_DIRECT_UPLOADS, server generation on), else null: the page's connect-src must allow it.
 */
export function directUploadOrigin(config: JobsConfig): string | null {
  if (!(config.BEATSIGHT_SERVER_JOBS && config.S3_DIRECT_UPLOADS && config.S3_BUCKET)) return null;
  const endpoint = config.S3_PUBLIC_ENDPOINT ?? config.S3_ENDPOINT;
  return endpoint ? new URL(endpoint).origin : null;
}

let cached: JobsConfig | undefined;

export function jobsConfig(): JobsConfig {
  cached ??= parseJobsConfig(process.env, env().dataDir);
  return cached;
}
