// Web Push delivery (web-push library, VAPID): every notification goes to each browser the user
// subscribed. Subscriptions the push service says are gone (404/410) are deleted.
import webpush from "web-push";
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import type { NotificationChannel, StoredNotification } from "./notify.ts";
import type { VapidKeys } from "./vapid.ts";

const log = moduleLogger("push-channel");

export function pushChannel(options: {
  keys: VapidKeys;
  subject: string;
  priceUsd: number;
}): NotificationChannel {
  const vapidDetails = { subject: options.subject, ...options.keys };
  return async (db: Db, n: StoredNotification) => {
    const subscriptions = await db.pushSubscription.findMany({ where: { userId: n.userId } });
    const body = JSON.stringify({ id: n.id, kind: n.kind, ...n.payload });
    for (const s of subscriptions) {
      try {
        await webpush.sendNotification(
          { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
          body,
          {
            vapidDetails,
            TTL: 24 * 3600,
          },
        );
        const jobId = typeof n.payload.jobId === "string" ? n.payload.jobId : null;
        if (options.priceUsd > 0) {
          await db.costRecord.create({
            data: { kind: "push", jobId, quantity: 1, unit: "pushes", amountUsd: options.priceUsd },
          });
        }
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) {
          await db.pushSubscription.delete({ where: { id: s.id } }).catch(() => {});
        } else {
          log.warn({ err, userId: n.userId }, "push not delivered");
        }
      }
    }
  };
}
