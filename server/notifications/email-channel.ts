// Email delivery of notifications that are worth an email (a server job ended, a budget alert).
// Everything else stays in-app. The cost of each email is recorded like any other server cost.
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { sendMail } from "../mail/send-mail.ts";
import type { NotificationChannel, StoredNotification } from "./notify.ts";

const log = moduleLogger("email-channel");

const EMAILED_KINDS = /^(job|ops)\./;

export interface EmailChannelOptions {
  /** The app's public origin, for links in the email (e.g. https://beatsight.example). */
  origin: string;
  priceUsd: number;
  send?: typeof sendMail;
}

export function emailChannel(options: EmailChannelOptions): NotificationChannel {
  const send = options.send ?? sendMail;
  return async (db: Db, n: StoredNotification) => {
    if (!EMAILED_KINDS.test(n.kind)) return;
    const user = await db.user.findUnique({
      where: { id: n.userId },
      select: { email: true, emailVerifiedAt: true },
    });
    // Unverified addresses may not be the user's: never mail them anything but verification.
    if (!user?.emailVerifiedAt) return;
    const link = n.payload.url ? new URL(n.payload.url, options.origin).toString() : null;
    const text = `${n.payload.body}${link ? `\n\n${link}` : ""}\n\n— BeatSight`;
    try {
      await send({ to: user.email, subject: n.payload.title, text });
    } catch (err) {
      log.warn({ err, kind: n.kind, userId: n.userId }, "email notification not sent");
      return;
    }
    const jobId = typeof n.payload.jobId === "string" ? n.payload.jobId : null;
    await db.costRecord.create({
      data: { kind: "email", jobId, quantity: 1, unit: "emails", amountUsd: options.priceUsd },
    });
  };
}
