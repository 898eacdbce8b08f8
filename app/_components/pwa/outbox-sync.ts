// Page side of the outbox (lib/offline/outbox.ts): flush now, when the browser comes back online,
// when the app starts, and when the service worker's Background Sync has sent something. One
// flush at a time across tabs (a Web Lock), so two tabs never send the same entry at once.
import { liveQuery } from "dexie";
import { useEffect, useState } from "react";
import {
  enqueue,
  type FlushReport,
  flushOutbox,
  type QueueInput,
  retryDelayMs,
} from "@/lib/offline/outbox.ts";
import { OUTBOX_LOCK, OUTBOX_SYNC_TAG } from "@/lib/offline/pwa-constants.ts";
import { localDb, type OutboxEntry } from "@/lib/store/db.ts";

const EMPTY: FlushReport = { sent: [], failed: [], remaining: 0, waitingForSignIn: 0 };

let retryTimer: ReturnType<typeof setTimeout> | undefined;
let failedFlushes = 0;

/**
 * Trouble that passes while the browser is online (a lost answer, the server restarting): this page
 * tries again after a growing pause (lib/offline/outbox.ts retryDelayMs), so a change does not wait
 * for the next start. Offline, the `online` event and Background Sync take over.
 */
function scheduleRetry(report: FlushReport): void {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  if (report.remaining === 0) {
    failedFlushes = 0;
    return;
  }
  if (navigator.onLine === false) return;
  retryTimer = setTimeout(() => void flushNow().catch(() => undefined), retryDelayMs(failedFlushes++));
}

export async function flushNow(): Promise<FlushReport> {
  if (typeof navigator !== "undefined" && navigator.onLine === false) {
    return { ...EMPTY, remaining: await localDb().outbox.where("state").equals("pending").count() };
  }
  const run = () => flushOutbox(localDb());
  const report =
    typeof navigator !== "undefined" && navigator.locks
      ? await navigator.locks.request(OUTBOX_LOCK, run)
      : await run();
  if (typeof window !== "undefined") scheduleRetry(report);
  return report;
}

/** Asks the browser to flush the outbox from the worker when the network is back (Chromium). */
async function registerBackgroundSync(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    const sync = (registration as { sync?: { register(tag: string): Promise<void> } } | undefined)?.sync;
    await sync?.register(OUTBOX_SYNC_TAG);
  } catch {
    // No Background Sync (Firefox, Safari): the online event and the next start send it instead.
  }
}

/**
 * Queues a change and sends it at once when it can; if it cannot (offline, server trouble), the
 * change waits and Background Sync is asked to send it later.
 */
export async function queueAndSend(
  input: QueueInput,
): Promise<{ sent: boolean; result?: unknown; error?: string }> {
  await enqueue(localDb(), input);
  const report = await flushNow();
  const sent = report.sent.find((s) => s.entry.id === input.id);
  if (sent) return { sent: true, result: sent.result };
  const failed = report.failed.find((f) => f.id === input.id);
  if (failed) return { sent: false, ...(failed.lastError ? { error: failed.lastError } : {}) };
  // Gone without our flush sending it: another tab (or the worker) did.
  if (!(await localDb().outbox.get(input.id))) return { sent: true };
  await registerBackgroundSync();
  return { sent: false };
}

/** Sends the outbox when the app starts, when the network returns and when the worker says so. */
export function useOutboxAutoFlush(): void {
  useEffect(() => {
    const flush = () => void flushNow().catch(() => undefined);
    flush();
    window.addEventListener("online", flush);
    return () => window.removeEventListener("online", flush);
  }, []);
}

/** The outbox's entries, live (re-read whenever the table changes). */
export function useOutboxEntries(): OutboxEntry[] {
  const [entries, setEntries] = useState<OutboxEntry[]>([]);
  useEffect(() => {
    const subscription = liveQuery(() => localDb().outbox.orderBy("createdAt").toArray()).subscribe({
      next: setEntries,
      error: () => setEntries([]),
    });
    return () => subscription.unsubscribe();
  }, []);
  return entries;
}
