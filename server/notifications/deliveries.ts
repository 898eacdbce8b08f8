// The notification outbox. notify() writes the in-app row and, in the same transaction, one row in
// notification_deliveries per email or Web Push it should cause. A drainer — running in every web
// process and worker, whether or not server generation is on — claims due rows, sends them and
// records the outcome: sent; or failed, to be tried again after a doubling wait; or, after
// DELIVERY_POLICY.maxAttempts failures, dead (listed on /ops).
//
// Claiming: one UPDATE takes due rows with FOR UPDATE SKIP LOCKED and moves each one's
// next_attempt_at past the send (a lease of leaseSeconds). Two drainers never take the same row;
// a drainer that dies mid-send leaves its rows to be taken again once the lease ends. Delivery is
// therefore at least once: only a crash between a successful send and its bookkeeping repeats one.
import type { Db, Prisma } from "../db/client.ts";
import type { Tx } from "../db/transaction.ts";
import { moduleLogger } from "../log.ts";

const log = moduleLogger("notification-deliveries");

export type DeliveryChannel = "email" | "push";

export interface DeliveryPolicy {
  /** Attempts in all; the last failure makes the delivery dead. */
  maxAttempts: number;
  /** Wait after the first failure; doubles with each further one, up to maxDelaySeconds. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** How long a claimed delivery is left to its drainer before another may take it. */
  leaseSeconds: number;
  /** Deliveries claimed per round. */
  batchSize: number;
}

export const DELIVERY_POLICY: DeliveryPolicy = {
  // 30 s, 1, 2, 4, 8, 16, 32 min: a mail server down for about an hour loses nothing.
  maxAttempts: 8,
  baseDelaySeconds: 30,
  maxDelaySeconds: 3600,
  // Longer than one SMTP conversation may take (../mail/send-mail.ts SMTP_TIMEOUTS) or a push.
  leaseSeconds: 300,
  batchSize: 20,
};

/** What a delivery carries: the notification's kind and payload, copied when it was written. */
export interface DeliveryPayload {
  kind: string;
  title: string;
  body: string;
  url?: string;
  [key: string]: unknown;
}

export interface ClaimedDelivery {
  id: string;
  notificationId: string;
  channel: DeliveryChannel;
  userId: string;
  pushSubscriptionId: string | null;
  payload: DeliveryPayload;
  /** This attempt's number, 1 for the first. */
  attempt: number;
}

/** What a channel did with one delivery; a failure is thrown, with a message for the ops page. */
export type DeliveryOutcome = { sent: true } | { sent: false; skipped: string };

/** Sends one claimed delivery. Throws when the send failed and may succeed later. */
export type DeliverySender = (db: Db, delivery: ClaimedDelivery) => Promise<DeliveryOutcome>;

export type DeliverySenders = Record<DeliveryChannel, DeliverySender>;

/** Notification kinds worth an email (a server job ended, a budget alert); the rest stay in-app and push. */
export const EMAILED_KINDS = /^(job|ops)\./;

/**
 * Writes the deliveries of one notification, on the notification's transaction: an email when the
 * kind is emailed and the user's address is confirmed (unconfirmed addresses may not be theirs:
 * they get nothing but the confirmation mail), and a push to each browser the user subscribed.
 */
export async function enqueueDeliveries(
  tx: Tx,
  notification: { id: string; userId: string; kind: string; payload: Omit<DeliveryPayload, "kind"> },
): Promise<number> {
  const payload = { ...notification.payload, kind: notification.kind } as Prisma.InputJsonObject;
  const [user, subscriptions] = await Promise.all([
    EMAILED_KINDS.test(notification.kind)
      ? tx.user.findUnique({ where: { id: notification.userId }, select: { emailVerifiedAt: true } })
      : null,
    tx.pushSubscription.findMany({ where: { userId: notification.userId }, select: { id: true } }),
  ]);
  const rows: Prisma.NotificationDeliveryCreateManyInput[] = [];
  const base = { notificationId: notification.id, userId: notification.userId, payload };
  if (user?.emailVerifiedAt) rows.push({ ...base, channel: "email" });
  for (const s of subscriptions) rows.push({ ...base, channel: "push", pushSubscriptionId: s.id });
  if (rows.length > 0) await tx.notificationDelivery.createMany({ data: rows });
  return rows.length;
}

/** Seconds to wait after the `attempt`-th failure: doubling from the base, capped, up to 20% later. */
export function retryDelaySeconds(attempt: number, policy: DeliveryPolicy, random = Math.random): number {
  const doubled = policy.baseDelaySeconds * 2 ** Math.max(0, attempt - 1);
  // The jitter spreads out what piled up during an outage, so it is not all retried in one burst.
  return Math.min(policy.maxDelaySeconds, doubled) * (1 + 0.2 * random());
}

/** Claims up to batchSize due deliveries for this drainer (see the lease above). */
export async function claimDeliveries(db: Db, policy: DeliveryPolicy): Promise<ClaimedDelivery[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      notification_id: string;
      channel: DeliveryChannel;
      user_id: string;
      push_subscription_id: string | null;
      payload: DeliveryPayload;
      attempts: number;
    }[]
  >`
    UPDATE notification_deliveries
       SET attempts = attempts + 1,
           next_attempt_at = now() + make_interval(secs => ${policy.leaseSeconds}::float8)
     WHERE id IN (SELECT id FROM notification_deliveries
                   WHERE state = 'pending' AND next_attempt_at <= now()
                   ORDER BY next_attempt_at
                   LIMIT ${policy.batchSize}
                   FOR UPDATE SKIP LOCKED)
    RETURNING id::text, notification_id::text, channel, user_id::text, push_subscription_id::text,
              payload, attempts`;
  return rows.map((r) => ({
    id: r.id,
    notificationId: r.notification_id,
    channel: r.channel,
    userId: r.user_id,
    pushSubscriptionId: r.push_subscription_id,
    payload: r.payload,
    attempt: r.attempts,
  }));
}

export interface DrainResult {
  claimed: number;
  sent: number;
  skipped: number;
  retrying: number;
  dead: number;
}

/** One round: claims due deliveries, sends each, records each outcome. */
export async function drainDeliveries(
  db: Db,
  senders: DeliverySenders,
  policy: DeliveryPolicy = DELIVERY_POLICY,
): Promise<DrainResult> {
  const claimed = await claimDeliveries(db, policy);
  const result: DrainResult = { claimed: claimed.length, sent: 0, skipped: 0, retrying: 0, dead: 0 };
  for (const delivery of claimed) {
    // Bookkeeping only while the claim is still this drainer's (attempts unchanged).
    const mine = { id: delivery.id, state: "pending", attempts: delivery.attempt };
    let outcome: DeliveryOutcome;
    try {
      outcome = await senders[delivery.channel](db, delivery);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      if (delivery.attempt >= policy.maxAttempts) {
        await db.notificationDelivery.updateMany({
          where: mine,
          data: { state: "dead", lastError: message },
        });
        result.dead++;
        log.error(
          { err: error, deliveryId: delivery.id, channel: delivery.channel, attempts: delivery.attempt },
          "notification delivery gave up",
        );
      } else {
        const wait = retryDelaySeconds(delivery.attempt, policy);
        await db.notificationDelivery.updateMany({
          where: mine,
          data: { lastError: message, nextAttemptAt: new Date(Date.now() + wait * 1000) },
        });
        result.retrying++;
        log.warn(
          { err: error, deliveryId: delivery.id, channel: delivery.channel, attempt: delivery.attempt, wait },
          "notification delivery failed; will retry",
        );
      }
      continue;
    }
    if (outcome.sent) {
      await db.notificationDelivery.updateMany({
        where: mine,
        data: { state: "sent", sentAt: new Date(), lastError: null },
      });
      result.sent++;
    } else {
      await db.notificationDelivery.updateMany({
        where: mine,
        data: { state: "skipped", lastError: outcome.skipped },
      });
      result.skipped++;
    }
  }
  return result;
}

/** How long finished deliveries are kept: sent and skipped ones briefly, dead ones for the ops page. */
export const DELIVERY_KEEP_DAYS = { done: 14, dead: 90 } as const;

export async function pruneDeliveries(db: Db): Promise<number> {
  const day = 24 * 3600 * 1000;
  const { count } = await db.notificationDelivery.deleteMany({
    where: {
      OR: [
        {
          state: { in: ["sent", "skipped"] },
          createdAt: { lt: new Date(Date.now() - DELIVERY_KEEP_DAYS.done * day) },
        },
        { state: "dead", createdAt: { lt: new Date(Date.now() - DELIVERY_KEEP_DAYS.dead * day) } },
      ],
    },
  });
  return count;
}

export interface DeliverySummary {
  pending: number;
  dead: number;
  /** The newest dead deliveries, for the ops page. */
  recentDead: {
    id: string;
    channel: string;
    kind: string;
    attempts: number;
    lastError: string | null;
    createdAt: Date;
  }[];
}

export async function deliverySummary(db: Db): Promise<DeliverySummary> {
  const [pending, dead, recent] = await Promise.all([
    db.notificationDelivery.count({ where: { state: "pending" } }),
    db.notificationDelivery.count({ where: { state: "dead" } }),
    db.notificationDelivery.findMany({
      where: { state: "dead" },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, channel: true, payload: true, attempts: true, lastError: true, createdAt: true },
    }),
  ]);
  return {
    pending,
    dead,
    recentDead: recent.map((d) => ({
      id: d.id,
      channel: d.channel,
      kind: String((d.payload as { kind?: unknown }).kind ?? ""),
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt,
    })),
  };
}
