// Rate limits every web process shares: fixed windows counted in PostgreSQL (table rate_limits,
// migration 0009). The policies — how many uses per window, per what — are in ./limit-policies.ts;
// this file counts them.
//
// A use is one statement, INSERT … ON CONFLICT DO UPDATE … WHERE <there is room> RETURNING: the
// upsert locks the key's row, so of two processes racing for the last use exactly one gets a row
// back, and the other, seeing the row it updated, finds no room. A refused use changes nothing, so
// a key that keeps knocking does not push its own wait further out. Time is the database's clock,
// the one clock every process shares.
//
// Several counters at once (a person and everyone behind their address) are still one statement,
// one round trip (takeAll): it reads which counters are full, upserts all of them only when none
// is, and answers the waits of the full ones. Rows are upserted in key order, so two statements
// locking the same rows never wait for each other in a circle. Only when a counter fills between
// that read and its upsert (a race for its last use) are the uses already counted given back.
//
// rate-limiter-flexible's RateLimiterPostgres is the well-known design, but it is not a dependency
// here, creates its table outside the migrations and has no doubling waits (Backoff); the statement
// is small enough to own.
//
// A row whose window has ended counts for nothing (the next use starts a fresh window), so expired
// rows are deleted now and then by whichever process happens to be counting (pruneExpiredLimits).
import { createHash } from "node:crypto";
import { type Db, PREPARED, Prisma } from "../db/client.ts";
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

/**
 * The counters of one call as rows `c` (key, points, window_ms, free, first_delay_ms). Their numbers
 * travel as parameters, so every call runs the same statement text (prepared once per connection)
 * and the statement is not rebuilt per call: building one with the numbers written into it cost
 * ~0.4 ms of the web process's CPU per request.
 */
function counterRows(counters: readonly Counter[]) {
  return Prisma.sql`unnest(${counters.map((c) => c.key)}::text[], ${counters.map((c) => c.points)}::int[],
    ${counters.map((c) => c.windowMs)}::double precision[], ${counters.map((c) => c.free)}::int[],
    ${counters.map((c) => c.firstDelayMs)}::double precision[]) AS c(key, points, window_ms, free, first_delay_ms)`;
}

/** When row `r` allows its next use (in a window that has not ended), by its counter `c`'s budget. */
const NEXT_USE_AT = Prisma.sql`CASE WHEN r.count >= c.points THEN r.expires_at
  ELSE least(r.expires_at, r.last_at + c.first_delay_ms * interval '1 millisecond' * power(2, r.count - c.free)) END`;

/** Whether row `r` has room for one more use now. */
const HAS_ROOM = Prisma.sql`(r.expires_at <= ${NOW} OR r.count < c.free
  OR (r.count < c.points AND ${NOW} >= ${NEXT_USE_AT}))`;

/** Seconds until `c` has room (0: now), without counting a use. */
async function waitFor(db: Db, counter: Counter): Promise<number> {
  const rows = await db.$queryRaw<{ wait: number }[]>`
    SELECT CASE WHEN ${HAS_ROOM} THEN 0 ELSE ceil(extract(epoch FROM ${NEXT_USE_AT} - ${NOW}))::int END AS wait
    FROM rate_limits r JOIN ${counterRows([counter])} ON c.key = r.key`;
  return Math.max(0, rows[0]?.wait ?? 0);
}

/** Gives back one use (the request it was counted for turned out not to need it). */
async function refund(db: Db, key: string): Promise<void> {
  await db.$executeRaw`
    UPDATE rate_limits SET count = count - 1
    WHERE key = ${key} AND count > 0 AND expires_at > ${NOW}`;
}

/** One counter of a takeAll: the policy it belongs to and whose count it is, for the refusal. */
interface Use {
  counter: Counter;
  name: LimitName;
  from: LimitRefusal["from"];
}

/**
 * Counts one use on each counter (all or none) in one statement: the first refusal in `uses`' order
 * (nothing counted then), or null when every counter had room.
 */
async function takeAll(db: Db, uses: readonly Use[]): Promise<LimitRefusal | null> {
  const counters = uses.map((u) => u.counter);
  if (new Set(counters.map((c) => c.key)).size !== counters.length) {
    throw new Error("takeAll: one counter was named twice; count each counter once per use.");
  }
  // ORDER BY c.key: every statement locks its rows in the same order, so none waits in a circle.
  const rows = await db.$queryRaw<{ key: string; taken: boolean; wait: number }[]>`${Prisma.raw(PREPARED)}
    WITH c AS (SELECT * FROM ${counterRows(counters)}),
    full_counters AS (
      SELECT r.key, ceil(extract(epoch FROM ${NEXT_USE_AT} - ${NOW}))::int AS wait
      FROM rate_limits r JOIN c ON c.key = r.key
      WHERE NOT ${HAS_ROOM}
    ), taken AS (
      INSERT INTO rate_limits AS r (key, count, last_at, expires_at)
      SELECT c.key, 1, ${NOW}, ${NOW} + c.window_ms * interval '1 millisecond' FROM c
      WHERE NOT EXISTS (SELECT 1 FROM full_counters)
      ORDER BY c.key
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN r.expires_at <= ${NOW} THEN 1 ELSE r.count + 1 END,
        last_at = ${NOW},
        expires_at = CASE WHEN r.expires_at <= ${NOW} THEN excluded.expires_at ELSE r.expires_at END
      WHERE (SELECT ${HAS_ROOM} FROM c WHERE c.key = r.key)
      RETURNING r.key
    )
    SELECT key, true AS taken, 0 AS wait FROM taken
    UNION ALL
    SELECT key, false AS taken, wait FROM full_counters`;
  await maybePrune(db, counters.length);
  const taken = new Set(rows.filter((r) => r.taken).map((r) => r.key));
  if (taken.size === counters.length) return null;
  const waits = new Map(rows.filter((r) => !r.taken).map((r) => [r.key, r.wait]));
  // Full before the statement: nothing was counted, and the first full counter in order refuses.
  const full = uses.find((u) => waits.has(u.counter.key));
  if (full) return { name: full.name, wait: Math.max(1, waits.get(full.counter.key) ?? 0), from: full.from };
  // A counter filled up between the read and its upsert: give back what was counted.
  for (const c of counters) if (taken.has(c.key)) await refund(db, c.key);
  const refused = uses.find((u) => !taken.has(u.counter.key)) as Use;
  return { name: refused.name, wait: Math.max(1, await waitFor(db, refused.counter)), from: refused.from };
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
  const refusal = await takeAll(db, [{ counter: c, name, from: "network" }]);
  return refusal?.wait ?? 0;
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

async function maybePrune(db: Db, uses: number): Promise<void> {
  usesSincePrune += uses;
  if (usesSincePrune < PRUNE_EVERY) return;
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
