// The API: one router per noun, verbs as procedures.
import { createCallerFactory, createTRPCRouter } from "./init.ts";
import { authRouter } from "./routers/auth.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { mapsRouter } from "./routers/maps.ts";
import { opsRouter } from "./routers/ops.ts";
import { songsRouter } from "./routers/songs.ts";
import { systemRouter } from "./routers/system.ts";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  auth: authRouter,
  maps: mapsRouter,
  songs: songsRouter,
  jobs: jobsRouter,
  ops: opsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
