// votes: one per person per version. Logic in server/services/votes.ts.
import { z } from "zod";
import { castVote } from "../../services/votes.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, permittedProcedure } from "../init.ts";

export const castVoteInput = z.object({
  versionId: z.uuid("is not a version id"),
  value: z.union([z.literal(1), z.literal(-1)], { error: "must be 1 (helpful) or -1 (not helpful)" }),
});

export const votesRouter = createTRPCRouter({
  cast: permittedProcedure("map.vote")
    .meta({ limit: "votes.cast" })
    .input(castVoteInput)
    .mutation(({ ctx, input }) =>
      asTrpc(() =>
        castVote(ctx.db, { userId: ctx.actor.userId, versionId: input.versionId, value: input.value }),
      ),
    ),
});
