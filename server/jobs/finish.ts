// Telling everyone who waits for a job how it ended: the requester and everyone who joined it.
// Each subscriber is claimed (notified_at set) in the same transaction as the notification and its
// email/push deliveries (the outbox, ../notifications/deliveries.ts), so a repeated delivery of the
// same job never tells anyone twice, and a failure leaves the subscriber unclaimed for the retry.
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { wakeNotificationDelivery } from "../notifications/delivery-loop.ts";
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
  const kind = job.state === "complete" ? JOB_NOTIFICATION_KINDS.complete : JOB_NOTIFICATION_KINDS.failed;
  let told = 0;
  for (const { userId } of job.subscribers) {
    try {
      const notified = await db.$transaction(async (tx) => {
        const claimed = await tx.aiJobSubscriber.updateMany({
          where: { jobId, userId, notifiedAt: null },
          data: { notifiedAt: new Date() },
        });
        if (claimed.count === 0) return false; // another delivery of this job got there first
        await notify(tx, userId, kind, payload);
        return true;
      });
      if (notified) told++;
    } catch (error) {
      log.warn({ err: error, jobId, userId }, "could not notify a subscriber; will retry");
      throw error;
    }
  }
  if (told > 0) wakeNotificationDelivery();
  return told;
}
