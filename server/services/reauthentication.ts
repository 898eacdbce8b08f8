// Proof that the account holder is at the keyboard before an action that hands out everything
// stored about them or cannot be undone (download my data, delete my account). A signed-in session
// is not enough for those: a borrowed unlocked laptop or a stolen cookie has one too.
//
// The proof travels with the request that needs it, so it is always fresh: the current password,
// or a passkey's signature over a challenge the server issued at most CHALLENGE_TTL_MS (5 minutes)
// earlier (./passkeys.ts). Accounts without a password (passkey only) use the passkey.
import { z } from "zod";
import { PASSWORD_LENGTH, verifyPassword } from "../auth/password.ts";
import type { Db } from "../db/client.ts";
import { AccountError, tooMany } from "./accounts.ts";
import { AuthenticationResponseSchema, type RelyingParty, verifyPasskeyAssertion } from "./passkeys.ts";
import { clearLimit, refundLimit, takeLimit } from "./rate-limit.ts";

export const IdentityProofSchema = z.union([
  z.object({
    password: z
      .string()
      .min(1, "Enter your password.")
      .max(PASSWORD_LENGTH.max * 4),
  }),
  z.object({ passkey: AuthenticationResponseSchema }),
]);

export type IdentityProof = z.infer<typeof IdentityProofSchema>;

export const REAUTH_MESSAGES = {
  wrongPassword:
    "That is not your current password. Check it and try again, or confirm with a passkey instead.",
  noPassword: "Your account has no password. Confirm with one of your passkeys instead.",
  otherAccountsPasskey:
    "That passkey belongs to another account. Use a passkey of this account, or your password.",
  stepUp:
    "Too many wrong passwords were tried for this account recently, so a password alone cannot confirm it is you. Confirm with a passkey, or sign out and sign in with an emailed link (which ends this), then try again.",
} as const;

/** Resolves when `proof` shows the holder of `userId` is here; throws an AccountError otherwise. */
export async function confirmIdentity(
  db: Db,
  userId: string,
  proof: IdentityProof,
  rp: RelyingParty,
  now = new Date(),
): Promise<void> {
  if ("passkey" in proof) {
    const { userId: owner } = await verifyPasskeyAssertion(db, proof.passkey, rp, now);
    if (owner !== userId) throw new AccountError("FORBIDDEN", REAUTH_MESSAGES.otherAccountsPasskey);
    return;
  }
  // Wrong passwords given here are limited per account ("account.wrongPassword"): whoever sends
  // them already holds a session, so the sign-in counts per address would not slow someone guessing
  // from a stolen one. As at sign-in, a try is counted before the check (parallel guesses cannot
  // all slip past the wait) and given back when it was not a wrong password.
  const wait = await takeLimit(db, "account.wrongPassword", userId);
  if (wait > 0) {
    throw tooMany(
      wait,
      (w) => `Too many wrong passwords. Please wait ${w} and try again, or confirm with a passkey.`,
    );
  }
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { passwordHash: true, passwordStepUpUntil: true },
  });
  if (!user?.passwordHash) {
    await refundLimit(db, "account.wrongPassword", userId);
    throw new AccountError("BAD_REQUEST", REAUTH_MESSAGES.noPassword);
  }
  // The same rule as signing in (./sign-in.ts): while it lasts the password is not even checked.
  if (user.passwordStepUpUntil && user.passwordStepUpUntil > now) {
    await refundLimit(db, "account.wrongPassword", userId);
    throw new AccountError("FORBIDDEN", REAUTH_MESSAGES.stepUp);
  }
  if (!(await verifyPassword(user.passwordHash, proof.password))) {
    throw new AccountError("FORBIDDEN", REAUTH_MESSAGES.wrongPassword);
  }
  await clearLimit(db, "account.wrongPassword", userId);
}
