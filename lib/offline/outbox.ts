// The outbox: changes made on this device (charts shared, and later edits, votes, results) wait
// here until the server has them. Each entry's id is its client mutation id, sent with it, so a
// retry after a lost answer is recognised by the server and never applied twice.
import type { BeatSightDb, OutboxEntry } from "../store/db.ts";
import { isOutboxProcedure, MutationSendError, type OutboxProcedure, sendMutation } from "./send-mutation.ts";

export interface QueueInput {
  /** The client mutation id: stable for the change (the same change queued twice stays one entry). */
  id: string;
  kind: OutboxProcedure;
  payload: Record<string, unknown>;
}

/** Adds a change to the outbox; queuing the same id again keeps the first. */
export async function enqueue(db: BeatSightDb, input: QueueInput, now = Date.now()): Promise<OutboxEntry> {
  const existing = await db.outbox.get(input.id);
  if (existing) return existing;
  const entry: OutboxEntry = {
    id: input.id,
    kind: input.kind,
    payload: input.payload,
    createdAt: now,
    attempts: 0,
    state: "pending",
  };
  await db.outbox.add(entry);
  return entry;
}

export interface FlushReport {
  sent: { entry: OutboxEntry; result: unknown }[];
  /** Refused for good: kept, marked failed, shown to the user with the reason. */
  failed: OutboxEntry[];
  /** Left for the next attempt (offline, server trouble). */
  remaining: number;
  /** Changes that need an account, kept until the user signs in. */
  waitingForSignIn: number;
}

export type Sender = (kind: OutboxProcedure, input: Record<string, unknown>) => Promise<unknown>;

/**
 * Sends pending entries oldest first. Stops at the first retryable failure (the network is
 * probably gone; order is kept); a refused entry is marked failed and the rest go on.
 */
export async function flushOutbox(db: BeatSightDb, send: Sender = sendMutation): Promise<FlushReport> {
  const report: FlushReport = { sent: [], failed: [], remaining: 0, waitingForSignIn: 0 };
  const pending = await db.outbox.where("state").equals("pending").sortBy("createdAt");
  for (let i = 0; i < pending.length; i++) {
    const entry = pending[i] as OutboxEntry;
    if (!isOutboxProcedure(entry.kind)) {
      await db.outbox.update(entry.id, {
        state: "failed",
        lastError: `Unknown kind of change "${entry.kind}".`,
      });
      report.failed.push(entry);
      continue;
    }
    try {
      const result = await send(entry.kind, { ...(entry.payload as object), clientMutationId: entry.id });
      await db.outbox.delete(entry.id);
      await recordSent(db, entry, result);
      report.sent.push({ entry, result });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof MutationSendError && error.needsSignIn) {
        // Kept for when the user signs in; the changes behind it need no account and go on.
        await db.outbox.update(entry.id, { lastError: "Waiting for you to sign in." });
        report.waitingForSignIn++;
        continue;
      }
      const retryable = !(error instanceof MutationSendError) || error.retryable;
      await db.outbox.update(entry.id, {
        attempts: entry.attempts + 1,
        lastError: message,
        ...(retryable ? {} : { state: "failed" as const }),
      });
      if (retryable) {
        report.remaining = pending.length - i;
        return report;
      }
      report.failed.push({ ...entry, state: "failed", lastError: message });
    }
  }
  return report;
}

/**
 * What the device learns from the server's answer. A shared chart now has a song and a map version
 * on the server: practice results of that chart can then go to the user's account.
 */
async function recordSent(db: BeatSightDb, entry: OutboxEntry, result: unknown): Promise<void> {
  if (entry.kind !== "maps.submitGenerated" || !entry.id.startsWith("gen-")) return;
  const answer = result as { song?: { id?: string }; versionId?: string } | undefined;
  if (!answer?.versionId) return;
  await db.charts
    .where("contentHash")
    .startsWith(entry.id.slice("gen-".length))
    .modify({ mapVersionId: answer.versionId, ...(answer.song?.id ? { songId: answer.song.id } : {}) });
}

/**
 * How long an open page waits before sending again after trouble that passes (the server down, a
 * lost answer) while the browser says it is online: 5 s, doubling per failed flush, at most 5 min.
 * Offline it waits for the `online` event instead.
 */
export function retryDelayMs(failedFlushes: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, failedFlushes), 5 * 60_000);
}

/** A failed entry the user chose to try again. */
export async function retryEntry(db: BeatSightDb, id: string): Promise<void> {
  await db.outbox.update(id, { state: "pending" });
}

export async function discardEntry(db: BeatSightDb, id: string): Promise<void> {
  await db.outbox.delete(id);
}
