// The API: one router per noun, verbs as procedures.
// Loaded by the Next server only (never by the job worker or the CLI): a client component that
// imports it for more than its types fails the build.
import "server-only";
import { createCallerFactory, createTRPCRouter } from "./init.ts";
import { accountRouter } from "./routers/account.ts";
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { commentsRouter } from "./routers/comments.ts";
import { curationRouter } from "./routers/curation.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { mapsRouter } from "./routers/maps.ts";
import { opsRouter } from "./routers/ops.ts";
import { proposalsRouter } from "./routers/proposals.ts";
import { ratingsRouter } from "./routers/ratings.ts";
import { resultsRouter } from "./routers/results.ts";
import { rolesRouter } from "./routers/roles.ts";
import { songsRouter } from "./routers/songs.ts";
import { systemRouter } from "./routers/system.ts";
import { verifyRouter } from "./routers/verify.ts";
import { votesRouter } from "./routers/votes.ts";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  auth: authRouter,
  account: accountRouter,
  maps: mapsRouter,
  results: resultsRouter,
  songs: songsRouter,
  proposals: proposalsRouter,
  verify: verifyRouter,
  votes: votesRouter,
  comments: commentsRouter,
  ratings: ratingsRouter,
  roles: rolesRouter,
  curation: curationRouter,
  audit: auditRouter,
  jobs: jobsRouter,
  ops: opsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
