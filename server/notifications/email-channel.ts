// Email delivery of a notification (kinds worth an email: deliveries.ts EMAILED_KINDS), sent by the
// outbox drainer. The address is read at send time; the cost of each email is recorded like any
// other server cost. A failed send throws, so the drainer retries it.
import type { Db } from "../db/client.ts";
import { sendMail } from "../mail/send-mail.ts";
import type { DeliverySender } from "./deliveries.ts";

export interface EmailChannelOptions {
  /** The app's public origin, for links in the email (e.g. https://beatsight.example). */
  origin: string;
  priceUsd: number;
  send?: typeof sendMail;
}

export function emailSender(options: EmailChannelOptions): DeliverySender {
  const send = options.send ?? sendMail;
  return async (db: Db, d) => {
    const user = await db.user.findUnique({
      where: { id: d.userId },
      select: { email: true, emailVerifiedAt: true, deletedAt: true },
    });
    // Checked again at send time: the address may have changed hands since the row was written.
    if (!user || user.deletedAt) return { sent: false, skipped: "The account was deleted." };
    if (!user.emailVerifiedAt) return { sent: false, skipped: "The address is not confirmed." };
    const link = d.payload.url ? new URL(d.payload.url, options.origin).toString() : null;
    const text = `${d.payload.body}${link ? `\n\n${link}` : ""}\n\n— BeatSight`;
    await send(db, { to: user.email, subject: d.payload.title, text });
    const jobId = typeof d.payload.jobId === "string" ? d.payload.jobId : null;
    await db.costRecord.create({
      data: { kind: "email", jobId, quantity: 1, unit: "emails", amountUsd: options.priceUsd },
    });
    return { sent: true };
  };
}
