// proposals: fixers' edits to maps, as diffs on a version. Logic in server/services/proposals.ts.
import { z } from "zod";
import { LIMITS } from "../../../lib/beatmap/index.ts";
import { clientAddress } from "../../http/client-address.ts";
import {
  createProposal,
  getProposal,
  listMyProposals,
  MESSAGE_MAX_CHARS,
  withdrawProposal,
} from "../../services/proposals.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, permittedProcedure, protectedProcedure, publicProcedure } from "../init.ts";

export const clientMutationId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, - or _");

export const createProposalInput = z.object({
  mapId: z.uuid("is not a map id"),
  baseVersionId: z.uuid("is not a version id"),
  /** The whole edited chart (.bsm object); the server computes the diff against the base. */
  chart: z.unknown(),
  message: z.string().max(MESSAGE_MAX_CHARS, `must be at most ${MESSAGE_MAX_CHARS} characters`).default(""),
  clientMutationId: clientMutationId.optional(),
  /** Times (ms) of notes the fixer listened to and confirmed. */
  confirmedNoteTimes: z
    .array(z.number().finite().min(0, "must not be negative"))
    .max(LIMITS.maxHitObjects, "lists more notes than a chart may hold")
    .optional(),
});

export const proposalsRouter = createTRPCRouter({
  /**
   * Submits an edit. Returns {proposalId, baseVersionId, rebased, summary}; CONFLICT (with
   * `error.data.conflicts`) when the map moved on and an automatic rebase is impossible.
   */
  create: permittedProcedure("map.propose_edit")
    .meta({ limit: "proposals.create" })
    .input(createProposalInput)
    .mutation(({ ctx, input }) =>
      asTrpc(() =>
        createProposal(ctx.db, {
          authorId: ctx.actor.userId,
          mapId: input.mapId,
          baseVersionId: input.baseVersionId,
          chart: input.chart,
          message: input.message,
          ...(input.clientMutationId ? { clientMutationId: input.clientMutationId } : {}),
          ...(input.confirmedNoteTimes ? { confirmedNoteTimes: input.confirmedNoteTimes } : {}),
          ip: clientAddress(ctx.headers),
        }),
      ),
    ),

  withdraw: permittedProcedure("proposal.withdraw")
    .meta({ limit: "proposals.withdraw" })
    .input(z.object({ proposalId: z.uuid("is not a proposal id") }))
    .mutation(({ ctx, input }) =>
      asTrpc(() => withdrawProposal(ctx.db, { userId: ctx.actor.userId, proposalId: input.proposalId })),
    ),

  /** One proposal with its base chart, the chart it proposes and its decisions (review is public). */
  get: publicProcedure
    .input(z.object({ proposalId: z.uuid("is not a proposal id") }))
    .query(({ ctx, input }) => asTrpc(() => getProposal(ctx.db, input.proposalId))),

  /** The signed-in person's proposals, newest first. */
  mine: protectedProcedure.query(({ ctx }) => listMyProposals(ctx.db, ctx.session.user.id)),
});
