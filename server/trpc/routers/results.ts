// results: practice runs synced from the device to the signed-in account (through the outbox).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { LEVELS } from "@/lib/practice/levels.ts";
import { leaderboard, listResultsFor, ResultInputError, submitResult } from "../../services/results.ts";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../init.ts";

const level = z.enum(LEVELS, { error: `must be one of ${LEVELS.join(", ")}` });

/** The run summary is kept as sent, within a size a real summary never reaches. */
const MAX_STATS_BYTES = 64 * 1024;

export const resultsRouter = createTRPCRouter({
  submit: protectedProcedure
    .meta({ limit: "results.submit" })
    .input(
      z.object({
        id: z.uuid("must be the result's uuid"),
        mapVersionId: z.uuid("must be a map version id"),
        score: z.number().int().min(0).max(100_000_000),
        accuracy: z.number().min(0).max(1),
        tempo: z.number().min(0.25).max(1.5),
        // Old clients send none: their runs were played on the chart as charted (Expert).
        level: level.optional(),
        stats: z
          .record(z.string(), z.unknown())
          .refine((s) => JSON.stringify(s).length <= MAX_STATS_BYTES, "is too large"),
        playedAt: z.iso.datetime({ message: "must be an ISO date" }).transform((s) => new Date(s)),
        clientMutationId: z.string().max(100).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.playedAt.getTime() > Date.now() + 5 * 60_000) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "The run's time is in the future." });
      }
      try {
        const { clientMutationId: _id, level, ...result } = input;
        return await submitResult(ctx.db, ctx.session.user.id, { ...result, ...(level ? { level } : {}) });
      } catch (error) {
        if (error instanceof ResultInputError)
          throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
        throw error;
      }
    }),

  mine: protectedProcedure
    .input(z.object({ mapVersionId: z.uuid().optional(), level: level.optional() }).default({}))
    .query(({ ctx, input }) => listResultsFor(ctx.db, ctx.session.user.id, input)),

  /** A map's leaderboard at one level (public: display names and scores only). */
  leaderboard: publicProcedure
    .input(z.object({ mapId: z.uuid("must be a map id"), level }))
    .query(({ ctx, input }) => leaderboard(ctx.db, input.mapId, input.level)),
});
