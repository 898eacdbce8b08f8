// Web Push delivery (web-push library, VAPID) of a notification to one subscribed browser, sent by
// the outbox drainer (one delivery per subscription, so a retry re-sends to that browser only). A
// subscription the push service says is gone (404/410) is deleted, and the delivery skipped.
import webpush from "web-push";
import type { Db } from "../db/client.ts";
import type { DeliverySender } from "./deliveries.ts";
import type { VapidKeys } from "./vapid.ts";

/** Longest wait for the push service's answer (web-push has none by default). */
const PUSH_TIMEOUT_MS = 30_000;

export function pushSender(options: {
  keys: () => Promise<VapidKeys>;
  subject: string;
  priceUsd: number;
}): DeliverySender {
  return async (db: Db, d) => {
    const s = d.pushSubscriptionId
      ? await db.pushSubscription.findUnique({ where: { id: d.pushSubscriptionId } })
      : null;
    if (!s) return { sent: false, skipped: "The browser unsubscribed." };
    const { kind, ...rest } = d.payload;
    const body = JSON.stringify({ id: d.notificationId, kind, ...rest });
    try {
      await webpush.sendNotification(
        { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
        body,
        {
          vapidDetails: { subject: options.subject, ...(await options.keys()) },
          TTL: 24 * 3600,
          timeout: PUSH_TIMEOUT_MS,
        },
      );
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        await db.pushSubscription.deleteMany({ where: { id: s.id } });
        return { sent: false, skipped: `The push service no longer knows this browser (${status}).` };
      }
      throw new Error(
        `The push service refused the notification${status ? ` (${status})` : ""}: ${String((err as Error).message ?? err)}`,
      );
    }
    const jobId = typeof d.payload.jobId === "string" ? d.payload.jobId : null;
    if (options.priceUsd > 0) {
      await db.costRecord.create({
        data: { kind: "push", jobId, quantity: 1, unit: "pushes", amountUsd: options.priceUsd },
      });
    }
    return { sent: true };
  };
}
