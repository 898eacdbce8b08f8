// verify: the verification queue and decisions. Logic in server/services/verification.ts.
import { z } from "zod";
import { clientAddress } from "../../http/client-address.ts";
import {
  decide,
  REASON_MAX_CHARS,
  REASON_MIN_CHARS,
  verificationQueue,
} from "../../services/verification.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, permittedProcedure } from "../init.ts";

export const decideInput = z
  .object({
    proposalId: z.uuid("is not a proposal id").optional(),
    mapVersionId: z.uuid("is not a version id").optional(),
    decision: z.enum(["approve", "reject", "needs_changes"], {
      error: "must be approve, reject or needs_changes",
    }),
    reason: z
      .string()
      .trim()
      .min(REASON_MIN_CHARS, "is required: say why in a short sentence")
      .max(REASON_MAX_CHARS, `must be at most ${REASON_MAX_CHARS} characters`),
    /** The song's canonical map as the queue showed it (null: none). */
    expectedCanonicalMapId: z.uuid("is not a map id").nullable(),
  })
  .refine((v) => (v.proposalId === undefined) !== (v.mapVersionId === undefined), {
    message: "Decide on either a proposal (proposalId) or a chart version (mapVersionId).",
  });

export const verifyRouter = createTRPCRouter({
  /** Proposals and AI charts waiting, well-rated charts first, then oldest first, with lint. */
  queue: permittedProcedure("verify.queue")
    .input(z.object({ limit: z.number().int().min(1).max(100).default(50) }).optional())
    .query(({ ctx, input }) =>
      verificationQueue(ctx.db, { viewerId: ctx.actor.userId, limit: input?.limit ?? 50 }),
    ),

  decide: permittedProcedure("verify.decide")
    .meta({ limit: "verify.decide" })
    .input(decideInput)
    .mutation(({ ctx, input }) =>
      asTrpc(() =>
        decide(ctx.db, {
          verifierId: ctx.actor.userId,
          subject: input.proposalId
            ? { proposalId: input.proposalId }
            : { mapVersionId: input.mapVersionId as string },
          decision: input.decision,
          reason: input.reason,
          expectedCanonicalMapId: input.expectedCanonicalMapId,
          ip: clientAddress(ctx.headers),
        }),
      ),
    ),
});
