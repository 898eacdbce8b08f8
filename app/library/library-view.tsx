"use client";
// The device's chart library: every chart kept in IndexedDB, with Play, Delete and .bsm import.
import Link from "next/link";
import { type ChangeEvent, useCallback, useEffect, useId, useState } from "react";
import { parseBeatmapBytes } from "@/lib/beatmap/index.ts";
import { deleteChart, listCharts, saveChart } from "@/lib/store/charts.ts";
import { localDb, type StoredChart } from "@/lib/store/db.ts";
import { deleteResultsFor } from "@/lib/store/results.ts";
import { isQuotaError, QUOTA_MESSAGE, requestPersistence } from "@/lib/store/storage.ts";
import { queueAndSend } from "../_components/pwa/outbox-sync.ts";
import { OutboxPanel } from "./outbox-panel.tsx";
import { StoragePanel } from "./storage-panel.tsx";

/** A generated chart can be shared: it names its song by fingerprint and says how it was made. */
function shareable(chart: StoredChart): { fingerprint: string; duration: number } | null {
  const audio = chart.beatmap.Audio;
  if (chart.origin === "server" || !chart.beatmap.Editor?.AiGenerationMetadata) return null;
  if (!audio?.Fingerprint || !audio.Duration) return null;
  return { fingerprint: audio.Fingerprint, duration: audio.Duration / 1000 };
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function LibraryView() {
  const [charts, setCharts] = useState<StoredChart[] | null>(null);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const inputId = useId();

  const refresh = useCallback(async () => {
    setVersion((v) => v + 1);
    try {
      setCharts(await listCharts(localDb()));
    } catch (e) {
      setCharts([]);
      setMessage({
        text: `The library could not be read (${e instanceof Error ? e.message : String(e)}). Private browsing can block storage; try a normal window.`,
        error: true,
      });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const onImport = useCallback(
    async (e: ChangeEvent<HTMLInputElement>) => {
      const files = [...(e.target.files ?? [])];
      e.target.value = "";
      const done: string[] = [];
      for (const file of files) {
        try {
          const beatmap = parseBeatmapBytes(new Uint8Array(await file.arrayBuffer()));
          const chart = await saveChart(localDb(), { beatmap, origin: "imported" });
          done.push(chart.title);
        } catch (err) {
          setMessage({
            text: isQuotaError(err)
              ? QUOTA_MESSAGE
              : `${file.name} was not imported: ${err instanceof Error ? err.message : String(err)}`,
            error: true,
          });
          await refresh();
          return;
        }
      }
      if (done.length) {
        setMessage({ text: `Imported ${done.map((t) => `“${t}”`).join(", ")}.` });
        // Now there is something to lose: ask the browser to keep it.
        void requestPersistence();
      }
      await refresh();
    },
    [refresh],
  );

  const onDelete = useCallback(
    async (chart: StoredChart) => {
      if (confirming !== chart.id) {
        setConfirming(chart.id);
        return;
      }
      setConfirming(null);
      await deleteChart(localDb(), chart.id);
      await deleteResultsFor(localDb(), chart.id);
      setMessage({ text: `Deleted “${chart.title}” from this device.` });
      await refresh();
    },
    [confirming, refresh],
  );

  const onShare = useCallback(async (chart: StoredChart) => {
    const song = shareable(chart);
    if (!song) return;
    setMessage({ text: `Sharing “${chart.title}”…` });
    try {
      const outcome = await queueAndSend({
        // The same id the generate page uses for this chart: shared twice, it arrives once.
        id: `gen-${chart.contentHash.slice(0, 40)}`,
        kind: "maps.submitGenerated",
        payload: { ...song, chart: chart.beatmap },
      });
      setMessage(
        outcome.sent
          ? { text: `Shared “${chart.title}” — thank you. Drummers who drop this song now get it at once.` }
          : outcome.error
            ? { text: `“${chart.title}” was not accepted: ${outcome.error}`, error: true }
            : { text: `“${chart.title}” will be shared when you are back online.` },
      );
    } catch (error) {
      setMessage({ text: isQuotaError(error) ? QUOTA_MESSAGE : String(error), error: true });
    }
  }, []);

  return (
    <>
      <div className="library-actions">
        <label htmlFor={inputId} className="file-label">
          Import a .bsm chart
        </label>
        <input
          id={inputId}
          type="file"
          accept=".bsm,application/json"
          multiple
          onChange={(e) => void onImport(e)}
        />
      </div>
      <p
        role="status"
        aria-live="polite"
        className={message?.error ? "error" : "muted"}
        data-testid="library-status"
      >
        {message?.text}
      </p>
      {charts === null ? (
        <p className="muted">Reading the library…</p>
      ) : charts.length === 0 ? (
        <div className="empty-state" role="status">
          <p>Your library is empty.</p>
          <p>
            <a href="/">Add a song</a> or import a .bsm chart to get started.
          </p>
        </div>
      ) : (
        <ul className="library-list" data-testid="library-list">
          {charts.map((c) => (
            <li key={c.id}>
              <div className="chart-info">
                <strong>{c.title}</strong>
                <div className="muted">
                  {c.artist || "Unknown artist"} · {c.noteCount} notes · {formatDuration(c.durationMs)} ·{" "}
                  {c.origin}
                </div>
              </div>
              <Link className="button" href={`/play/${c.id}`} aria-label={`Play ${c.title}`}>
                Play
              </Link>
              <Link href={`/edit/local/${c.id}`} aria-label={`Edit ${c.title}`}>
                Edit
              </Link>
              {shareable(c) ? (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void onShare(c)}
                  aria-label={`Share ${c.title} with BeatSight`}
                >
                  Share
                </button>
              ) : null}
              <button
                type="button"
                className="secondary"
                onClick={() => void onDelete(c)}
                aria-label={confirming === c.id ? `Confirm: delete ${c.title}` : `Delete ${c.title}`}
              >
                {confirming === c.id ? "Confirm delete" : "Delete"}
              </button>
            </li>
          ))}
        </ul>
      )}
      <OutboxPanel />
      <StoragePanel version={version} onChange={() => void refresh()} />
    </>
  );
}
