import { getRuntime } from "../../runtime.ts";
import { checkHealth } from "../../services/health.ts";
import { createTRPCRouter, publicProcedure } from "../init.ts";

export const systemRouter = createTRPCRouter({
  /** What the app shell shows as server status, and what e2e tests call. */
  health: publicProcedure.query(async () => checkHealth(await getRuntime())),
});
