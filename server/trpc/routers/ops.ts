// ops: the operator's page (admins only): costs, projections, budget, dead-lettered jobs.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { jobsConfig } from "../../jobs/config.ts";
import { opsSummary } from "../../jobs/ops.ts";
import { RequeueError, requeueFailedJob } from "../../jobs/queue.ts";
import { getJobSystem } from "../../jobs/runtime.ts";
import { DEAD_LETTER_QUEUE } from "../../queue/boss.ts";
import { createTRPCRouter, permittedProcedure } from "../init.ts";

export const opsRouter = createTRPCRouter({
  summary: permittedProcedure("ops.view").query(({ ctx }) => opsSummary(ctx.db, jobsConfig())),

  /** Jobs that failed for good (their message is in the dead-letter queue), newest first. */
  failedJobs: permittedProcedure("jobs.admin").query(async ({ ctx }) => {
    const jobs = await ctx.db.aiJob.findMany({
      where: { state: "failed" },
      orderBy: { finishedAt: "desc" },
      take: 50,
      select: {
        id: true,
        error: true,
        attempts: true,
        finishedAt: true,
        uploadName: true,
        uploadDeletedAt: true,
        songId: true,
      },
    });
    const { boss } = await getJobSystem();
    return { jobs, deadLetters: await boss.getQueueSize(DEAD_LETTER_QUEUE) };
  }),

  /** Queues a failed job again (while its audio is still kept). */
  retry: permittedProcedure("jobs.admin")
    .meta({ limit: "ops.retry" })
    .input(z.object({ id: z.uuid("is not a job id") }))
    .mutation(async ({ ctx, input }) => {
      const { queue } = await getJobSystem();
      try {
        await requeueFailedJob(ctx.db, queue, { jobId: input.id, actorId: ctx.session.user.id });
      } catch (error) {
        if (error instanceof RequeueError) {
          const code = error.reason === "conflict" ? "CONFLICT" : "PRECONDITION_FAILED";
          throw new TRPCError({ code, message: error.message });
        }
        throw error;
      }
      return { ok: true };
    }),
});
