// POST /api/jobs/upload: a signed-in user's audio for server generation, sent as the raw request
// body (so the browser can report upload progress) with the file name in X-Filename. Streamed to
// temporary storage with a size limit, then checked and queued by server/jobs/requests.ts.
import { sessionFromCookies } from "@/server/auth/session.ts";
import { jobsConfig } from "@/server/jobs/config.ts";
import { JobRequestError, requestServerJob } from "@/server/jobs/requests.ts";
import { getJobSystem, JobsDisabledError } from "@/server/jobs/runtime.ts";
import { jobStatus } from "@/server/jobs/status.ts";
import { UploadTooLargeError } from "@/server/jobs/upload-store.ts";
import { moduleLogger } from "@/server/log.ts";
import { getRuntime } from "@/server/runtime.ts";
import { RateLimiter } from "@/server/services/rate-limit.ts";

export const dynamic = "force-dynamic";

const log = moduleLogger("upload");
let limiter: RateLimiter | undefined;

const fail = (status: number, message: string) => Response.json({ message }, { status });

const STATUS_OF: Record<JobRequestError["code"], number> = {
  "not-audio": 415,
  "too-short": 422,
  quota: 429,
  "too-many-live": 429,
  disabled: 503,
};

export async function POST(req: Request): Promise<Response> {
  const { db } = await getRuntime();
  const session = await sessionFromCookies(db, req.headers.get("cookie"));
  if (!session) return fail(401, "Please sign in to have the server chart a song.");
  let jobs: Awaited<ReturnType<typeof getJobSystem>>;
  try {
    jobs = await getJobSystem();
  } catch (error) {
    if (error instanceof JobsDisabledError) return fail(503, error.message);
    throw error;
  }
  const config = jobsConfig();
  limiter ??= new RateLimiter(config.UPLOADS_PER_HOUR, 3600 * 1000);
  const wait = limiter.take(session.user.id);
  if (wait > 0)
    return fail(429, `Too many uploads in the last hour; try again in ${Math.ceil(wait / 60)} minutes.`);
  const max = config.uploadMaxBytes;
  if (Number(req.headers.get("content-length") ?? 0) > max) {
    return fail(413, new UploadTooLargeError(max).message);
  }
  if (!req.body) return fail(400, "The upload was empty: choose an audio file.");
  const filename =
    decodeURIComponent(req.headers.get("x-filename") ?? "upload")
      .replace(/[\r\n]/g, " ")
      .slice(0, 200) || "upload";
  const extension = (filename.split(".").pop() ?? "").toLowerCase();

  let upload: Awaited<ReturnType<typeof jobs.store.put>>;
  try {
    upload = await jobs.store.put(req.body, { maxBytes: max, extension });
  } catch (error) {
    if (error instanceof UploadTooLargeError) return fail(413, error.message);
    log.warn({ err: error }, "upload interrupted");
    return fail(400, "The upload did not arrive completely; please try again.");
  }
  if (upload.bytes === 0) {
    await jobs.store.delete(upload.key);
    return fail(400, "The upload was empty: choose an audio file.");
  }
  try {
    const result = await requestServerJob(
      { db, store: jobs.store, queue: jobs.queue, config },
      { userId: session.user.id, upload, filename },
    );
    // The job's status now (Queued, position, ETA), so the page shows it before its event stream connects.
    const status = result.outcome === "existing_map" ? null : await jobStatus(db, result.jobId);
    return Response.json({ ...result, status }, { status: result.outcome === "new_job" ? 201 : 200 });
  } catch (error) {
    if (error instanceof JobRequestError) return fail(STATUS_OF[error.code], error.message);
    log.error({ err: error }, "upload could not be queued");
    return fail(500, "The server could not queue this song just now; please try again in a minute.");
  }
}
