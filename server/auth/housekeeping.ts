// Account records that have served their purpose are deleted, not kept until the account goes:
// sessions that ended by themselves, emailed links that expired (used or not), and passkey
// challenges nobody answered. Run hourly in every process (server/notifications/delivery-loop.ts),
// whether or not server generation is on; deletes are idempotent, so processes need no turns.
import type { Db } from "../db/client.ts";

/** Kept this long past their expiry, so a request that read one just before it expired finishes. */
export const ENDED_RECORDS_GRACE_MS = 24 * 3600 * 1000;

export interface HousekeepingResult {
  sessions: number;
  emailTokens: number;
  challenges: number;
}

export async function deleteEndedAccountRecords(db: Db, now = new Date()): Promise<HousekeepingResult> {
  const before = new Date(now.getTime() - ENDED_RECORDS_GRACE_MS);
  const [sessions, emailTokens, challenges] = await Promise.all([
    db.session.deleteMany({ where: { expiresAt: { lt: before } } }),
    db.emailToken.deleteMany({ where: { expiresAt: { lt: before } } }),
    db.webauthnChallenge.deleteMany({ where: { expiresAt: { lt: before } } }),
  ]);
  return { sessions: sessions.count, emailTokens: emailTokens.count, challenges: challenges.count };
}
