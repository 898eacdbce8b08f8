// ops: the operator's page (admins only): costs, projections, budget, dead-lettered jobs.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { Prisma } from "../../db/client.ts";
import { jobsConfig } from "../../jobs/config.ts";
import { opsSummary } from "../../jobs/ops.ts";
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
      const job = await ctx.db.aiJob.findUnique({ where: { id: input.id } });
      if (job?.state !== "failed") {
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Only failed jobs can be retried." });
      }
      if (!job.uploadKey || job.uploadDeletedAt) {
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: "This job's audio was already deleted; ask the user to upload it again.",
        });
      }
      try {
        await ctx.db.aiJob.update({
          where: { id: input.id },
          data: { state: "queued", error: null, finishedAt: null, stage: null, progress: 0 },
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({
            code: "CONFLICT",
            message: "Another job for this song is already queued or running.",
          });
        }
        throw error;
      }
      await ctx.db.aiJobSubscriber.updateMany({ where: { jobId: input.id }, data: { notifiedAt: null } });
      await ctx.db.auditLogEntry.create({
        data: {
          actorId: ctx.session.user.id,
          action: "jobs.retry",
          subjectType: "ai_job",
          subjectId: input.id,
        },
      });
      const { queue } = await getJobSystem();
      await queue.enqueue(input.id, job.priority);
      return { ok: true };
    }),
});
