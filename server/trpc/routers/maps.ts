// maps: charts attached to songs. Logic in server/services/maps.ts.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getMapDetail, getVersionContent, listMaps } from "../../services/map-versions.ts";
import { MapInputError, submitGenerated } from "../../services/maps.ts";
import { SongInputError } from "../../services/songs.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, publicProcedure } from "../init.ts";
import { fingerprintInput } from "./songs.ts";

export const mapsRouter = createTRPCRouter({
  /** A map with its song, versions (who / when / source / verified), pending proposals and ratings. */
  get: publicProcedure
    .input(z.object({ mapId: z.uuid("is not a map id") }))
    .query(({ ctx, input }) => asTrpc(() => getMapDetail(ctx.db, input.mapId, ctx.session?.user.id ?? null))),

  /** One immutable version with its chart. */
  version: publicProcedure
    .input(z.object({ versionId: z.uuid("is not a version id") }))
    .query(({ ctx, input }) => asTrpc(() => getVersionContent(ctx.db, input.versionId))),

  /** A song's maps, canonical first, with status, latest version and rating. */
  list: publicProcedure
    .input(z.object({ songId: z.uuid("is not a song id") }))
    .query(({ ctx, input }) => listMaps(ctx.db, input.songId, ctx.session?.user.id ?? null)),

  /** A chart generated on the user's device, for the song with this fingerprint. Audio never travels. */
  submitGenerated: publicProcedure
    .meta({ limit: "maps.submitGenerated" })
    .input(
      fingerprintInput.extend({
        chart: z.unknown(),
        clientMutationId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, - or _")
          .optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      try {
        return await submitGenerated(ctx.db, {
          fingerprint: input.fingerprint,
          duration: input.duration,
          chart: input.chart,
          ...(input.clientMutationId ? { clientMutationId: input.clientMutationId } : {}),
          userId: ctx.session?.user.id ?? null,
        });
      } catch (error) {
        if (error instanceof MapInputError || error instanceof SongInputError) {
          throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
        }
        throw error;
      }
    }),
});
