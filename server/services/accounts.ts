// Email + password accounts: sign up, confirm the address, reset a forgotten password. Signing in
// (password, emailed link) is in ./sign-in.ts, passkeys in ./passkeys.ts, sessions in
// ../auth/sessions.ts.
//
// Nothing here tells a stranger whether an address has an account: sign-up and reset answer the
// same words in the same time either way. The request does the same work for any address (checks,
// and for sign-up the password hash); what depends on the account (rows, mail) runs after the
// answer (./after-answer.ts).
import { consumeEmailToken, issueEmailToken, peekEmailToken } from "../auth/email-tokens.ts";
import { hashPassword, passwordProblem } from "../auth/password.ts";
import { recordSecurityEvent } from "../auth/security-events.ts";
import { type ClientInfo, revokeUserSessions } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { type MailMessage, sendMail } from "../mail/send-mail.ts";
import { alreadyRegisteredMessage, resetPasswordMessage, verifyEmailMessage } from "./accounts-mail.ts";
import { afterAnswer } from "./after-answer.ts";
import type { KeyedLimitName } from "./limit-policies.ts";
import { takeLimit, waitText } from "./rate-limit.ts";

const log = moduleLogger("accounts");

export type AccountErrorCode = "BAD_REQUEST" | "FORBIDDEN" | "UNAUTHORIZED" | "TOO_MANY_REQUESTS";

/**
 * A refusal with a sentence for the person (the router turns it into a tRPC error). A refusal for
 * too many requests also says in how many seconds to try again (the router's Retry-After).
 */
export class AccountError extends Error {
  override name = "AccountError";
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Who is asking, and the app's address for links in emails. */
export interface RequestInfo extends ClientInfo {
  origin: string;
}

export const MESSAGES = {
  signUpSent:
    "Check your inbox: we sent a link to confirm your address. It works for 24 hours; open it, then sign in.",
  wrongCredentials: "Wrong email or password. Check both and try again, or reset your password.",
  passwordNotEnough:
    "Too many wrong passwords were tried for this account, so for now a password alone does not sign in to it. Sign in with a one-time link we email you (“Email me a sign-in link”) or with a passkey.",
  signInLinkSent:
    "If an account uses this address, we sent it a one-time sign-in link. It works for 15 minutes.",
  resetSent:
    "If an account uses this address, we sent it a link to choose a new password. The link works for one hour.",
  badLink: "This link has expired or was already used. Ask for a new one and use the newest email.",
} as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Refuses with the wait when the limit is used up (`message` gets the wait in words). */
export function tooMany(wait: number, message: (wait: string) => string): AccountError {
  return new AccountError("TOO_MANY_REQUESTS", message(waitText(wait)), wait);
}

/** Counts one use of `subject` against `name`; throws tooMany when over it. */
export async function limit(
  db: Db,
  name: KeyedLimitName,
  subject: string,
  message: (wait: string) => string,
): Promise<void> {
  const wait = await takeLimit(db, name, subject);
  if (wait > 0) throw tooMany(wait, message);
}

/** Sends, logging instead of failing when the caller must answer the same either way. */
export async function sendQuietly(db: Db, message: MailMessage): Promise<void> {
  await sendMail(db, message).catch((err: unknown) => log.error({ err }, "account email not sent"));
}

// ── sign up ──

export async function signUp(
  db: Db,
  input: { email: string; password: string; displayName: string },
  req: RequestInfo,
): Promise<{ message: string }> {
  const email = normalizeEmail(input.email);
  const displayName = input.displayName.trim();
  const problem = passwordProblem(input.password, { email, displayName });
  if (problem) throw new AccountError("BAD_REQUEST", problem);
  // The only work the answer waits for, whether the address is new or taken.
  const passwordHash = await hashPassword(input.password);
  afterAnswer("sign-up", () => register(db, { email, displayName, passwordHash }, req));
  return { message: MESSAGES.signUpSent };
}

/** Sign-up's part that depends on whether the address has an account, after the answer. */
async function register(
  db: Db,
  account: { email: string; displayName: string; passwordHash: string },
  req: RequestInfo,
): Promise<void> {
  const { email, displayName } = account;
  const existing = await db.user.findUnique({ where: { email }, select: { displayName: true } });
  if (existing) {
    if ((await takeLimit(db, "mail.recipient", email)) === 0) {
      await sendMail(db, alreadyRegisteredMessage(email, existing.displayName, req.origin));
    }
    return;
  }
  let userId: string;
  try {
    const user = await db.user.create({ data: account, select: { id: true } });
    userId = user.id;
  } catch (err) {
    // Someone signed up with the same address a moment ago.
    if ((err as { code?: string }).code === "P2002") return;
    throw err;
  }
  await recordSecurityEvent(db, { action: "account.sign_up", userId, ip: req.ip });
  await takeLimit(db, "mail.recipient", email);
  const token = await issueEmailToken(db, userId, "verify_email");
  await sendMail(db, verifyEmailMessage(email, displayName, req.origin, token));
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
  await limit(
    db,
    "mail.recipient",
    user.email,
    (wait) => `Too many emails to ${user.email}. Please wait ${wait} and try again.`,
  );
  const token = await issueEmailToken(db, user.id, "verify_email");
  await sendMail(db, verifyEmailMessage(user.email, user.displayName, req.origin, token));
  return { message: `We sent a new link to ${user.email}. It works for 24 hours.` };
}

// ── forgotten password ──

export async function requestPasswordReset(
  db: Db,
  rawEmail: string,
  req: RequestInfo,
): Promise<{ message: string }> {
  const email = normalizeEmail(rawEmail);
  afterAnswer("password reset", async () => {
    const user = await db.user.findUnique({ where: { email }, select: { id: true, displayName: true } });
    // Over the per-recipient limit the answer is the same; the email simply is not sent again.
    if (!user || (await takeLimit(db, "mail.recipient", email)) !== 0) return;
    const token = await issueEmailToken(db, user.id, "reset_password");
    await sendMail(db, resetPasswordMessage(email, user.displayName, req.origin, token));
  });
  return { message: MESSAGES.resetSent };
}

/**
 * Sets a new password from a reset link. It also confirms the address (the link proved access to
 * the inbox), ends a password step-up (./sign-in.ts) and signs out every session, since a reset
 * often follows a leak.
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
        passwordStepUpUntil: null,
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
