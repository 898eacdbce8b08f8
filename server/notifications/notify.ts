// One way to tell a user something happened. The in-app row is the record; other channels
// (Web Push, email) are deliveries of that row and register themselves as channels, so callers
// (job completion, verification decisions) never know which channels exist.
import type { Db, Prisma } from "../db/client.ts";
import { moduleLogger } from "../log.ts";

const log = moduleLogger("notifications");

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

/** A delivery channel. It must not throw for one failed delivery; it logs and moves on. */
export type NotificationChannel = (db: Db, notification: StoredNotification) => Promise<void>;

const channels: NotificationChannel[] = [];

export function registerNotificationChannel(channel: NotificationChannel): void {
  if (!channels.includes(channel)) channels.push(channel);
}

export async function notify(
  db: Db,
  userId: string,
  kind: string,
  payload: NotificationPayload,
): Promise<StoredNotification> {
  const row = await db.notification.create({
    data: { userId, kind, payload: payload as Prisma.InputJsonObject },
    select: { id: true },
  });
  const stored: StoredNotification = { id: row.id, userId, kind, payload };
  for (const channel of channels) {
    await channel(db, stored).catch((err: unknown) =>
      log.warn({ err, kind, userId }, "notification channel failed"),
    );
  }
  return stored;
}
