// maps: charts attached to songs. Logic in server/services/maps.ts.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { clientAddress } from "../../http/client-address.ts";
import { limitKey } from "../../http/trust-proxy.ts";
import { getMapDetail, getVersionContent, listMaps } from "../../services/map-versions.ts";
import { MapInputError, submitGenerated } from "../../services/maps.ts";
import { RateLimiter } from "../../services/rate-limit.ts";
import { SongInputError } from "../../services/songs.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, publicProcedure } from "../init.ts";
import { fingerprintInput } from "./songs.ts";

/** Generous for a person, tight for a script: a chart takes a device about a minute to make. */
const submissions = new RateLimiter(30, 60 * 60 * 1000);

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
      const key = ctx.session?.user.id ?? `ip:${limitKey(clientAddress(ctx.headers))}`;
      const wait = submissions.take(key);
      if (wait > 0) {
        throw new TRPCError({
          code: "TOO_MANY_REQUESTS",
          message: `Too many charts submitted from here; try again in ${Math.ceil(wait / 60)} minutes.`,
        });
      }
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
