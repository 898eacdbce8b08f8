// Every rate limit in the app, in one table: how many uses per window, counted per what. The
// counters live in PostgreSQL (./rate-limit.ts), so every web process enforces the same numbers.
//
// What a policy counts per (`per`):
//   person          — a signed-in account, or a signed-out caller's address (limitKey: an IPv4
//                     address or an IPv6 /64); and, whoever calls, everyone behind one address
//                     together, PEOPLE_PER_ADDRESS times as much (a household, a school, a café
//                     shares an address; a script making accounts to multiply its allowance does not
//                     get past it).
//   address         — the caller's address alone (sign-in, sign-up, mail: there is no account yet).
//   account         — a signed-in account alone.
//   recipient       — an email address mail is sent to, whoever asks.
//   account-address — one account tried from one address (wrong passwords).
// Every tRPC mutation names its policy in its meta (`limit`); server/trpc/limits.ts counts it and
// server/trpc/limits.int.test.ts fails on a mutation that names none. The limits a service applies
// itself, knowing something the request does not show (the recipient, a wrong password, a refused
// upload), are here too.
//
// The numbers are set so that an honest drummer never meets them; each says why. A refusal names
// the wait, and the window is fixed: the count starts again when it ends.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Beyond `free` uses, each further use waits firstDelayMs after the previous one, doubling each time. */
export interface Backoff {
  free: number;
  firstDelayMs: number;
}

export type LimitKind = "person" | "address" | "account" | "recipient" | "account-address";

export interface LimitPolicy {
  /** Uses allowed per window (for `person`: per account or signed-out address). */
  points: number;
  windowMs: number;
  per: LimitKind;
  /** The refusal says "Too many <what> from your network / your account". */
  what: string;
  /** Policies naming the same bucket share one counter (the name of the policy otherwise). */
  bucket?: string;
  backoff?: Backoff;
}

/** How many people a `person` policy expects behind one address at most. */
export const PEOPLE_PER_ADDRESS = 10;

/** One mailbox a minute is more than a person asks for; shared by every mail a request sends. */
const MAIL_PER_ADDRESS = { points: 10, windowMs: HOUR, per: "address", bucket: "mail" } as const;
/** Every password or link sign-in attempt, right or wrong: a person retyping a password a few times. */
const SIGN_IN_PER_ADDRESS = { points: 30, windowMs: 15 * MINUTE, per: "address", bucket: "sign-in" } as const;

export const LIMITS = {
  // ── accounts (services/accounts.ts, sign-in.ts, passkeys.ts) ──
  "auth.signUp": { points: 10, windowMs: HOUR, per: "address", what: "sign-ups" },
  "auth.signIn": { ...SIGN_IN_PER_ADDRESS, what: "sign-in attempts" },
  "auth.signInWithLink": { ...SIGN_IN_PER_ADDRESS, what: "sign-in attempts" },
  /**
   * Wrong passwords from one address over all accounts (one place guessing many accounts): 10 at
   * once, then doubling waits from 1 s, at most 20 per 15 minutes. A try is counted before the
   * password is checked, so parallel guesses cannot all slip in; the right password gives it back.
   */
  "auth.wrongPassword.address": {
    points: 20,
    windowMs: 15 * MINUTE,
    per: "address",
    what: "wrong passwords",
    backoff: { free: 10, firstDelayMs: SECOND },
  },
  /**
   * Wrong passwords for one account from one address: 3 at once, then 1 s and 2 s waits, then
   * none until 15 minutes are up. The owner elsewhere is not affected; the count per account from
   * anywhere (the password step-up) is in the users row (services/sign-in.ts).
   */
  "auth.wrongPassword.account": {
    points: 5,
    windowMs: 15 * MINUTE,
    per: "account-address",
    what: "wrong passwords for this account",
    backoff: { free: 3, firstDelayMs: SECOND },
  },
  "auth.requestSignInLink": { ...MAIL_PER_ADDRESS, what: "sign-in links requested" },
  "auth.requestPasswordReset": { ...MAIL_PER_ADDRESS, what: "password reset requests" },
  "auth.resendVerification": { ...MAIL_PER_ADDRESS, what: "emails requested" },
  /** Per inbox, whoever asks, so one inbox cannot be flooded from many addresses. */
  "mail.recipient": { points: 3, windowMs: HOUR, per: "recipient", what: "emails to this address" },
  /** Links are opened once each and their tokens cannot be guessed; this only stops a flood. */
  "auth.verifyEmail": { points: 30, windowMs: HOUR, per: "address", what: "confirmation links opened" },
  "auth.resetPassword": { points: 30, windowMs: HOUR, per: "address", what: "password resets" },
  /** A passkey sign-in is two calls (a challenge, then its answer); each has this much room. */
  "auth.passkeyAuthenticationOptions": {
    points: 60,
    windowMs: 15 * MINUTE,
    per: "address",
    what: "passkey sign-ins",
  },
  "auth.signInWithPasskey": { points: 60, windowMs: 15 * MINUTE, per: "address", what: "passkey sign-ins" },
  /** Account housekeeping: a person does each a few times a year, a busy day a few times an hour. */
  "auth.signOut": { points: 60, windowMs: HOUR, per: "person", what: "sign-outs" },
  "auth.updateProfile": { points: 30, windowMs: HOUR, per: "person", what: "profile changes" },
  "auth.revokeSession": { points: 60, windowMs: HOUR, per: "person", what: "sessions ended" },
  "auth.revokeOtherSessions": { points: 30, windowMs: HOUR, per: "person", what: "sessions ended" },
  "auth.passkeyRegistrationOptions": { points: 30, windowMs: HOUR, per: "person", what: "passkeys added" },
  "auth.registerPasskey": { points: 30, windowMs: HOUR, per: "person", what: "passkeys added" },
  "auth.removePasskey": { points: 30, windowMs: HOUR, per: "person", what: "passkeys removed" },
  /** The whole account as one document, or its end: once each is what a person needs. */
  "account.exportData": { points: 10, windowMs: HOUR, per: "person", what: "data exports" },
  "account.deleteAccount": { points: 10, windowMs: HOUR, per: "person", what: "account deletions" },
  /**
   * Wrong passwords given to confirm it is you (services/reauthentication.ts), per account: whoever
   * sends them holds a session already, so the per-address sign-in counts would not slow them.
   */
  "account.wrongPassword": {
    points: 5,
    windowMs: 15 * MINUTE,
    per: "account",
    what: "wrong passwords",
    backoff: { free: 3, firstDelayMs: SECOND },
  },

  // ── songs and charts ──
  /** A person identifies a song a minute at most; a script hammering the index gets told to wait. */
  "songs.identify": { points: 300, windowMs: 10 * MINUTE, per: "person", what: "song lookups" },
  /** Registering is rarer still (only songs nobody has), and each one grows the index. */
  "songs.register": { points: 60, windowMs: HOUR, per: "person", what: "songs registered" },
  /** Generous for a person, tight for a script: a chart takes a device about a minute to make. */
  "maps.submitGenerated": { points: 30, windowMs: HOUR, per: "person", what: "charts submitted" },
  /**
   * Practice runs arrive through the outbox, a backlog at once after days offline; a refused one
   * waits there and is sent again later (429 is retried), so nothing is lost.
   */
  "results.submit": { points: 600, windowMs: HOUR, per: "person", what: "practice results" },
  /**
   * Refused uploads (bad files) per account; each costs a store and an FFmpeg pass. The floor of
   * the allowance: jobs/upload-rate.ts allows 3× UPLOADS_PER_HOUR when that is more.
   */
  "uploads.refused": { points: 30, windowMs: HOUR, per: "account", what: "refused uploads" },
  /** Leaving a job or turning on notifications: a click each, a few times a session. */
  "jobs.leave": { points: 120, windowMs: HOUR, per: "person", what: "jobs left" },
  "jobs.subscribePush": { points: 30, windowMs: HOUR, per: "person", what: "notification sign-ups" },

  // ── community ──
  /** A careful review leaves a note every 30 s for an hour; spam needs far more. */
  "comments.add": { points: 120, windowMs: HOUR, per: "person", what: "comments" },
  /** One vote per version, changed at will: going down a list of versions is a click each. */
  "votes.cast": { points: 300, windowMs: HOUR, per: "person", what: "votes" },
  /** Only players of a map may rate it, after playing; 2 a minute is far beyond that. */
  "ratings.rate": { points: 120, windowMs: HOUR, per: "person", what: "ratings" },
  /** A proposal is an edited chart; one a minute is a very busy editor. */
  "proposals.create": { points: 60, windowMs: HOUR, per: "person", what: "proposals" },
  "proposals.withdraw": { points: 60, windowMs: HOUR, per: "person", what: "withdrawals" },
  /** Verifiers and curators work through queues: a decision every 12 s for an hour. */
  "verify.decide": { points: 300, windowMs: HOUR, per: "person", what: "verification decisions" },
  "curation.archiveMap": { points: 300, windowMs: HOUR, per: "person", what: "maps archived" },
  "curation.curateSong": { points: 300, windowMs: HOUR, per: "person", what: "song edits" },
  "roles.appoint": { points: 60, windowMs: HOUR, per: "person", what: "appointments" },
  "roles.revoke": { points: 60, windowMs: HOUR, per: "person", what: "appointments ended" },
  /** Admins retrying failed jobs one by one after an outage. */
  "ops.retry": { points: 300, windowMs: HOUR, per: "person", what: "job retries" },
} as const satisfies Record<string, LimitPolicy>;

export type LimitName = keyof typeof LIMITS;

type NamesPer<K extends LimitKind> = {
  [N in LimitName]: (typeof LIMITS)[N]["per"] extends K ? N : never;
}[LimitName];

/** Policies a procedure can name in its meta: the request tells whom to count. */
export type RequestLimitName = NamesPer<"person" | "address">;
/** Policies counted per one subject the caller names (an address, an account, a recipient…). */
export type KeyedLimitName = Exclude<LimitName, NamesPer<"person">>;
