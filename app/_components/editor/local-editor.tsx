"use client";
// The editor on a chart from this device's library: restores an unsaved edit (autosave) if there
// is one, plays the chart's stems, and saves back into the library.
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import { updateChartBeatmap } from "@/lib/store/charts.ts";
import { localDb, type StoredChart, type StoredDraft } from "@/lib/store/db.ts";
import { deleteDraft, loadDraft, localDraftKey } from "@/lib/store/drafts.ts";
import { ErrorMessage } from "../error-message.tsx";
import { addressId } from "../pwa/address-id.ts";
import styles from "./editor.module.css";
import { Editor } from "./editor.tsx";

type Loaded =
  | { kind: "loading" }
  | { kind: "missing" }
  | { kind: "error"; message: string }
  | { kind: "ready"; stored: StoredChart; draft: StoredDraft | null; generation: number };

export function LocalEditor({
  chartId: routeChartId,
  openTools,
}: {
  chartId: string;
  /** "timing": open on the timing tools (from a "Fix the grid" link). */
  openTools?: "timing";
}) {
  // Offline the page may be the editor's shell: the address names the chart (pwa/address-id.ts).
  const chartId = useMemo(() => addressId("/edit/local/", routeChartId), [routeChartId]);
  const [state, setState] = useState<Loaded>({ kind: "loading" });
  const key = localDraftKey(chartId);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const db = localDb();
        const [stored, draft] = await Promise.all([db.charts.get(chartId), loadDraft(db, key)]);
        if (cancelled) return;
        if (!stored) setState({ kind: "missing" });
        else setState({ kind: "ready", stored, draft: draft ?? null, generation: 0 });
      } catch (e) {
        if (!cancelled) {
          setState({
            kind: "error",
            message: `The library could not be read (${e instanceof Error ? e.message : String(e)}). Private browsing can block storage; try a normal window.`,
          });
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [chartId, key]);

  const discard = useCallback(async () => {
    if (state.kind !== "ready") return;
    await deleteDraft(localDb(), key);
    setState({ ...state, draft: null, generation: state.generation + 1 });
  }, [key, state]);

  const save = useCallback(
    async (chart: Beatmap, announce: (t: string) => void) => {
      if (state.kind !== "ready") return;
      try {
        const stored = await updateChartBeatmap(localDb(), chartId, chart);
        await deleteDraft(localDb(), key);
        setState({ ...state, stored, draft: null });
        announce("Saved to your library.");
      } catch (e) {
        announce(`Not saved: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    [chartId, key, state],
  );

  if (state.kind === "loading") return <p role="status">Opening the chart…</p>;
  if (state.kind === "missing") {
    return (
      <p role="alert" className="error">
        This chart is not in your library: it may have been deleted, or saved in another browser.{" "}
        <Link href="/library">Open your library</Link>.
      </p>
    );
  }
  if (state.kind === "error") return <ErrorMessage error={state.message} />;

  const { stored, draft } = state;
  return (
    <Editor
      key={state.generation}
      title={stored.title}
      initial={draft?.beatmap ?? stored.beatmap}
      initialConfirmed={draft?.confirmed ?? []}
      draft={{ key, baseHash: stored.contentHash }}
      storedAudio={{
        chartId: stored.id,
        ...(stored.songId ? { songId: stored.songId } : {}),
        audio: stored.beatmap.Audio,
      }}
      {...(openTools ? { openTools } : {})}
      notice={
        draft ? (
          <p className={styles.hint} data-testid="draft-notice">
            Restored your unsaved edit from {new Date(draft.savedAt).toLocaleString()}.{" "}
            <button type="button" onClick={() => void discard()}>
              Discard the edit
            </button>
          </p>
        ) : null
      }
      renderActions={(api) => (
        <div className={styles.row}>
          <button type="button" onClick={() => void save(api.chart(), api.announce)}>
            Save to library
          </button>
          <Link href={`/play/${stored.id}`}>Practise this chart</Link>
          <Link href="/library">Back to the library</Link>
        </div>
      )}
    />
  );
}
