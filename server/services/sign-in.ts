// Signing in: with a password, or with a one-time link sent by email. Passkeys are in ./passkeys.ts.
//
// Wrong passwords are limited where they come from, never by locking the account for everyone:
//   - per (account, address): a few tries, then a doubling wait, then none for the rest of
//     15 minutes ("auth.wrongPassword.account" in limit-policies.ts); the owner elsewhere is not
//     affected;
//   - per address over all accounts, the same way with more room (one place guessing many
//     accounts: "auth.wrongPassword.address");
//   Both count in the shared store (./rate-limit.ts), so every web process sees the same counts.
//   A try is counted as wrong before the password is checked, so guesses sent in parallel cannot
//   all get past the wait before the first is counted; a right password gives its try back.
//   - per account, counted in the users row: after STEP_UP.failures wrong passwords (from anywhere)
//     a password alone no longer signs in to the account for STEP_UP.durationMs: the person signs
//     in with an emailed link or a passkey, which ends it. While it lasts the password is not even
//     checked, so guessing on teaches nothing.
// An address without an account answers the same at the same point (an in-memory shadow), does
// the same password-hash work and the same UPDATE, so none of this tells a stranger it exists.
import { consumeEmailToken, issueEmailToken } from "../auth/email-tokens.ts";
import { hashPassword, needsRehash, verifyPassword } from "../auth/password.ts";
import { recordSecurityEvent } from "../auth/security-events.ts";
import { createSession, type NewSession } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import { limitKey } from "../http/trust-proxy.ts";
import { sendMail } from "../mail/send-mail.ts";
import {
  AccountError,
  MESSAGES,
  normalizeEmail,
  type RequestInfo,
  sendQuietly,
  tooMany,
} from "./accounts.ts";
import { signInLinkMessage, verifyEmailMessage } from "./accounts-mail.ts";
import { afterAnswer } from "./after-answer.ts";
import { clearLimit, refundLimit, takeLimit, takeLimits } from "./rate-limit.ts";

export const STEP_UP = { failures: 10, durationMs: 24 * 3600_000 } as const;

/** Matches no user: the UPDATE an unknown address runs so it costs the same round trip. */
const NO_USER = "00000000-0000-0000-0000-000000000000";

// ── the shadow of accounts that do not exist ──

interface Shadow {
  failures: number;
  stepUpUntil: number;
}

const g = globalThis as typeof globalThis & { __beatsightSignInShadows?: Map<string, Shadow> };

function shadows(): Map<string, Shadow> {
  g.__beatsightSignInShadows ??= new Map();
  return g.__beatsightSignInShadows;
}

/** Counts a wrong password for an address without an account; true when it started the step-up. */
function shadowFailure(email: string, now: Date): boolean {
  const all = shadows();
  const shadow = all.get(email) ?? { failures: 0, stepUpUntil: 0 };
  shadow.failures++;
  const steppedUp = shadow.failures >= STEP_UP.failures;
  if (steppedUp) {
    shadow.failures = 0;
    shadow.stepUpUntil = now.getTime() + STEP_UP.durationMs;
  }
  all.delete(email);
  all.set(email, shadow);
  // Oldest first in a Map: drop them beyond a bound so guessing many addresses cannot grow memory.
  for (const key of all.keys()) {
    if (all.size <= 10_000) break;
    all.delete(key);
  }
  return steppedUp;
}

/**
 * Counts a wrong password against the account (`userId`, or null for none: the same statement
 * then updates no row); true when this failure made a password alone no longer enough.
 */
async function recordFailure(db: Db, userId: string | null, now: Date): Promise<boolean> {
  const until = new Date(now.getTime() + STEP_UP.durationMs);
  const rows = await db.$queryRaw<{ password_step_up_until: Date | null }[]>`
    UPDATE users SET
      failed_login_count = CASE WHEN failed_login_count + 1 >= ${STEP_UP.failures} THEN 0
                                ELSE failed_login_count + 1 END,
      password_step_up_until = CASE WHEN failed_login_count + 1 >= ${STEP_UP.failures} THEN ${until}
                                    ELSE password_step_up_until END
    WHERE id = ${userId ?? NO_USER}::uuid
    RETURNING password_step_up_until`;
  return rows[0]?.password_step_up_until?.getTime() === until.getTime();
}

// ── with a password ──

export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string },
  req: RequestInfo,
): Promise<{ userId: string; session: NewSession }> {
  const address = limitKey(req.ip);
  const now = new Date();
  const email = normalizeEmail(input.email);
  const pair = `${email} ${address}`;
  const refused = await takeLimits(db, [
    ["auth.wrongPassword.address", address],
    ["auth.wrongPassword.account", pair],
  ]);
  if (refused?.name === "auth.wrongPassword.address") {
    throw tooMany(
      refused.wait,
      (wait) => `Too many wrong passwords from your network. Please wait ${wait} and try again.`,
    );
  }
  if (refused) {
    throw tooMany(
      refused.wait,
      (wait) =>
        `Too many wrong passwords for this account from your network. Please wait ${wait} and try again, or sign in with an emailed link or a passkey.`,
    );
  }
  const found = await db.user.findUnique({ where: { email } });
  const user = found?.passwordHash ? { ...found, passwordHash: found.passwordHash } : null;
  const stepUpUntil = user
    ? (user.passwordStepUpUntil?.getTime() ?? 0)
    : (shadows().get(email)?.stepUpUntil ?? 0);
  if (stepUpUntil > now.getTime()) {
    // The password is not checked, so this try was no wrong password.
    await refundLimit(db, "auth.wrongPassword.address", address);
    await refundLimit(db, "auth.wrongPassword.account", pair);
    throw new AccountError("UNAUTHORIZED", MESSAGES.passwordNotEnough);
  }

  // With no account, verifyPassword spends the same time on a dummy hash and says no.
  const verified = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !verified) {
    // Already counted against both limits above.
    const steppedUp = await recordFailure(db, user?.id ?? null, now);
    if (user && steppedUp) {
      // After the answer, like everything else only a real account does.
      const userId = user.id;
      afterAnswer("step-up audit entry", () =>
        recordSecurityEvent(db, {
          action: "account.password_step_up",
          userId,
          actorId: null,
          ip: req.ip,
          details: {
            failures: STEP_UP.failures,
            until: new Date(now.getTime() + STEP_UP.durationMs).toISOString(),
          },
        }),
      );
    }
    if (user ? steppedUp : shadowFailure(email, now)) {
      throw new AccountError("UNAUTHORIZED", MESSAGES.passwordNotEnough);
    }
    throw new AccountError("UNAUTHORIZED", MESSAGES.wrongCredentials);
  }
  await refundLimit(db, "auth.wrongPassword.address", address);
  await clearLimit(db, "auth.wrongPassword.account", pair);
  await db.user.update({
    where: { id: user.id },
    data: {
      failedLoginCount: 0,
      ...(needsRehash(user.passwordHash) ? { passwordHash: await hashPassword(input.password) } : {}),
    },
  });
  if (!user.emailVerifiedAt) {
    // Only someone who knows the password learns this, so it reveals nothing to a stranger.
    if ((await takeLimit(db, "mail.recipient", email)) === 0) {
      const token = await issueEmailToken(db, user.id, "verify_email");
      await sendQuietly(db, verifyEmailMessage(email, user.displayName, req.origin, token));
    }
    throw new AccountError(
      "FORBIDDEN",
      `Please confirm your email address first: open the link we sent to ${email} (we just sent a fresh one), then sign in.`,
    );
  }
  return { userId: user.id, session: await createSession(db, user.id, req, now) };
}

// ── with an emailed link ──

/** Emails a one-time sign-in link; the same answer, in the same time, for any address. */
export async function requestSignInLink(
  db: Db,
  rawEmail: string,
  req: RequestInfo,
): Promise<{ message: string }> {
  const email = normalizeEmail(rawEmail);
  afterAnswer("sign-in link", async () => {
    const user = await db.user.findUnique({ where: { email }, select: { id: true, displayName: true } });
    // Over the per-recipient limit the answer is the same; the email simply is not sent again.
    if (!user || (await takeLimit(db, "mail.recipient", email)) !== 0) return;
    const token = await issueEmailToken(db, user.id, "sign_in");
    await sendMail(db, signInLinkMessage(email, user.displayName, req.origin, token));
  });
  return { message: MESSAGES.signInLinkSent };
}

/**
 * Signs in with the link's token, once. Opening it proves the inbox, so it also confirms the
 * address and ends a step-up: the password alone works again.
 */
export async function signInWithLink(
  db: Db,
  token: string,
  req: RequestInfo,
): Promise<{ userId: string; session: NewSession }> {
  const now = new Date();
  const used = await consumeEmailToken(db, token, "sign_in", now);
  if (!used) throw new AccountError("BAD_REQUEST", MESSAGES.badLink);
  const user = await db.user.findUniqueOrThrow({ where: { id: used.userId } });
  await db.user.update({
    where: { id: user.id },
    data: { failedLoginCount: 0, passwordStepUpUntil: null, emailVerifiedAt: user.emailVerifiedAt ?? now },
  });
  await clearLimit(db, "auth.wrongPassword.account", `${user.email} ${limitKey(req.ip)}`);
  return { userId: user.id, session: await createSession(db, user.id, req, now) };
}
