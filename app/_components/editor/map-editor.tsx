"use client";
// The editor on a map from the server: edits a version (the newest, or ?version=), restores the
// unsaved edit kept on this device for this map, shows the version's comment markers, and submits
// the result as an edit proposal (submit-panel.tsx).
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import type { NotePlace } from "@/lib/editor/document.ts";
import { localDb } from "@/lib/store/db.ts";
import { deleteDraft, loadDraft, mapDraftKey, saveDraft } from "@/lib/store/drafts.ts";
import type { SongStemsQuery } from "@/lib/store/song-stems.ts";
import { StatusLabel } from "../status-label.tsx";
import { useTRPCClient } from "../trpc.tsx";
import styles from "./editor.module.css";
import { Editor } from "./editor.tsx";
import { type LatestVersion, SubmitPanel } from "./submit-panel.tsx";

interface Ready {
  kind: "ready";
  map: {
    id: string;
    name: string;
    state: "ai_draft" | "human_fixed" | "verified" | "archived";
    isCanonical: boolean;
  };
  base: { id: string; number: number; contentHash: string; chart: Beatmap; isLatest: boolean };
  initial: Beatmap;
  confirmed: NotePlace[];
  restoredAt: number | null;
  markers: number[];
  /** The song's stems on this device, if any: any version of this map, or the same song. */
  storedAudio: SongStemsQuery;
  generation: number;
}

type Loaded = { kind: "loading" } | { kind: "error"; message: string } | Ready;

export function MapEditor({
  mapId,
  versionId,
  openTools,
}: {
  mapId: string;
  versionId?: string;
  /** "timing": open on the timing tools (from a "Fix the grid" link). */
  openTools?: "timing";
}) {
  const client = useTRPCClient();
  const [state, setState] = useState<Loaded>({ kind: "loading" });
  const [message, setMessage] = useState("");
  const key = mapDraftKey(mapId);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const [map, draft] = await Promise.all([client.maps.get.query({ mapId }), loadDraft(localDb(), key)]);
        const newest = [...map.versions].sort((a, b) => b.number - a.number)[0];
        // An unsaved edit continues on the version it started from (submitting rebases it).
        const baseId = draft?.baseVersionId ?? versionId ?? newest?.id;
        if (!baseId) throw new Error("This map has no published version to edit yet.");
        const [version, comments] = await Promise.all([
          client.maps.version.query({ versionId: baseId }),
          client.comments.list.query({ versionId: baseId }).catch(() => []),
        ]);
        if (cancelled) return;
        const useDraft = draft && draft.baseVersionId === version.id;
        setState({
          kind: "ready",
          map: { id: map.id, name: map.name, state: map.state, isCanonical: map.isCanonical },
          base: {
            id: version.id,
            number: version.number,
            contentHash: version.contentHash,
            chart: version.chart,
            isLatest: version.id === newest?.id,
          },
          initial: useDraft ? draft.beatmap : version.chart,
          confirmed: useDraft ? draft.confirmed : [],
          restoredAt: useDraft ? draft.savedAt : null,
          markers: comments.map((c) => c.timeMs),
          storedAudio: {
            songId: map.song.id,
            mapVersionIds: map.versions.map((v) => v.id),
            contentHashes: map.versions.map((v) => v.contentHash),
            audio: { Hash: version.chart.Audio?.Hash, Fingerprint: version.chart.Audio?.Fingerprint },
          },
          generation: 0,
        });
      } catch (e) {
        if (!cancelled) {
          setState({
            kind: "error",
            message: `The map could not be opened: ${e instanceof Error ? e.message : String(e)}`,
          });
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, key, mapId, versionId]);

  const discard = useCallback(async () => {
    if (state.kind !== "ready") return;
    await deleteDraft(localDb(), key);
    setState({
      ...state,
      initial: state.base.chart,
      confirmed: [],
      restoredAt: null,
      generation: state.generation + 1,
    });
  }, [key, state]);

  const onRebased = useCallback(
    async (chart: Beatmap, latest: LatestVersion) => {
      if (state.kind !== "ready") return;
      const saved = await saveDraft(localDb(), {
        key,
        beatmap: chart,
        baseHash: "",
        baseVersionId: latest.id,
        confirmed: [],
      });
      setState({
        ...state,
        base: { id: latest.id, number: latest.number, contentHash: "", chart: latest.chart, isLatest: true },
        initial: chart,
        confirmed: [],
        restoredAt: saved.savedAt,
        generation: state.generation + 1,
      });
    },
    [key, state],
  );

  if (state.kind === "loading") return <p role="status">Opening the map…</p>;
  if (state.kind === "error") {
    return (
      <p role="alert" className="error">
        {state.message} <Link href={`/maps/${mapId}`}>Back to the map</Link>
      </p>
    );
  }
  const { map, base } = state;
  return (
    <Editor
      key={`${base.id}:${state.generation}`}
      title={map.name}
      initial={state.initial}
      initialConfirmed={state.confirmed}
      draft={{ key, baseHash: base.contentHash, baseVersionId: base.id }}
      markers={state.markers}
      storedAudio={state.storedAudio}
      {...(openTools ? { openTools } : {})}
      notice={
        <div className={styles.hint} data-testid="draft-notice">
          <StatusLabel state={map.state} canonical={map.isCanonical} /> Editing version {base.number}
          {base.isLatest ? " (the newest)" : " (a newer one exists: submitting moves your edit onto it)"}.
          {state.restoredAt !== null ? (
            <>
              {" "}
              Restored your unsaved edit from {new Date(state.restoredAt).toLocaleString()}.{" "}
              <button type="button" onClick={() => void discard()}>
                Discard the edit
              </button>
            </>
          ) : null}
        </div>
      }
      renderActions={(api) => (
        <SubmitPanel
          api={api}
          mapId={map.id}
          draftKey={key}
          base={{ id: base.id, number: base.number, chart: base.chart }}
          onRebased={(chart, latest) => void onRebased(chart, latest)}
          message={message}
          onMessage={setMessage}
        />
      )}
    />
  );
}
