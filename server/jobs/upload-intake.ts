// What the three upload routes share — POST /api/jobs/upload (the file as the request body),
// /api/jobs/upload-url (a presigned URL to send it straight to the bucket) and
// /api/jobs/upload-complete (the server takes what arrived there): the job system and the hourly
// allowance before any byte is taken, the file name, the answer to an accepted upload, and
// refusals as `{ error: { code, message } }` (codes in docs/SERVER_JOBS.md).
import type { z } from "zod";
import type { Db } from "../db/client.ts";
import { errorAnswer } from "../http/guard.ts";
import { type JobsConfig, jobsConfig } from "./config.ts";
import { JobRequestError, type JobRequestErrorCode } from "./request-error.ts";
import { requestServerJob } from "./requests.ts";
import { getJobSystem, JobsDisabledError } from "./runtime.ts";
import { jobStatus } from "./status.ts";
import type { JobSystem } from "./system.ts";
import { hourlyUploadWait, refusedUploadWait } from "./upload-rate.ts";
import { type DirectUploads, type StoredUpload, UploadTooLargeError } from "./upload-store.ts";

export interface UploadContext {
  db: Db;
  jobs: JobSystem;
  config: JobsConfig;
  userId: string;
}

export const answer = (status: number, code: JobRequestErrorCode, message: string) =>
  Response.json({ error: { code, message } }, { status });

export const refusalAnswer = (error: JobRequestError) => answer(error.status, error.code, error.message);

/** The job system and its settings, or the answer when server generation is off. */
export async function uploadContext(db: Db, userId: string): Promise<UploadContext | Response> {
  try {
    return { db, jobs: await getJobSystem(), config: jobsConfig(), userId };
  } catch (error) {
    if (error instanceof JobsDisabledError) return answer(503, "disabled", error.message);
    throw error;
  }
}

/**
 * What /api/jobs/upload-url and /upload-complete start from: the bucket's direct uploads and the
 * call's JSON body, or the answer that refuses them — 404 where this server hands out no upload
 * URLs (`notOffered` says what to use instead), 400 saying what to send (`expected`) for a body
 * that does not fit `schema`.
 */
export async function directUploadCall<T>(
  ctx: UploadContext,
  req: Request,
  body: { schema: z.ZodType<T>; expected: string },
  notOffered: string,
): Promise<{ direct: DirectUploads; input: T } | Response> {
  const direct = ctx.jobs.store.direct;
  if (!direct) return errorAnswer(404, "not-offered", notOffered);
  const input = body.schema.safeParse(await req.json().catch(() => null));
  if (!input.success) return refusalAnswer(new JobRequestError("bad-request", body.expected));
  return { direct, input: input.data };
}

/** uploadContext when `userId` may start an upload now; else the answer that says when. */
export async function admitUpload(db: Db, userId: string): Promise<UploadContext | Response> {
  const ctx = await uploadContext(db, userId);
  if (ctx instanceof Response) return ctx;
  const perHour = ctx.config.UPLOADS_PER_HOUR;
  const refused = await refusedUploadWait(db, userId, perHour);
  const wait = refused || (await hourlyUploadWait(db, userId, perHour));
  return wait > 0 ? tooMany(refused > 0, wait) : ctx;
}

export function tooMany(refused: boolean, waitSeconds: number): Response {
  const minutes = Math.ceil(waitSeconds / 60);
  return answer(
    429,
    "rate-limited",
    refused
      ? `Too many of your uploads were refused in the last hour; check the files (each refusal said why) and try again in ${minutes} minutes.`
      : `Too many uploads in the last hour; try again in ${minutes} minutes.`,
  );
}

/** Whether a refusal was the file's fault (and so counts against the refused-upload limit). */
export const isFilesFault = (error: JobRequestError) =>
  error.code !== "quota" && error.code !== "too-many-live";

/** Checks, fingerprints and queues a stored upload (requests.ts deletes it unless a job needs it), and answers. */
export async function queueUpload(
  ctx: UploadContext,
  upload: StoredUpload,
  filename: string,
): Promise<Response> {
  const { db, jobs, config } = ctx;
  const result = await requestServerJob(
    { db, store: jobs.store, queue: jobs.queue, config },
    { userId: ctx.userId, upload, filename },
  );
  // The job's status now (Queued, position, ETA), so the page shows it before its event stream connects.
  const status = result.outcome === "existing_map" ? null : await jobStatus(db, result.jobId);
  return Response.json({ ...result, status }, { status: result.outcome === "new_job" ? 201 : 200 });
}

/** A file name as the person gave it, made safe to store and show: no control characters, 200 at most. */
export function cleanFilename(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return name.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, 200) || "upload";
}

/** The extension a stored upload is named with (the store accepts 1–5 lowercase letters or digits). */
export const extensionOf = (filename: string) => (filename.split(".").pop() ?? "").toLowerCase();

export function tooLarge(max: number): JobRequestError {
  return new JobRequestError(
    "upload-too-large",
    `${new UploadTooLargeError(max).message} Upload a shorter or more compressed version (an mp3 or flac of the song).`,
  );
}

export const emptyUpload = () => new JobRequestError("empty", "The upload was empty: choose an audio file.");
