// Single-use links sent by email (verify an address, reset a password, sign in). The link carries a random
// token; the table keeps its hash, an expiry and when it was used. Issuing a new link of a kind
// retires the user's older unused ones, so only the latest email works.
import type { Db, Prisma } from "../db/client.ts";
import type { EmailTokenKind } from "../db/generated/enums.ts";
import { hashToken, isWellFormedToken, newToken } from "./tokens.ts";

export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenKind, number> = {
  verify_email: 24 * 3600 * 1000,
  reset_password: 3600 * 1000,
  sign_in: 15 * 60 * 1000,
};

export async function issueEmailToken(
  db: Db,
  userId: string,
  kind: EmailTokenKind,
  now = new Date(),
): Promise<string> {
  const token = newToken();
  await db.$transaction([
    db.emailToken.deleteMany({ where: { userId, kind, usedAt: null } }),
    db.emailToken.create({
      data: {
        userId,
        kind,
        tokenHash: hashToken(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + EMAIL_TOKEN_TTL_MS[kind]),
      },
    }),
  ]);
  return token;
}

/** The user a token would sign for, without using it up (to check input before spending it). */
export async function peekEmailToken(
  db: Db,
  token: string,
  kind: EmailTokenKind,
  now = new Date(),
): Promise<{ userId: string } | null> {
  if (!isWellFormedToken(token)) return null;
  const row = await db.emailToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.kind !== kind || row.usedAt !== null || row.expiresAt <= now) return null;
  return { userId: row.userId };
}

/**
 * Marks the token used and returns its user, or null when it is unknown, of another kind, expired
 * or already used. The conditional update makes two simultaneous uses yield one success.
 */
export async function consumeEmailToken(
  db: Db | Prisma.TransactionClient,
  token: string,
  kind: EmailTokenKind,
  now = new Date(),
): Promise<{ userId: string } | null> {
  if (!isWellFormedToken(token)) return null;
  const row = await db.emailToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.kind !== kind) return null;
  const { count } = await db.emailToken.updateMany({
    where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  return count === 1 ? { userId: row.userId } : null;
}
