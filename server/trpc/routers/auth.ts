import { createTRPCRouter, publicProcedure } from "../init.ts";

export const authRouter = createTRPCRouter({
  /** The signed-in user, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.session?.user ?? null),
});
