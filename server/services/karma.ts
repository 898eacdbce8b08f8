// Karma, exactly as PRODUCT.md says: accepted fix +25, verified map +50, rejected fix −5, helpful
// vote +1 (at most HELPFUL_VOTES_PER_DAY a day per person). Karma is the sum of the append-only
// ledger; an award is one row, written once per (user, reason, subject) — the partial unique index
// from migration 0004 makes retries and races harmless.
import type { Db, Prisma } from "../db/client.ts";

type Client = Db | Prisma.TransactionClient;

export const KARMA = {
  fix_accepted: 25,
  map_verified: 50,
  fix_rejected: -5,
  helpful_vote: 1,
} as const;

export type AwardReason = keyof typeof KARMA;

/** Helpful-vote karma a person can receive per UTC day; more votes still count, karma does not. */
export const HELPFUL_VOTES_PER_DAY = 10;

export interface Award {
  userId: string;
  reason: AwardReason;
  subjectType: string;
  subjectId: string;
  /** When it was earned (default: now). */
  at?: Date;
}

/** Writes the award unless this user already got it for this subject. Returns whether it was written. */
export async function award(
  db: Client,
  { userId, reason, subjectType, subjectId, at = new Date() }: Award,
): Promise<boolean> {
  // ON CONFLICT rather than catching the unique violation: a violation would abort the caller's transaction.
  const written = await db.$executeRaw`
    INSERT INTO karma_ledger (user_id, delta, reason, subject_type, subject_id, created_at)
    VALUES (${userId}::uuid, ${KARMA[reason]}, ${reason}::karma_reason, ${subjectType}, ${subjectId}, ${at})
    ON CONFLICT (user_id, reason, subject_type, subject_id)
      WHERE reason <> 'adjustment' AND subject_id IS NOT NULL
    DO NOTHING`;
  return written > 0;
}

export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * +1 to `recipientId` for an upvote, unless they already had HELPFUL_VOTES_PER_DAY today. Must run
 * inside a transaction: the per-recipient advisory lock makes "count, then insert" atomic, so two
 * votes at the same moment cannot both take the tenth slot.
 */
export async function awardHelpfulVote(
  tx: Prisma.TransactionClient,
  { recipientId, voteId, now = new Date() }: { recipientId: string; voteId: string; now?: Date },
): Promise<boolean> {
  await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`karma:${recipientId}`}))) l`;
  const dayStart = startOfUtcDay(now);
  const dayEnd = new Date(dayStart.getTime() + 24 * 3600 * 1000);
  const today = await tx.karmaEntry.count({
    where: { userId: recipientId, reason: "helpful_vote", createdAt: { gte: dayStart, lt: dayEnd } },
  });
  if (today >= HELPFUL_VOTES_PER_DAY) return false;
  return award(tx, {
    userId: recipientId,
    reason: "helpful_vote",
    subjectType: "vote",
    subjectId: voteId,
    at: now,
  });
}

export interface KarmaSummary {
  total: number;
  byReason: Partial<Record<string, number>>;
}

export async function karmaSummary(db: Client, userId: string): Promise<KarmaSummary> {
  const rows = await db.karmaEntry.groupBy({ by: ["reason"], where: { userId }, _sum: { delta: true } });
  const byReason = Object.fromEntries(rows.map((r) => [r.reason, r._sum.delta ?? 0]));
  return { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason };
}
