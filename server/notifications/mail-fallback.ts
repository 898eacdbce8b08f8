// TEMPORARY until server/mail/send-mail.ts (the accounts work) is on this branch: the same
// signature, sendMail({ to, subject, text, html? }), SMTP through nodemailer when SMTP_URL is set,
// else a JSON record in DATA_DIR/outbox in the format /dev/outbox lists. Delete this file and import
// sendMail from ../mail/send-mail.ts once that lands.
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "../env.ts";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

let smtp: Transporter | undefined;

export async function sendMail(message: MailMessage): Promise<{ id: string; via: "smtp" | "outbox" }> {
  const from = process.env.MAIL_FROM || "BeatSight <no-reply@beatsight.invalid>";
  const id = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}`;
  if (process.env.SMTP_URL) {
    smtp ??= nodemailer.createTransport(process.env.SMTP_URL);
    await smtp.sendMail({ from, ...message });
    return { id, via: "smtp" };
  }
  const dir = path.join(env().dataDir, "outbox");
  await mkdir(dir, { recursive: true });
  const record = { id, from, ...message, sentAt: new Date().toISOString() };
  await writeFile(path.join(dir, `${id}.json`), JSON.stringify(record, null, 2));
  return { id, via: "outbox" };
}
