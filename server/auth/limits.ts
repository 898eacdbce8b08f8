// How often the auth endpoints may be used, per network address and per account. Password
// guessing is stopped by the account lockout (services/accounts.ts); these limits stop a single
// address from spraying many accounts or from using us to flood someone's inbox.
import { RateLimiter } from "../services/rate-limit.ts";

const MINUTE = 60_000;

export interface AuthLimits {
  signInPerIp: RateLimiter;
  signUpPerIp: RateLimiter;
  /** Password-reset and verification emails per address… */
  mailPerIp: RateLimiter;
  /** …and per recipient, so one inbox cannot be flooded from many addresses. */
  mailPerRecipient: RateLimiter;
  passkeyPerIp: RateLimiter;
}

export function createAuthLimits(): AuthLimits {
  return {
    signInPerIp: new RateLimiter(30, 15 * MINUTE),
    signUpPerIp: new RateLimiter(10, 60 * MINUTE),
    mailPerIp: new RateLimiter(10, 60 * MINUTE),
    mailPerRecipient: new RateLimiter(3, 60 * MINUTE),
    passkeyPerIp: new RateLimiter(60, 15 * MINUTE),
  };
}

const g = globalThis as typeof globalThis & { __beatsightAuthLimits?: AuthLimits };

/** The process's limiters (one set per server process). */
export function authLimits(): AuthLimits {
  g.__beatsightAuthLimits ??= createAuthLimits();
  return g.__beatsightAuthLimits;
}
