// POST /api/jobs/upload: a signed-in user's audio for server generation, sent as the raw request
// body (so the browser can report upload progress) with the file name in X-Filename. Streamed to
// temporary storage with a size limit, then checked and queued by server/jobs/requests.ts.
// With object storage the page sends the file straight to the bucket instead (../upload-url,
// ../upload-complete); this route stays for the directory store and for API clients.
// Every refusal answers `{ error: { code, message } }` (codes in docs/SERVER_JOBS.md); a refused
// or failed upload leaves nothing stored and uses none of the hourly or monthly allowance.
import { guarded } from "@/server/http/guard.ts";
import { JobRequestError } from "@/server/jobs/request-error.ts";
import {
  admitUpload,
  cleanFilename,
  emptyUpload,
  extensionOf,
  isFilesFault,
  queueUpload,
  refusalAnswer,
  tooLarge,
  type UploadContext,
} from "@/server/jobs/upload-intake.ts";
import { recordRefusedUpload } from "@/server/jobs/upload-rate.ts";
import { ObjectStorageError, type StoredUpload, UploadTooLargeError } from "@/server/jobs/upload-store.ts";
import { moduleLogger } from "@/server/log.ts";

export const dynamic = "force-dynamic";

const log = moduleLogger("upload");

/** The file name from X-Filename (percent-encoded UTF-8, as encodeURIComponent makes it). */
function filenameOf(header: string | null): string {
  try {
    return cleanFilename(decodeURIComponent(header ?? "upload"));
  } catch {
    throw new JobRequestError(
      "bad-filename",
      "The file name in the X-Filename header is not valid percent-encoded text. Send it encoded with encodeURIComponent (the upload page does this), or rename the file and try again.",
    );
  }
}

export const POST = guarded(
  { session: "required", signInMessage: "Please sign in to have the server chart a song." },
  async (req, { db, session }) => {
    const ctx = await admitUpload(db, session.user.id);
    if (ctx instanceof Response) return ctx;
    try {
      return await accept(req, ctx);
    } catch (error) {
      if (error instanceof JobRequestError) {
        if (isFilesFault(error)) await recordRefusedUpload(db, ctx.userId, ctx.config.UPLOADS_PER_HOUR);
        return refusalAnswer(error);
      }
      // The guard answers the rest: 503 with Retry-After for a database that is down, else a 500
      // with a reference.
      throw error;
    }
  },
);

async function accept(req: Request, ctx: UploadContext): Promise<Response> {
  const { jobs, config } = ctx;
  const max = config.uploadMaxBytes;
  const filename = filenameOf(req.headers.get("x-filename"));
  const declared = req.headers.get("content-length");
  const length = declared === null ? undefined : Number(declared);
  if (length !== undefined && length > max) throw tooLarge(max);
  if (!req.body) throw emptyUpload();

  let upload: StoredUpload;
  try {
    upload = await jobs.store.put(req.body, {
      maxBytes: max,
      extension: extensionOf(filename),
      ...(length !== undefined && Number.isSafeInteger(length) ? { length } : {}),
    });
  } catch (error) {
    if (error instanceof UploadTooLargeError) throw tooLarge(max);
    // The storage's own failure is the operator's to fix: the guard logs its message, answers 500.
    if (error instanceof ObjectStorageError) throw error;
    log.warn({ err: error }, "upload interrupted");
    throw new JobRequestError("upload-incomplete", "The upload did not arrive completely; please try again.");
  }
  if (upload.bytes === 0) {
    await jobs.store.delete(upload.key);
    throw emptyUpload();
  }
  // requestServerJob deletes the upload unless a job now needs it.
  return queueUpload(ctx, upload, filename);
}
