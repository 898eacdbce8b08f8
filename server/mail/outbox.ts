// Reading the local outbox (mail written when no SMTP server is configured): the /dev/outbox page
// and tests use it to find links that would otherwise arrive by email.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { env } from "../env.ts";
import { type OutboxRecord, outboxDir } from "./send-mail.ts";

const OutboxRecordSchema = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
  sentAt: z.string(),
});

/** The newest `limit` messages first. A missing folder is an empty outbox. */
export async function listOutbox(dir = outboxDir(), limit = 50): Promise<OutboxRecord[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const newest = names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .reverse()
    .slice(0, limit);
  const records: OutboxRecord[] = [];
  for (const name of newest) {
    const parsed = OutboxRecordSchema.safeParse(JSON.parse(await readFile(path.join(dir, name), "utf8")));
    if (parsed.success) records.push(parsed.data);
  }
  return records;
}

/** Whether /dev/outbox may be shown: always outside production, in production only with DEV_OUTBOX=1. */
export function outboxPageEnabled(): boolean {
  const config = env();
  return config.NODE_ENV !== "production" || config.DEV_OUTBOX === "1";
}
