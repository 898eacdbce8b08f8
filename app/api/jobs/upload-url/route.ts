// POST /api/jobs/upload-url { filename, bytes }: where the page sends a file straight to object
// storage, so no upload passes through the web process. After the same allowance checks as
// POST /api/jobs/upload, it answers a presigned PUT URL that expires in a few minutes, admits
// exactly `bytes` bytes (the signature covers the length) and names a key the server chose; the
// page then PUTs the file there and calls /api/jobs/upload-complete with the key. A URL counts as a
// refused upload until that call accepts the file (server/jobs/upload-rate.ts), so URLs asked for
// and never used are limited like bad files. Only offered with object storage (S3_DIRECT_UPLOADS).
import { z } from "zod";
import { guarded } from "@/server/http/guard.ts";
import {
  admitUpload,
  cleanFilename,
  directUploadCall,
  emptyUpload,
  extensionOf,
  refusalAnswer,
  tooLarge,
  tooMany,
} from "@/server/jobs/upload-intake.ts";
import { takePresignedUpload } from "@/server/jobs/upload-rate.ts";

export const dynamic = "force-dynamic";

/** Long enough to start a PUT after the answer arrives; an upload under way may take longer. */
export const PRESIGNED_UPLOAD_SECONDS = 5 * 60;

const Input = z.object({ filename: z.string().min(1).max(1000), bytes: z.number().int().min(0) });

export const POST = guarded(
  { session: "required", signInMessage: "Please sign in to have the server chart a song." },
  async (req, { db, session }) => {
    const ctx = await admitUpload(db, session.user.id);
    if (ctx instanceof Response) return ctx;
    const call = await directUploadCall(
      ctx,
      req,
      { schema: Input, expected: "Send JSON { filename, bytes }: the file's name and its size in bytes." },
      "This server takes uploads at POST /api/jobs/upload (the file as the request body); it hands out no upload URLs.",
    );
    if (call instanceof Response) return call;
    const { direct, input } = call;
    const { bytes } = input;
    if (bytes === 0) return refusalAnswer(emptyUpload());
    if (bytes > ctx.config.uploadMaxBytes) return refusalAnswer(tooLarge(ctx.config.uploadMaxBytes));
    const wait = await takePresignedUpload(db, ctx.userId, ctx.config.UPLOADS_PER_HOUR);
    if (wait > 0) return tooMany(true, wait);
    const upload = await direct.presignPut({
      owner: ctx.userId,
      bytes,
      extension: extensionOf(cleanFilename(input.filename)),
      expiresSeconds: PRESIGNED_UPLOAD_SECONDS,
    });
    return Response.json(upload, { headers: { "cache-control": "no-store" } });
  },
);
