// One way to tell a user something happened. The in-app row (notifications) is the record; the
// emails and Web Pushes it causes are rows in the outbox (notification_deliveries), written in the
// same transaction and sent by the drainer that runs in every process (./delivery-loop.ts), with
// retries. Callers (job completion, verification decisions, budget alerts) never know which
// channels exist, and a notification is never sent for an event that rolled back.
import type { Db, Prisma } from "../db/client.ts";
import type { Tx } from "../db/transaction.ts";
import { enqueueDeliveries } from "./deliveries.ts";
import { wakeNotificationDelivery } from "./delivery-loop.ts";

export interface NotificationPayload {
  title: string;
  body: string;
  /** Where the notification leads, an app path such as /play/… or /maps/…. */
  url?: string;
  [key: string]: unknown;
}

export interface StoredNotification {
  id: string;
  userId: string;
  kind: string;
  payload: NotificationPayload;
}

/**
 * Writes the notification and its deliveries. Pass the transaction of the event that causes it
 * (`tx`), so both commit together; with the plain client the two writes get a transaction of
 * their own, and this process's drainer is woken to send at once.
 */
export async function notify(
  db: Db | Tx,
  userId: string,
  kind: string,
  payload: NotificationPayload,
): Promise<StoredNotification> {
  const write = async (tx: Tx) => {
    const row = await tx.notification.create({
      data: { userId, kind, payload: payload as Prisma.InputJsonObject },
      select: { id: true },
    });
    const stored: StoredNotification = { id: row.id, userId, kind, payload };
    return { stored, deliveries: await enqueueDeliveries(tx, stored) };
  };
  if (!("$transaction" in db)) return (await write(db)).stored;
  const { stored, deliveries } = await db.$transaction(write);
  if (deliveries > 0) wakeNotificationDelivery();
  return stored;
}
