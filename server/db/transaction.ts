// Interactive transactions that survive a busy database. Under load a transaction may fail to start
// in time (Prisma P2028: every pooled connection is busy), run past its timeout (also P2028), lose
// a serialization conflict or a deadlock (P2034, SQLSTATE 40001 / 40P01), or find no connection
// (P2024). None of these is the request's fault and each usually passes in milliseconds, so the
// whole transaction is run again with jittered, doubling backoff. Work inside must therefore be
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
    options?: { cause?: unknown },
  ) {
    super(
      `The server is busy right now and could not save this; nothing was changed. Please try again in ${retryAfterSeconds} seconds.`,
      options,
    );
  }
}

const TRANSIENT_PRISMA_CODES = new Set(["P2024", "P2028", "P2034"]);
const TRANSIENT_SQLSTATES = new Set(["40001", "40P01"]);

/** True for failures that come from load, not from the request: worth trying again. */
export function isTransientDbError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { code?: unknown } };
  if (typeof code === "string" && (TRANSIENT_PRISMA_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)))
    return true;
  // Raw queries report the server's SQLSTATE in meta.code (Prisma P2010).
  if (typeof meta?.code === "string" && TRANSIENT_SQLSTATES.has(meta.code)) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isTransientDbError(cause);
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
      if (!isTransientDbError(error)) throw error;
      if (attempt >= policy.attempts)
        throw new DatabaseBusyError(policy.retryAfterSeconds, attempt, { cause: error });
      // Full jitter: concurrent losers spread out instead of colliding again together.
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * cap);
    }
  }
}
