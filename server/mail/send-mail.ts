// Outgoing email, one function for the whole app: sendMail(db, { to, subject, text, html? }).
// With SMTP_URL set it goes through that server (nodemailer); without, each message is kept in the
// dev_mail table (the whole message as it would have gone out, plus its parts), which the
// /dev/outbox page and tests read. The table rather than a folder: with several web processes, or
// a worker on another machine, the page must show mail that any of them sent. Callers never know
// which: the API stays this small on purpose. `db` may be a transaction; the kept message then
// commits with it.
import nodemailer, { type Transporter } from "nodemailer";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import type { Tx } from "../db/transaction.ts";
import { env } from "../env.ts";
import { moduleLogger } from "../log.ts";

/** One line, no control characters: a subject must not be able to add mail headers. */
const headerText = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20), "must be a single line");

export const MailMessageSchema = z.object({
  to: z.email(),
  subject: headerText,
  text: z.string().min(1).max(100_000),
  html: z.string().max(200_000).optional(),
});

export type MailMessage = z.infer<typeof MailMessageSchema>;

export interface SentMail {
  /** The SMTP server's message id, or the dev_mail row's id. */
  id: string;
  via: "smtp" | "outbox";
}

export class MailError extends Error {
  override name = "MailError";
}

export interface MailerConfig {
  from: string;
  /** SMTP URL; when absent messages are kept in dev_mail. */
  smtpUrl?: string;
}

export interface Mailer {
  send(db: Db | Tx, message: MailMessage): Promise<SentMail>;
}

/**
 * Bounds on one SMTP conversation. nodemailer's own defaults let a stalled server hold a send for
 * up to ten minutes, longer than a notification delivery's claim (../notifications/deliveries.ts).
 */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

export function createMailer(config: MailerConfig): Mailer {
  const log = moduleLogger("mail");
  let smtp: Transporter | undefined;
  const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    async send(db, input) {
      const message = MailMessageSchema.parse(input);
      const envelope = { from: config.from, ...message };
      if (config.smtpUrl) {
        smtp ??= nodemailer.createTransport({ url: config.smtpUrl, ...SMTP_TIMEOUTS });
        let id: string;
        try {
          id = (await smtp.sendMail(envelope)).messageId;
        } catch (err) {
          log.error({ err, to: message.to, subject: message.subject }, "SMTP delivery failed");
          throw new MailError("The email could not be sent just now; please try again in a few minutes.");
        }
        log.info({ id, to: message.to, subject: message.subject }, "mail sent");
        return { id, via: "smtp" };
      }
      const rendered = await render.sendMail(envelope);
      const kept = await db.devMail.create({
        data: {
          fromAddress: config.from,
          toAddress: message.to,
          subject: message.subject,
          textBody: message.text,
          htmlBody: message.html ?? null,
          raw: (rendered.message as Buffer).toString("utf8"),
        },
        select: { id: true },
      });
      log.info({ id: kept.id, to: message.to, subject: message.subject }, "mail kept in the dev outbox");
      return { id: kept.id, via: "outbox" };
    },
  };
}

const g = globalThis as typeof globalThis & { __beatsightMailer?: Mailer };

/** Sends one email the configured way (SMTP_URL, else dev_mail). Throws MailError when SMTP fails. */
export function sendMail(db: Db | Tx, message: MailMessage): Promise<SentMail> {
  const config = env();
  g.__beatsightMailer ??= createMailer({ from: config.MAIL_FROM, smtpUrl: config.SMTP_URL });
  return g.__beatsightMailer.send(db, message);
}
