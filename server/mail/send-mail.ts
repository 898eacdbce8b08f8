// Outgoing email, one function for the whole app: sendMail({ to, subject, text, html? }).
// With SMTP_URL set it goes through that server (nodemailer); without, each message is written to
// DATA_DIR/outbox as an .eml (open it in any mail client) plus a .json that the /dev/outbox page
// and tests read. Callers never know which: the API stays this small on purpose.
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { z } from "zod";
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
  /** Our id for the message (the outbox file name without extension). */
  id: string;
  via: "smtp" | "outbox";
}

export class MailError extends Error {
  override name = "MailError";
}

export interface MailerConfig {
  from: string;
  /** SMTP URL; when absent messages go to `outboxDir`. */
  smtpUrl?: string;
  outboxDir: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
}

export function createMailer(config: MailerConfig): Mailer {
  const log = moduleLogger("mail");
  let smtp: Transporter | undefined;
  const outbox = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    async send(input) {
      const message = MailMessageSchema.parse(input);
      // Sortable by time, unique without coordination.
      const id = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}`;
      const envelope = { from: config.from, ...message };
      if (config.smtpUrl) {
        smtp ??= nodemailer.createTransport(config.smtpUrl);
        try {
          await smtp.sendMail(envelope);
        } catch (err) {
          log.error({ err, to: message.to, subject: message.subject }, "SMTP delivery failed");
          throw new MailError("The email could not be sent just now; please try again in a few minutes.");
        }
        log.info({ id, to: message.to, subject: message.subject }, "mail sent");
        return { id, via: "smtp" };
      }
      const info = await outbox.sendMail(envelope);
      await mkdir(config.outboxDir, { recursive: true });
      await writeFile(path.join(config.outboxDir, `${id}.eml`), info.message as Buffer);
      const stored: OutboxRecord = { id, from: config.from, ...message, sentAt: new Date().toISOString() };
      // The .json last: readers list .json files, so they never see a half-written message.
      await writeFile(path.join(config.outboxDir, `${id}.json`), JSON.stringify(stored, null, 2));
      log.info({ id, to: message.to, subject: message.subject }, "mail written to outbox");
      return { id, via: "outbox" };
    },
  };
}

/** What the outbox keeps of a message (server/mail/outbox.ts reads these). */
export interface OutboxRecord extends MailMessage {
  id: string;
  from: string;
  sentAt: string;
}

export function outboxDir(): string {
  return path.join(env().dataDir, "outbox");
}

const g = globalThis as typeof globalThis & { __beatsightMailer?: Mailer };

/** Sends one email the configured way (SMTP_URL, else the outbox). Throws MailError when SMTP fails. */
export function sendMail(message: MailMessage): Promise<SentMail> {
  const config = env();
  g.__beatsightMailer ??= createMailer({
    from: config.MAIL_FROM,
    smtpUrl: config.SMTP_URL,
    outboxDir: outboxDir(),
  });
  return g.__beatsightMailer.send(message);
}
