// curation: curators correct song labels and archive maps (audited). Logic in server/services/curation.ts.
import { z } from "zod";
import { clientAddress } from "../../http/client-address.ts";
import { archiveMap, curateSong } from "../../services/curation.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, permittedProcedure } from "../init.ts";

const label = z.string().trim().max(200, "must be at most 200 characters").nullable().optional();

export const curationRouter = createTRPCRouter({
  archiveMap: permittedProcedure("map.archive")
    .meta({ limit: "curation.archiveMap" })
    .input(
      z.object({
        mapId: z.uuid("is not a map id"),
        reason: z.string().trim().min(3, "is required: say why").max(2000, "must be at most 2000 characters"),
      }),
    )
    .mutation(({ ctx, input }) =>
      asTrpc(() =>
        archiveMap(ctx.db, { actorId: ctx.actor.userId, ip: clientAddress(ctx.headers), ...input }),
      ),
    ),

  curateSong: permittedProcedure("song.curate")
    .meta({ limit: "curation.curateSong" })
    .input(z.object({ songId: z.uuid("is not a song id"), title: label, artist: label, album: label }))
    .mutation(({ ctx, input }) => {
      const { songId, ...labels } = input;
      return asTrpc(() =>
        curateSong(ctx.db, { actorId: ctx.actor.userId, ip: clientAddress(ctx.headers), songId, labels }),
      );
    }),
});
