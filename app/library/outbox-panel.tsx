"use client";
// Changes made on this device that the server does not have yet, with what happened to them.
import { discardEntry, retryEntry } from "@/lib/offline/outbox.ts";
import { localDb } from "@/lib/store/db.ts";
import { flushNow, useOutboxEntries } from "../_components/pwa/outbox-sync.ts";

const LABELS: Record<string, string> = {
  "maps.submitGenerated": "Share a chart",
  "results.submit": "Practice result",
  "proposals.create": "Chart fix",
  "votes.cast": "Vote",
};

export function OutboxPanel() {
  const entries = useOutboxEntries();
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby="outbox-title" data-testid="outbox-panel">
      <h2 id="outbox-title">Waiting to be sent</h2>
      <ul className="outbox-list">
        {entries.map((e) => {
          const payload = e.payload as { chart?: { Metadata?: { Title?: string } } };
          return (
            <li key={e.id}>
              {LABELS[e.kind] ?? e.kind}
              {payload.chart?.Metadata?.Title ? ` “${payload.chart.Metadata.Title}”` : ""} ·{" "}
              {e.state === "failed" ? (
                <>
                  <span className="error">refused: {e.lastError}</span>{" "}
                  <button
                    type="button"
                    className="secondary"
                    onClick={async () => {
                      await retryEntry(localDb(), e.id);
                      await flushNow();
                    }}
                  >
                    Try again
                  </button>{" "}
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => void discardEntry(localDb(), e.id)}
                  >
                    Discard
                  </button>
                </>
              ) : (
                <span className="muted">
                  sent when you are online{e.attempts > 0 ? ` (tried ${e.attempts}×: ${e.lastError})` : ""}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
