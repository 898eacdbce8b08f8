// ratings: players rate charts they played, 1–5 stars. Logic in server/services/ratings.ts.
import { z } from "zod";
import { rateMap } from "../../services/ratings.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, permittedProcedure } from "../init.ts";

export const rateInput = z.object({
  mapId: z.uuid("is not a map id"),
  stars: z.number().int("must be a whole number").min(1, "must be at least 1").max(5, "must be at most 5"),
});

export const ratingsRouter = createTRPCRouter({
  rate: permittedProcedure("map.rate")
    .meta({ limit: "ratings.rate" })
    .input(rateInput)
    .mutation(({ ctx, input }) => asTrpc(() => rateMap(ctx.db, { userId: ctx.actor.userId, ...input }))),
});
