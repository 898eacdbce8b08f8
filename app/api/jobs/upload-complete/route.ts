// POST /api/jobs/upload-complete { key, filename }: the file the page PUT to a presigned URL
// (../upload-url) is in the bucket; the server takes it under a key of its own (so a retried call
// finds nothing to take twice), streams it to a temporary file for the same checks as
// POST /api/jobs/upload, and queues it. Refusals answer with the same codes; a refused file is
// deleted from the bucket and uses none of the hourly or monthly allowance.
import { z } from "zod";
import { guarded } from "@/server/http/guard.ts";
import { JobRequestError } from "@/server/jobs/request-error.ts";
import {
  cleanFilename,
  directUploadCall,
  emptyUpload,
  isFilesFault,
  queueUpload,
  refusalAnswer,
  tooLarge,
  uploadContext,
} from "@/server/jobs/upload-intake.ts";
import { refundPresignedUpload } from "@/server/jobs/upload-rate.ts";
import { type StoredUpload, UploadTooLargeError } from "@/server/jobs/upload-store.ts";

export const dynamic = "force-dynamic";

const Input = z.object({ key: z.string().min(1).max(300), filename: z.string().min(1).max(1000) });

export const POST = guarded(
  { session: "required", signInMessage: "Please sign in to have the server chart a song." },
  async (req, { db, session }) => {
    // No allowance check here: it was made when the URL was handed out, and the URL itself is
    // counted until this call accepts the file.
    const ctx = await uploadContext(db, session.user.id);
    if (ctx instanceof Response) return ctx;
    const call = await directUploadCall(
      ctx,
      req,
      {
        schema: Input,
        expected: "Send JSON { key, filename }: the key /api/jobs/upload-url gave, and the file's name.",
      },
      "This server hands out no upload URLs; use POST /api/jobs/upload.",
    );
    if (call instanceof Response) return call;
    const { direct, input } = call;
    const max = ctx.config.uploadMaxBytes;
    try {
      let upload: StoredUpload | null;
      try {
        upload = await direct.claim(input.key, { owner: ctx.userId, maxBytes: max });
      } catch (error) {
        throw error instanceof UploadTooLargeError ? tooLarge(max) : error;
      }
      if (!upload) {
        throw new JobRequestError(
          "upload-incomplete",
          "The file did not arrive in storage, or was already sent for checking. Please upload it again.",
        );
      }
      if (upload.bytes === 0) {
        await ctx.jobs.store.delete(upload.key);
        throw emptyUpload();
      }
      // requestServerJob deletes the upload unless a job now needs it.
      const accepted = await queueUpload(ctx, upload, cleanFilename(input.filename));
      await refundPresignedUpload(db, ctx.userId);
      return accepted;
    } catch (error) {
      if (error instanceof JobRequestError) {
        if (!isFilesFault(error)) await refundPresignedUpload(db, ctx.userId);
        return refusalAnswer(error);
      }
      // A failure of the server's (storage, database) is not the file's: the guard answers it.
      await refundPresignedUpload(db, ctx.userId).catch(() => undefined);
      throw error;
    }
  },
);
