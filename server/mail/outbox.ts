// Reading the dev outbox (mail kept in dev_mail when no SMTP server is configured): the /dev/outbox
// page and tests use it to find links that would otherwise arrive by email. Any process reads what
// any process sent.
import type { Db } from "../db/client.ts";
import { env } from "../env.ts";

/** What the outbox shows of a message. */
export interface OutboxRecord {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** ISO 8601. */
  sentAt: string;
}

/** How long kept mail stays; the notification drainer deletes older rows (deliveries.ts). */
export const DEV_MAIL_KEEP_DAYS = 14;

/** The newest `limit` messages first, optionally only those to one address. */
export async function listOutbox(
  db: Db,
  options: { limit?: number; to?: string } = {},
): Promise<OutboxRecord[]> {
  const rows = await db.devMail.findMany({
    where: options.to ? { toAddress: options.to } : {},
    orderBy: [{ sentAt: "desc" }, { id: "desc" }],
    take: options.limit ?? 50,
  });
  return rows.map((r) => ({
    id: r.id,
    from: r.fromAddress,
    to: r.toAddress,
    subject: r.subject,
    text: r.textBody,
    ...(r.htmlBody === null ? {} : { html: r.htmlBody }),
    sentAt: r.sentAt.toISOString(),
  }));
}

/** Deletes kept mail older than DEV_MAIL_KEEP_DAYS; returns how many. */
export async function pruneOutbox(db: Db): Promise<number> {
  const cutoff = new Date(Date.now() - DEV_MAIL_KEEP_DAYS * 24 * 3600 * 1000);
  return (await db.devMail.deleteMany({ where: { sentAt: { lt: cutoff } } })).count;
}

/** Whether /dev/outbox may be shown: always outside production, in production only with DEV_OUTBOX=1. */
export function outboxPageEnabled(): boolean {
  const config = env();
  return config.NODE_ENV !== "production" || config.DEV_OUTBOX === "1";
}
