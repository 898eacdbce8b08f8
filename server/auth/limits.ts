// How often the auth endpoints may be used, per network address (limitKey: an IPv4 address or an
// IPv6 /64) and per account. These live in each process's memory: with several web processes each
// enforces its own share. Wrong passwords are limited per (account, address) and per address here;
// the per-account count that makes a password alone no longer enough is in the users row
// (services/sign-in.ts), so it holds across processes.
import { RateLimiter } from "../services/rate-limit.ts";
import { FailureLimiter, type FailurePolicy } from "./failure-limiter.ts";

const MINUTE = 60_000;

export const SIGN_IN_FAILURES = {
  /** One place guessing one account: 3 at once, then 1 s and 2 s waits, then none until 15 minutes are up. */
  perAccountAndIp: { free: 3, firstDelayMs: 1000, max: 5, windowMs: 15 * MINUTE },
  /** One place guessing many accounts: 10 at once, then doubling waits, at most 20 per 15 minutes. */
  perIp: { free: 10, firstDelayMs: 1000, max: 20, windowMs: 15 * MINUTE },
} as const satisfies Record<string, FailurePolicy>;

export interface AuthLimits {
  /** Every password or link sign-in attempt, right or wrong. */
  signInPerIp: RateLimiter;
  /** Wrong passwords per (account email, address)… */
  signInFailuresPerAccountAndIp: FailureLimiter;
  /** …and per address over all accounts. */
  signInFailuresPerIp: FailureLimiter;
  signUpPerIp: RateLimiter;
  /** Password-reset, sign-in-link and verification emails per address… */
  mailPerIp: RateLimiter;
  /** …and per recipient, so one inbox cannot be flooded from many addresses. */
  mailPerRecipient: RateLimiter;
  passkeyPerIp: RateLimiter;
}

export function createAuthLimits(): AuthLimits {
  return {
    signInPerIp: new RateLimiter(30, 15 * MINUTE),
    signInFailuresPerAccountAndIp: new FailureLimiter(SIGN_IN_FAILURES.perAccountAndIp),
    signInFailuresPerIp: new FailureLimiter(SIGN_IN_FAILURES.perIp),
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
