// comments: markers at a time in a version. Logic in server/services/comments.ts.
import { z } from "zod";
import { addComment, COMMENT_MAX_CHARS, listComments } from "../../services/comments.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, permittedProcedure, publicProcedure } from "../init.ts";

export const addCommentInput = z.object({
  versionId: z.uuid("is not a version id"),
  timeMs: z.number().finite().min(0, "must not be negative"),
  text: z
    .string()
    .trim()
    .min(1, "is empty")
    .max(COMMENT_MAX_CHARS, `must be at most ${COMMENT_MAX_CHARS} characters`),
});

export const commentsRouter = createTRPCRouter({
  add: permittedProcedure("map.comment")
    .meta({ limit: "comments.add" })
    .input(addCommentInput)
    .mutation(({ ctx, input }) => asTrpc(() => addComment(ctx.db, { userId: ctx.actor.userId, ...input }))),

  list: publicProcedure
    .input(z.object({ versionId: z.uuid("is not a version id") }))
    .query(({ ctx, input }) => listComments(ctx.db, input.versionId)),
});
