// Email + password accounts: sign up, confirm the address, sign in (with lockout), reset a
// forgotten password. Sessions are in ../auth/sessions.ts, passkeys in ./passkeys.ts.
//
// Nothing here tells a stranger whether an address has an account: sign-up, sign-in and reset
// answer the same words (and spend about the same time) either way, and an address without an
// account even "locks" after the same number of wrong passwords (an in-memory shadow lockout).
import { consumeEmailToken, issueEmailToken, peekEmailToken } from "../auth/email-tokens.ts";
import { authLimits } from "../auth/limits.ts";
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from "../auth/password.ts";
import { recordSecurityEvent } from "../auth/security-events.ts";
import { type ClientInfo, createSession, type NewSession, revokeUserSessions } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import { limitKey } from "../http/trust-proxy.ts";
import { moduleLogger } from "../log.ts";
import { type MailMessage, sendMail } from "../mail/send-mail.ts";
import { alreadyRegisteredMessage, resetPasswordMessage, verifyEmailMessage } from "./accounts-mail.ts";
import type { RateLimiter } from "./rate-limit.ts";

const log = moduleLogger("accounts");

export type AccountErrorCode = "BAD_REQUEST" | "FORBIDDEN" | "UNAUTHORIZED" | "TOO_MANY_REQUESTS";

/** A refusal with a sentence for the person (the router turns it into a tRPC error). */
export class AccountError extends Error {
  override name = "AccountError";
  constructor(
    readonly code: AccountErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Who is asking, and the app's address for links in emails. */
export interface RequestInfo extends ClientInfo {
  origin: string;
}

export const LOCKOUT = { maxFailures: 5, durationMs: 15 * 60_000 } as const;

export const MESSAGES = {
  signUpSent:
    "Check your inbox: we sent a link to confirm your address. It works for 24 hours; open it, then sign in.",
  wrongCredentials: "Wrong email or password. Check both and try again, or reset your password.",
  resetSent:
    "If an account uses this address, we sent it a link to choose a new password. The link works for one hour.",
  badLink: "This link has expired or was already used. Ask for a new one and use the newest email.",
} as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Counts one use against `limiter`; refuses with a wait time when over it. */
export function limit(limiter: RateLimiter, key: string, what: string): void {
  const wait = limiter.take(key);
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60);
    throw new AccountError(
      "TOO_MANY_REQUESTS",
      `Too many ${what} from your network. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`,
    );
  }
}

function lockedMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  const clock = until.toISOString().slice(11, 16);
  return `Too many wrong passwords: sign-in to this account is paused until ${clock} UTC (${minutes} minute${minutes === 1 ? "" : "s"}). To get in sooner, reset your password.`;
}

/** Sends, logging instead of failing when the caller must answer the same either way. */
async function sendQuietly(message: MailMessage): Promise<void> {
  await sendMail(message).catch((err: unknown) => log.error({ err }, "account email not sent"));
}

// ── sign up ──

export async function signUp(
  db: Db,
  input: { email: string; password: string; displayName: string },
  req: RequestInfo,
): Promise<{ message: string }> {
  limit(authLimits().signUpPerIp, limitKey(req.ip), "sign-ups");
  const email = normalizeEmail(input.email);
  const displayName = input.displayName.trim();
  const problem = passwordProblem(input.password, { email, displayName });
  if (problem) throw new AccountError("BAD_REQUEST", problem);
  // Hashed before looking the address up, so a taken address answers as slowly as a new one.
  const passwordHash = await hashPassword(input.password);
  const existing = await db.user.findUnique({ where: { email }, select: { displayName: true } });
  if (existing) {
    if (authLimits().mailPerRecipient.take(email) === 0) {
      await sendQuietly(alreadyRegisteredMessage(email, existing.displayName, req.origin));
    }
    return { message: MESSAGES.signUpSent };
  }
  let userId: string;
  try {
    const user = await db.user.create({ data: { email, displayName, passwordHash }, select: { id: true } });
    userId = user.id;
  } catch (err) {
    // Someone signed up with the same address a moment ago: the same answer as above.
    if ((err as { code?: string }).code === "P2002") return { message: MESSAGES.signUpSent };
    throw err;
  }
  await recordSecurityEvent(db, { action: "account.sign_up", userId, ip: req.ip });
  authLimits().mailPerRecipient.take(email);
  const token = await issueEmailToken(db, userId, "verify_email");
  await sendMail(verifyEmailMessage(email, displayName, req.origin, token));
  return { message: MESSAGES.signUpSent };
}

// ── confirm the address ──

export async function verifyEmail(db: Db, token: string, req: RequestInfo): Promise<{ email: string }> {
  const used = await consumeEmailToken(db, token, "verify_email");
  if (!used) throw new AccountError("BAD_REQUEST", MESSAGES.badLink);
  const user = await db.user.findUniqueOrThrow({ where: { id: used.userId } });
  if (!user.emailVerifiedAt) {
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    await recordSecurityEvent(db, { action: "account.email_verified", userId: user.id, ip: req.ip });
  }
  return { email: user.email };
}

/** A fresh confirmation link for a signed-in user whose address is not confirmed yet. */
export async function resendVerification(
  db: Db,
  userId: string,
  req: RequestInfo,
): Promise<{ message: string }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (user.emailVerifiedAt) return { message: "Your email address is already confirmed." };
  limit(authLimits().mailPerIp, limitKey(req.ip), "emails requested");
  limit(authLimits().mailPerRecipient, user.email, "emails to this address");
  const token = await issueEmailToken(db, user.id, "verify_email");
  await sendMail(verifyEmailMessage(user.email, user.displayName, req.origin, token));
  return { message: `We sent a new link to ${user.email}. It works for 24 hours.` };
}

// ── sign in ──

interface ShadowLock {
  failures: number;
  lockedUntil: number;
}

const g = globalThis as typeof globalThis & { __beatsightShadowLocks?: Map<string, ShadowLock> };

/** Lockout bookkeeping for addresses without an account, so they answer like real ones. */
function shadowLocks(): Map<string, ShadowLock> {
  g.__beatsightShadowLocks ??= new Map();
  return g.__beatsightShadowLocks;
}

function shadowFailure(email: string, now: Date): Date | null {
  const locks = shadowLocks();
  const lock = locks.get(email) ?? { failures: 0, lockedUntil: 0 };
  if (lock.lockedUntil > now.getTime()) return new Date(lock.lockedUntil);
  lock.failures++;
  if (lock.failures >= LOCKOUT.maxFailures) {
    lock.failures = 0;
    lock.lockedUntil = now.getTime() + LOCKOUT.durationMs;
  }
  locks.delete(email);
  locks.set(email, lock);
  // Oldest first in a Map: drop them beyond a bound so guessing many addresses cannot grow memory.
  for (const key of locks.keys()) {
    if (locks.size <= 10_000) break;
    locks.delete(key);
  }
  return lock.lockedUntil > now.getTime() ? new Date(lock.lockedUntil) : null;
}

/** Counts a wrong password; returns the lock's end when this failure locked the account. */
async function recordFailure(db: Db, userId: string, now: Date): Promise<Date | null> {
  const until = new Date(now.getTime() + LOCKOUT.durationMs);
  const rows = await db.$queryRaw<{ locked_until: Date | null }[]>`
    UPDATE users SET
      failed_login_count = CASE WHEN failed_login_count + 1 >= ${LOCKOUT.maxFailures} THEN 0
                                ELSE failed_login_count + 1 END,
      locked_until = CASE WHEN failed_login_count + 1 >= ${LOCKOUT.maxFailures} THEN ${until}
                          ELSE locked_until END
    WHERE id = ${userId}::uuid
    RETURNING locked_until`;
  const lockedUntil = rows[0]?.locked_until ?? null;
  return lockedUntil && lockedUntil > now ? lockedUntil : null;
}

export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string },
  req: RequestInfo,
): Promise<{ userId: string; session: NewSession }> {
  limit(authLimits().signInPerIp, limitKey(req.ip), "sign-in attempts");
  const now = new Date();
  const email = normalizeEmail(input.email);
  const user = await db.user.findUnique({ where: { email } });
  if (!user?.passwordHash) {
    await verifyPassword(null, input.password);
    const locked = shadowFailure(email, now);
    throw new AccountError("UNAUTHORIZED", locked ? lockedMessage(locked, now) : MESSAGES.wrongCredentials);
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    throw new AccountError("UNAUTHORIZED", lockedMessage(user.lockedUntil, now));
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    const locked = await recordFailure(db, user.id, now);
    if (locked) {
      await recordSecurityEvent(db, {
        action: "account.locked",
        userId: user.id,
        actorId: null,
        ip: req.ip,
        details: { failures: LOCKOUT.maxFailures, lockedUntil: locked.toISOString() },
      });
      throw new AccountError("UNAUTHORIZED", lockedMessage(locked, now));
    }
    throw new AccountError("UNAUTHORIZED", MESSAGES.wrongCredentials);
  }
  await db.user.update({
    where: { id: user.id },
    data: {
      failedLoginCount: 0,
      lockedUntil: null,
      ...(needsRehash(user.passwordHash) ? { passwordHash: await hashPassword(input.password) } : {}),
    },
  });
  if (!user.emailVerifiedAt) {
    // Only someone who knows the password learns this, so it reveals nothing to a stranger.
    if (authLimits().mailPerRecipient.take(email) === 0) {
      const token = await issueEmailToken(db, user.id, "verify_email");
      await sendQuietly(verifyEmailMessage(email, user.displayName, req.origin, token));
    }
    throw new AccountError(
      "FORBIDDEN",
      `Please confirm your email address first: open the link we sent to ${email} (we just sent a fresh one), then sign in.`,
    );
  }
  return { userId: user.id, session: await createSession(db, user.id, req, now) };
}

// ── forgotten password ──

export async function requestPasswordReset(
  db: Db,
  rawEmail: string,
  req: RequestInfo,
): Promise<{ message: string }> {
  limit(authLimits().mailPerIp, limitKey(req.ip), "password reset requests");
  const email = normalizeEmail(rawEmail);
  const user = await db.user.findUnique({ where: { email }, select: { id: true, displayName: true } });
  // Over the per-recipient limit the answer is the same; the email simply is not sent again.
  if (user && authLimits().mailPerRecipient.take(email) === 0) {
    const token = await issueEmailToken(db, user.id, "reset_password");
    await sendQuietly(resetPasswordMessage(email, user.displayName, req.origin, token));
  }
  return { message: MESSAGES.resetSent };
}

/**
 * Sets a new password from a reset link. It also confirms the address (the link proved access to
 * the inbox), lifts a lockout and signs out every session, since a reset often follows a leak.
 */
export async function resetPassword(
  db: Db,
  input: { token: string; password: string },
  req: RequestInfo,
): Promise<{ email: string }> {
  const pending = await peekEmailToken(db, input.token, "reset_password");
  if (!pending) throw new AccountError("BAD_REQUEST", MESSAGES.badLink);
  const user = await db.user.findUniqueOrThrow({ where: { id: pending.userId } });
  // Checked before the token is spent, so a rejected password does not burn the link.
  const problem = passwordProblem(input.password, user);
  if (problem) throw new AccountError("BAD_REQUEST", problem);
  const passwordHash = await hashPassword(input.password);
  const done = await db.$transaction(async (tx) => {
    if (!(await consumeEmailToken(tx, input.token, "reset_password"))) return false;
    await tx.user.update({
      where: { id: user.id },
      data: {
        passwordHash,
        failedLoginCount: 0,
        lockedUntil: null,
        emailVerifiedAt: user.emailVerifiedAt ?? new Date(),
      },
    });
    await tx.session.deleteMany({ where: { userId: user.id } });
    await recordSecurityEvent(tx, { action: "account.password_reset", userId: user.id, ip: req.ip });
    return true;
  });
  if (!done) throw new AccountError("BAD_REQUEST", MESSAGES.badLink);
  return { email: user.email };
}

// ── sessions and profile ──

export async function signOutEverywhereElse(
  db: Db,
  userId: string,
  keepSessionId: string,
  ip: string,
): Promise<number> {
  const ended = await revokeUserSessions(db, userId, keepSessionId);
  await recordSecurityEvent(db, { action: "session.revoke_others", userId, ip, details: { ended } });
  return ended;
}

export async function updateDisplayName(db: Db, userId: string, displayName: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { displayName: displayName.trim() } });
}
