// Interactive transactions that survive a busy database. Under load a transaction may fail to start
// in time (Prisma P2028: every pooled connection is busy), run past its timeout (also P2028), lose
// a serialization conflict or a deadlock (P2034, SQLSTATE 40001 / 40P01), or find no connection
// (P2024); while the database restarts it may find it unreachable (P1001). None of these is the
// request's fault and each usually passes soon, so the whole transaction is run again with
// jittered, doubling backoff. Work inside must therefore be
// safe to repeat, which a transaction gives: a failed attempt left nothing behind. When every
// attempt fails the caller gets DatabaseBusyError, which the API answers 503 with Retry-After
// (server/trpc/init.ts): the client's outbox sends again later, never a 500.
import type { Db, Prisma } from "./client.ts";

export type Tx = Prisma.TransactionClient;

export interface TransactionLimits {
  /** Milliseconds to wait for a connection and BEGIN (Prisma's default: 2000). */
  maxWait?: number;
  /** Milliseconds the transaction may run, waiting on locks included (Prisma's default: 5000). */
  timeout?: number;
}

/** How often and how patiently a transaction is tried before the caller is told to come back. */
export const RETRY_POLICY = {
  /** Tries in all, the first included. */
  attempts: 4,
  /** The first backoff's upper bound; each later one doubles, up to maxDelayMs. */
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  /** What Retry-After says when every attempt failed. */
  retryAfterSeconds: 5,
} as const;

export class DatabaseBusyError extends Error {
  override name = "DatabaseBusyError";
  constructor(
    readonly retryAfterSeconds: number,
    readonly attempts: number,
    options?: { cause?: unknown; failure?: DbFailure },
  ) {
    super(unavailableMessage(options?.failure ?? "busy", retryAfterSeconds), options);
  }
}

/** What a person is told: only where nothing can have happened does it say so. */
function unavailableMessage(failure: DbFailure, seconds: number): string {
  switch (failure) {
    case "busy":
      return `The server is busy right now and could not save this; nothing was changed. Please try again in ${seconds} seconds.`;
    case "unreachable":
      return `The server's database is restarting; nothing was changed. Please try again in ${seconds} seconds.`;
    case "lost":
      return `The connection to the server's database broke while this was being saved, so it may or may not have been saved. Please check again in ${seconds} seconds before repeating it.`;
  }
}

/**
 * The 503 a database failure deserves (DatabaseBusyError after retries, or a transient failure
 * outside a transaction), or null when the failure is a real error. Used by the route guard and
 * tRPC, so both answer alike.
 */
export function asUnavailable(error: unknown): DatabaseBusyError | null {
  if (error instanceof DatabaseBusyError) return error;
  const failure = classifyDbError(error);
  return failure ? new DatabaseBusyError(RETRY_POLICY.retryAfterSeconds, 1, { cause: error, failure }) : null;
}

/**
 * Why a database call failed, when it was not the request's fault:
 * - "busy": load (no connection free in time, a transaction timed out, a serialization conflict
 *   or deadlock, too many connections). The attempt left nothing behind.
 * - "unreachable": no connection could be opened (server down or restarting, refusing
 *   connections while it starts). Nothing was sent, so nothing happened.
 * - "lost": the connection broke while in use (server killed or shut down, network cut). What the
 *   server did with the last statement is unknown, so it is not repeated here; the client's own
 *   resend, keyed by its client mutation id, is what makes a retry safe.
 */
export type DbFailure = "busy" | "unreachable" | "lost";

// Prisma error codes, PostgreSQL SQLSTATEs, driver-adapter error kinds and Node socket errors:
// they never collide, so one table per failure serves them all.
const FAILURE_CODES: Record<DbFailure, ReadonlySet<string>> = {
  busy: new Set([
    "P2024", // timed out fetching a connection from the pool
    "P2028", // transaction API error: could not start in time, or ran past its timeout
    "P2034", // write conflict or deadlock
    "P2037", // too many database connections opened
    "40001", // serialization_failure
    "40P01", // deadlock_detected
    "53300", // too_many_connections
    "TransactionWriteConflict",
    "TooManyConnections",
  ]),
  unreachable: new Set([
    "P1001", // can't reach database server
    "P1002", // database server reached but timed out
    "57P03", // cannot_connect_now: starting up, shutting down, in recovery
    "08001", // sqlclient_unable_to_establish_sqlconnection
    "08004", // sqlserver_rejected_establishment_of_sqlconnection
    "DatabaseNotReachable",
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
  ]),
  lost: new Set([
    "P1008", // operations timed out
    "P1017", // server has closed the connection
    "57P01", // admin_shutdown: terminating connection due to administrator command
    "57P02", // crash_shutdown: another server process crashed
    "08000", // connection_exception
    "08003", // connection_does_not_exist
    "08006", // connection_failure
    "08007", // transaction_resolution_unknown
    "ConnectionClosed",
    "SocketTimeout",
    "ECONNRESET",
    "EPIPE",
    "ETIMEDOUT",
  ]),
};

// node-postgres reports a broken or unobtainable connection with plain errors that carry no code.
const UNREACHABLE_MESSAGES = [
  /^timeout exceeded when trying to connect/i,
  /^Connection terminated due to connection timeout/i,
];
const LOST_MESSAGES = [
  /^Connection terminated/i,
  /^Client has encountered a connection error and is not queryable/i,
  /^Client was closed and is not queryable/i,
];

/**
 * Classifies a database failure that is not the request's fault (see DbFailure), or null.
 * Looks through the wrappers Prisma puts around driver errors (cause, meta.code,
 * meta.driverAdapterError and its cause) and through AggregateError (both loopback addresses
 * refusing at once).
 */
export function classifyDbError(error: unknown): DbFailure | null {
  if (error instanceof DatabaseBusyError) return "busy";
  const seen = new Set<unknown>();
  const found = new Set<DbFailure>();
  const visit = (value: unknown, depth: number) => {
    if (typeof value !== "object" || value === null || seen.has(value) || depth > 6) return;
    seen.add(value);
    const { code, originalCode, kind, message, meta, cause, errors } = value as Record<string, unknown>;
    for (const key of [code, originalCode, kind]) {
      if (typeof key !== "string") continue;
      for (const failure of ["busy", "unreachable", "lost"] as const)
        if (FAILURE_CODES[failure].has(key)) found.add(failure);
    }
    if (typeof message === "string" && typeof code !== "string") {
      if (UNREACHABLE_MESSAGES.some((m) => m.test(message))) found.add("unreachable");
      else if (LOST_MESSAGES.some((m) => m.test(message))) found.add("lost");
    }
    if (typeof meta === "object" && meta !== null) {
      const { code: sqlState, driverAdapterError } = meta as Record<string, unknown>;
      visit({ code: sqlState }, depth + 1);
      visit(driverAdapterError, depth + 1);
    }
    visit(cause, depth + 1);
    if (Array.isArray(errors)) for (const e of errors) visit(e, depth + 1);
  };
  visit(error, 0);
  // The most cautious reading wins: a lost connection is never retried blindly.
  if (found.has("lost")) return "lost";
  if (found.has("unreachable")) return "unreachable";
  if (found.has("busy")) return "busy";
  return null;
}

/**
 * True for failures that are not the request's fault: load, or a database that is down,
 * restarting or cut off. The API answers these 503 with Retry-After (RETRY_POLICY), never 500.
 */
export function isTransientDbError(error: unknown): boolean {
  return classifyDbError(error) !== null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `db.$transaction(work, limits)`, tried again on transient failures; DatabaseBusyError when they persist. */
export async function transaction<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  limits: TransactionLimits = {},
): Promise<T> {
  const policy = RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(work, limits);
    } catch (error) {
      // A lost connection is not retried: the commit may have happened.
      const failure = classifyDbError(error);
      if (failure !== "busy" && failure !== "unreachable") throw error;
      if (attempt >= policy.attempts)
        throw new DatabaseBusyError(policy.retryAfterSeconds, attempt, { cause: error, failure });
      // Full jitter: concurrent losers spread out instead of colliding again together.
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * cap);
    }
  }
}
