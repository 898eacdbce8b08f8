// jobs: server generation for signed-in users — what they may still do, the live status of their
// jobs, the finished chart, Web Push subscriptions. Uploads arrive at app/api/jobs/upload (a
// stream, not JSON); the logic is in server/jobs/*.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { can, loadActor } from "../../auth/permissions.ts";
import type { Db } from "../../db/client.ts";
import { directUploadOrigin, jobsConfig } from "../../jobs/config.ts";
import { monthlyAllowance } from "../../jobs/quota.ts";
import { getJobSystem, jobsEnabled } from "../../jobs/runtime.ts";
import { jobStatus } from "../../jobs/status.ts";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../init.ts";

const jobId = z.object({ id: z.uuid("is not a job id") });

/** Subscribers see their job; admins see every job. Anyone else gets NOT_FOUND (no probing). */
async function assertWatcher(db: Db, userId: string, id: string): Promise<void> {
  const sub = await db.aiJobSubscriber.findUnique({ where: { jobId_userId: { jobId: id, userId } } });
  if (sub) return;
  if (can(await loadActor(db, userId), "jobs.admin")) return;
  throw new TRPCError({ code: "NOT_FOUND", message: "There is no job with this id among yours." });
}

export const jobsRouter = createTRPCRouter({
  /** Whether this installation offers server generation, its upload limit, and the user's allowance. */
  offer: publicProcedure.query(async ({ ctx }) => {
    if (!jobsEnabled()) return { enabled: false as const };
    const config = jobsConfig();
    const allowance = ctx.session
      ? await monthlyAllowance(ctx.db, ctx.session.user.id, config.FREE_MONTHLY_SERVER_JOBS)
      : null;
    return {
      enabled: true as const,
      signedIn: ctx.session !== null,
      maxUploadBytes: config.uploadMaxBytes,
      /** The page sends the file straight to object storage (app/api/jobs/upload-url) rather than to POST /api/jobs/upload. */
      directUpload: directUploadOrigin(config) !== null,
      allowance: allowance && {
        remaining: Number.isFinite(allowance.remaining) ? allowance.remaining : null,
        limit: allowance.limit,
        message: allowance.message,
      },
    };
  }),

  status: protectedProcedure.input(jobId).query(async ({ ctx, input }) => {
    await assertWatcher(ctx.db, ctx.session.user.id, input.id);
    const status = await jobStatus(ctx.db, input.id);
    if (!status) throw new TRPCError({ code: "NOT_FOUND", message: "There is no job with this id." });
    return status;
  }),

  /** The user's recent server jobs, newest first. */
  mine: protectedProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db.aiJobSubscriber.findMany({
      where: { userId: ctx.session.user.id },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { jobId: true },
    });
    const statuses = await Promise.all(rows.map((r) => jobStatus(ctx.db, r.jobId)));
    return statuses.filter((s) => s !== null);
  }),

  /** The finished job's chart (the map's newest version), to keep in the local library. */
  result: protectedProcedure.input(jobId).query(async ({ ctx, input }) => {
    await assertWatcher(ctx.db, ctx.session.user.id, input.id);
    const job = await ctx.db.aiJob.findUnique({
      where: { id: input.id },
      select: { state: true, resultMapId: true, songId: true },
    });
    if (job?.state !== "complete" || !job.resultMapId) {
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This job has no chart yet." });
    }
    const version = await ctx.db.mapVersion.findFirst({
      where: { mapId: job.resultMapId },
      orderBy: { number: "desc" },
      select: { id: true, content: true, contentHash: true },
    });
    if (!version) throw new TRPCError({ code: "NOT_FOUND", message: "The job's chart was removed." });
    return { songId: job.songId, mapId: job.resultMapId, versionId: version.id, chart: version.content };
  }),

  /** Stop waiting for a job; a queued job nobody else waits for is cancelled. */
  leave: protectedProcedure
    .meta({ limit: "jobs.leave" })
    .input(jobId)
    .mutation(async ({ ctx, input }) => {
      await assertWatcher(ctx.db, ctx.session.user.id, input.id);
      await ctx.db.aiJobSubscriber.deleteMany({ where: { jobId: input.id, userId: ctx.session.user.id } });
      const left = await ctx.db.aiJobSubscriber.count({ where: { jobId: input.id } });
      if (left > 0) return { cancelled: false };
      const job = await ctx.db.aiJob.updateManyAndReturn({
        where: { id: input.id, state: "queued" },
        data: { state: "cancelled", finishedAt: new Date(), error: "Cancelled by the user." },
        select: { queueJobId: true },
      });
      const queueJobId = job[0]?.queueJobId;
      if (queueJobId) {
        const { boss } = await getJobSystem();
        await boss.cancel("ai-generate", queueJobId).catch(() => {});
      }
      return { cancelled: job.length > 0 };
    }),

  /** The server's VAPID public key, for PushManager.subscribe. */
  pushKey: publicProcedure.query(async () => (await getJobSystem()).vapid.publicKey),

  subscribePush: protectedProcedure
    .meta({ limit: "jobs.subscribePush" })
    .input(
      z.object({
        endpoint: z
          .url()
          .max(2048)
          .refine((u) => u.startsWith("https://"), "must be an https URL"),
        keys: z.object({ p256dh: z.string().min(1).max(256), auth: z.string().min(1).max(256) }),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.db.pushSubscription.upsert({
        where: { endpoint: input.endpoint },
        create: { userId: ctx.session.user.id, endpoint: input.endpoint, ...input.keys },
        update: { userId: ctx.session.user.id, ...input.keys },
      });
      return { ok: true };
    }),
});
