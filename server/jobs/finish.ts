// Telling everyone who waits for a job how it ended: the requester and everyone who joined it.
// Each subscriber is claimed (notified_at set) before notify() runs, so a repeated delivery of the
// same job never tells anyone twice; if notify() itself fails the claim is released for the retry.
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { notify } from "../notifications/notify.ts";

const log = moduleLogger("jobs");

export const JOB_NOTIFICATION_KINDS = { complete: "job.complete", failed: "job.failed" } as const;

export async function notifyJobFinished(db: Db, jobId: string): Promise<number> {
  const job = await db.aiJob.findUnique({
    where: { id: jobId },
    select: {
      state: true,
      error: true,
      uploadName: true,
      resultMapId: true,
      song: { select: { id: true, title: true } },
      subscribers: { where: { notifiedAt: null }, select: { userId: true } },
    },
  });
  if (!job || (job.state !== "complete" && job.state !== "failed")) return 0;
  const name = job.song?.title ?? job.uploadName?.replace(/\.[^.]+$/, "") ?? "your song";
  const payload =
    job.state === "complete"
      ? {
          title: "Your chart is ready",
          body: `The server finished charting ${name}. Open it to practise.`,
          url: `/jobs/${jobId}`,
          jobId,
          mapId: job.resultMapId,
        }
      : {
          title: "The server could not chart your song",
          body: `${name}: ${job.error ?? "the job failed"}`,
          url: `/jobs/${jobId}`,
          jobId,
        };
  let told = 0;
  for (const { userId } of job.subscribers) {
    const claimed = await db.aiJobSubscriber.updateMany({
      where: { jobId, userId, notifiedAt: null },
      data: { notifiedAt: new Date() },
    });
    if (claimed.count === 0) continue; // another delivery of this job got there first
    try {
      await notify(
        db,
        userId,
        job.state === "complete" ? JOB_NOTIFICATION_KINDS.complete : JOB_NOTIFICATION_KINDS.failed,
        payload,
      );
      told++;
    } catch (error) {
      log.warn({ err: error, jobId, userId }, "could not notify a subscriber; will retry");
      await db.aiJobSubscriber.updateMany({ where: { jobId, userId }, data: { notifiedAt: null } });
      throw error;
    }
  }
  return told;
}
