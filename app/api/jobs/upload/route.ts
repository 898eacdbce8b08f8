// POST /api/jobs/upload: a signed-in user's audio for server generation, sent as the raw request
// body (so the browser can report upload progress) with the file name in X-Filename. Streamed to
// temporary storage with a size limit, then checked and queued by server/jobs/requests.ts.
// Every refusal answers `{ error: { code, message } }` (codes in docs/SERVER_JOBS.md); a refused
// or failed upload leaves nothing stored and uses none of the hourly or monthly allowance.
import { guarded } from "@/server/http/guard.ts";
import { jobsConfig } from "@/server/jobs/config.ts";
import { JobRequestError, type JobRequestErrorCode } from "@/server/jobs/request-error.ts";
import { requestServerJob } from "@/server/jobs/requests.ts";
import { getJobSystem, JobsDisabledError } from "@/server/jobs/runtime.ts";
import { jobStatus } from "@/server/jobs/status.ts";
import { hourlyUploadWait, recordRefusedUpload, refusedUploadWait } from "@/server/jobs/upload-rate.ts";
import { UploadTooLargeError } from "@/server/jobs/upload-store.ts";
import { moduleLogger } from "@/server/log.ts";
import { processMetrics } from "@/server/metrics.ts";
import type { getRuntime } from "@/server/runtime.ts";

export const dynamic = "force-dynamic";

const log = moduleLogger("upload");

const answer = (status: number, code: JobRequestErrorCode, message: string) =>
  Response.json({ error: { code, message } }, { status });
const refuse = (error: JobRequestError) => answer(error.status, error.code, error.message);

/** The file name from X-Filename (percent-encoded UTF-8, as encodeURIComponent makes it). */
function filenameOf(header: string | null): string {
  let name: string;
  try {
    name = decodeURIComponent(header ?? "upload");
  } catch {
    throw new JobRequestError(
      "bad-filename",
      "The file name in the X-Filename header is not valid percent-encoded text. Send it encoded with encodeURIComponent (the upload page does this), or rename the file and try again.",
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return name.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, 200) || "upload";
}

export const POST = guarded(
  { session: "required", signInMessage: "Please sign in to have the server chart a song." },
  async (req, { db, session }) => {
    let jobs: Awaited<ReturnType<typeof getJobSystem>>;
    try {
      jobs = await getJobSystem();
    } catch (error) {
      if (error instanceof JobsDisabledError) return answer(503, "disabled", error.message);
      throw error;
    }
    const config = jobsConfig();
    const userId = session.user.id;
    const refused = await refusedUploadWait(db, userId, config.UPLOADS_PER_HOUR);
    const wait = refused || (await hourlyUploadWait(db, userId, config.UPLOADS_PER_HOUR));
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60);
      return answer(
        429,
        "rate-limited",
        refused
          ? `Too many of your uploads were refused in the last hour; check the files (each refusal said why) and try again in ${minutes} minutes.`
          : `Too many uploads in the last hour; try again in ${minutes} minutes.`,
      );
    }
    try {
      return await accept(req, { db, jobs, config, userId });
    } catch (error) {
      if (error instanceof JobRequestError) {
        if (error.code !== "quota" && error.code !== "too-many-live")
          await recordRefusedUpload(db, userId, config.UPLOADS_PER_HOUR);
        return refuse(error);
      }
      // The guard answers the rest: 503 with Retry-After for a database that is down, else a 500
      // with a reference.
      throw error;
    }
  },
);

async function accept(
  req: Request,
  ctx: {
    db: Awaited<ReturnType<typeof getRuntime>>["db"];
    jobs: Awaited<ReturnType<typeof getJobSystem>>;
    config: ReturnType<typeof jobsConfig>;
    userId: string;
  },
): Promise<Response> {
  const { db, jobs, config } = ctx;
  const max = config.uploadMaxBytes;
  const filename = filenameOf(req.headers.get("x-filename"));
  if (Number(req.headers.get("content-length") ?? 0) > max) {
    throw new JobRequestError("upload-too-large", uploadTooLarge(max));
  }
  if (!req.body) throw new JobRequestError("empty", "The upload was empty: choose an audio file.");
  const extension = (filename.split(".").pop() ?? "").toLowerCase();

  let upload: Awaited<ReturnType<typeof jobs.store.put>>;
  try {
    upload = await jobs.store.put(req.body, { maxBytes: max, extension });
  } catch (error) {
    if (error instanceof UploadTooLargeError)
      throw new JobRequestError("upload-too-large", uploadTooLarge(max));
    log.warn({ err: error }, "upload interrupted");
    throw new JobRequestError("upload-incomplete", "The upload did not arrive completely; please try again.");
  }
  if (upload.bytes === 0) {
    await jobs.store.delete(upload.key);
    throw new JobRequestError("empty", "The upload was empty: choose an audio file.");
  }
  // requestServerJob deletes the upload unless a job now needs it.
  const result = await requestServerJob(
    { db, store: jobs.store, queue: jobs.queue, config },
    { userId: ctx.userId, upload, filename },
  );
  processMetrics().jobRequests.inc({ outcome: result.outcome });
  // The job's status now (Queued, position, ETA), so the page shows it before its event stream connects.
  const status = result.outcome === "existing_map" ? null : await jobStatus(db, result.jobId);
  return Response.json({ ...result, status }, { status: result.outcome === "new_job" ? 201 : 200 });
}

const uploadTooLarge = (max: number) =>
  `${new UploadTooLargeError(max).message} Upload a shorter or more compressed version (an mp3 or flac of the song).`;
