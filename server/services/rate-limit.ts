// Rate limits every web process shares: fixed windows counted in PostgreSQL (table rate_limits,
// migration 0009). The policies — how many uses per window, per what — are in ./limit-policies.ts;
// this file counts them.
//
// A use is one statement, INSERT … ON CONFLICT DO UPDATE … WHERE <there is room> RETURNING: the
// upsert locks the key's row, so of two processes racing for the last use exactly one gets a row
// back, and the other, seeing the row it updated, finds no room. A refused use changes nothing, so
// a key that keeps knocking does not push its own wait further out. Time is the database's clock,
// the one clock every process shares. rate-limiter-flexible's RateLimiterPostgres is the well-known
// design, but it is not a dependency here, creates its table outside the migrations and has no
// doubling waits (Backoff); the statement is small enough to own.
//
// A row whose window has ended counts for nothing (the next use starts a fresh window), so expired
// rows are deleted now and then by whichever process happens to be counting (pruneExpiredLimits).
import { createHash } from "node:crypto";
import { type Db, Prisma } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import {
  type KeyedLimitName,
  LIMITS,
  type LimitName,
  type LimitPolicy,
  PEOPLE_PER_ADDRESS,
  type RequestLimitName,
} from "./limit-policies.ts";

const log = moduleLogger("rate-limit");

/** One counter: the row's key and the budget it is counted against. */
interface Counter {
  key: string;
  points: number;
  windowMs: number;
  free: number;
  firstDelayMs: number;
}

/** A refused use: which policy refused, and the seconds until it allows one again (at least 1). */
export interface LimitRefusal {
  name: LimitName;
  wait: number;
  /** Whose count was full: the caller's account, or their address (network). */
  from: "account" | "network";
}

/** Subjects (emails, addresses) are hashed: the table holds no personal data and keys stay short. */
function rowKey(bucket: string, kind: string, subject: string): string {
  return `${bucket}:${kind}:${createHash("sha256").update(subject).digest("base64url")}`;
}

function counter(name: LimitName, kind: string, subject: string, points?: number): Counter {
  const policy: LimitPolicy = LIMITS[name];
  const max = points ?? policy.points;
  return {
    key: rowKey(policy.bucket ?? name, kind, subject),
    points: max,
    windowMs: policy.windowMs,
    free: policy.backoff?.free ?? max,
    firstDelayMs: policy.backoff?.firstDelayMs ?? 0,
  };
}

const NOW = Prisma.sql`statement_timestamp()`;
const ms = (n: number) => Prisma.sql`(${n}::double precision * interval '1 millisecond')`;

/** When the row's next use is allowed (in a window that has not ended). */
function nextUseAt(c: Counter) {
  return Prisma.sql`CASE WHEN r.count >= ${c.points}::int THEN r.expires_at
    ELSE least(r.expires_at, r.last_at + ${ms(c.firstDelayMs)} * power(2, r.count - ${c.free}::int)) END`;
}

/** Whether row `r` has room for one more use now. */
function hasRoom(c: Counter) {
  return Prisma.sql`(r.expires_at <= ${NOW} OR r.count < ${c.free}::int
    OR (r.count < ${c.points}::int AND ${NOW} >= ${nextUseAt(c)}))`;
}

/** Counts one use if there is room; else the seconds until there is. */
async function take(db: Db, c: Counter): Promise<number> {
  const taken = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO rate_limits AS r (key, count, last_at, expires_at)
    VALUES (${c.key}, 1, ${NOW}, ${NOW} + ${ms(c.windowMs)})
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.expires_at <= ${NOW} THEN 1 ELSE r.count + 1 END,
      last_at = ${NOW},
      expires_at = CASE WHEN r.expires_at <= ${NOW} THEN excluded.expires_at ELSE r.expires_at END
    WHERE ${hasRoom(c)}
    RETURNING r.count`;
  await maybePrune(db);
  return taken.length > 0 ? 0 : Math.max(1, await waitFor(db, c));
}

/** Seconds until `c` has room (0: now), without counting a use. */
async function waitFor(db: Db, c: Counter): Promise<number> {
  const rows = await db.$queryRaw<{ wait: number }[]>`
    SELECT CASE WHEN ${hasRoom(c)} THEN 0
      ELSE ceil(extract(epoch FROM ${nextUseAt(c)} - ${NOW}))::int END AS wait
    FROM rate_limits r WHERE r.key = ${c.key}`;
  return Math.max(0, rows[0]?.wait ?? 0);
}

/** Gives back one use (the request it was counted for turned out not to need it). */
async function refund(db: Db, key: string): Promise<void> {
  await db.$executeRaw`
    UPDATE rate_limits SET count = count - 1
    WHERE key = ${key} AND count > 0 AND expires_at > ${NOW}`;
}

/** Counts one use on each counter in order; on the first without room, gives back the ones taken. */
async function takeAll(
  db: Db,
  counters: { counter: Counter; name: LimitName; from: LimitRefusal["from"] }[],
) {
  for (const [i, { counter: c, name, from }] of counters.entries()) {
    const wait = await take(db, c);
    if (wait > 0) {
      for (const taken of counters.slice(0, i)) await refund(db, taken.counter.key);
      return { name, wait, from } satisfies LimitRefusal;
    }
  }
  return null;
}

// ── the API ──

/**
 * Counts one use of `subject` (an address from limitKey, an account id, an email…) against the
 * policy `name`; answers 0 when allowed, else the seconds to wait (nothing was counted then).
 * `points` replaces the policy's number where it depends on configuration.
 */
export async function takeLimit(
  db: Db,
  name: KeyedLimitName,
  subject: string,
  options: { points?: number } = {},
): Promise<number> {
  const c = counter(name, LIMITS[name].per, subject, options.points);
  return take(db, c);
}

/**
 * Counts one use against each policy in order (all or none): the first refusal, with the uses
 * already counted given back, or null when every one allowed it.
 */
export async function takeLimits(
  db: Db,
  uses: readonly (readonly [KeyedLimitName, string])[],
): Promise<LimitRefusal | null> {
  return takeAll(
    db,
    uses.map(([name, subject]) => ({
      name,
      counter: counter(name, LIMITS[name].per, subject),
      from: LIMITS[name].per === "address" ? "network" : "account",
    })),
  );
}

/** Who makes a request: the signed-in account (null when signed out) and the address's limitKey. */
export interface Requester {
  userId: string | null;
  address: string;
}

/**
 * Counts one use of a request against `name`: for `person` policies per account (or, signed out,
 * per address) and per address for everyone behind it; for `address` policies per address.
 */
export async function takeRequestLimit(
  db: Db,
  name: RequestLimitName,
  who: Requester,
): Promise<LimitRefusal | null> {
  const policy = LIMITS[name];
  if (policy.per === "address") {
    return takeAll(db, [{ name, counter: counter(name, "address", who.address), from: "network" }]);
  }
  const person = who.userId
    ? { name, counter: counter(name, "account", who.userId), from: "account" as const }
    : { name, counter: counter(name, "guest", who.address), from: "network" as const };
  const everyone = counter(name, "address", who.address, policy.points * PEOPLE_PER_ADDRESS);
  return takeAll(db, [person, { name, counter: everyone, from: "network" }]);
}

/** Seconds `subject` would wait for its next use of `name` (0: now), counting nothing. */
export async function peekLimit(
  db: Db,
  name: KeyedLimitName,
  subject: string,
  options: { points?: number } = {},
): Promise<number> {
  return waitFor(db, counter(name, LIMITS[name].per, subject, options.points));
}

/** Gives back one use counted for `subject` (it turned out not to be what the policy counts). */
export async function refundLimit(db: Db, name: KeyedLimitName, subject: string): Promise<void> {
  await refund(db, counter(name, LIMITS[name].per, subject).key);
}

/** Forgets every use `subject` made of `name` (e.g. its failures, once it succeeded). */
export async function clearLimit(db: Db, name: KeyedLimitName, subject: string): Promise<void> {
  await db.$executeRaw`DELETE FROM rate_limits WHERE key = ${counter(name, LIMITS[name].per, subject).key}`;
}

/** Deletes up to `max` rows whose window has ended; returns how many. */
export async function pruneExpiredLimits(db: Db, max = 5000): Promise<number> {
  return db.$executeRaw`
    DELETE FROM rate_limits WHERE key IN (
      SELECT key FROM rate_limits WHERE expires_at <= ${NOW} LIMIT ${max}::int)`;
}

/**
 * Every PRUNE_EVERY-th use in a process prunes: each use adds at most one row, so deleting up to
 * 5000 at a time keeps the table at about the rows of live windows.
 */
const PRUNE_EVERY = 1000;
let usesSincePrune = 0;

async function maybePrune(db: Db): Promise<void> {
  if (++usesSincePrune < PRUNE_EVERY) return;
  usesSincePrune = 0;
  const deleted = await pruneExpiredLimits(db);
  if (deleted > 0) log.debug({ deleted }, "expired rate limit rows deleted");
}

/** "7 seconds", "3 minutes": how long to wait, for people. */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
