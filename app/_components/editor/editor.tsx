"use client";
// The chart editor (timeline-lite). Its state and every command live in the action registry
// (lib/editor/commands.ts, applied by use-editor-actions.ts): keys, the toolbar, the panels and the
// pointer on the timeline all run named actions, and the help panel lists them. The timeline
// draws the document (timeline-view.tsx); sound comes from the practice player's engine; every
// change is kept on the device a moment later (autosave). What to do with the result (save to the
// library, submit a proposal) is the page's business: it gets an EditorApi through `renderActions`.
import { type ReactNode, useCallback, useEffect, useMemo, useRef } from "react";
import { formatBars, lowConfidenceSpans, summarizeGrid } from "@/lib/beatmap/grid-sections.ts";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import { TempoMap } from "@/lib/beatmap/tempo.ts";
import { tempoOf, timingOrDefault } from "@/lib/editor/actions.ts";
import { actionForEffect, barDropMs, barLineAt } from "@/lib/editor/commands.ts";
import {
  confirmedTimes,
  type NotePlace,
  noteById,
  selectedNotes,
  songEndMs,
  toBeatmap,
} from "@/lib/editor/document.ts";
import type { ToolEffect } from "@/lib/editor/pointer-tool.ts";
import { unsureCount } from "@/lib/editor/selection.ts";
import { snappedDelta } from "@/lib/editor/snap.ts";
import type { SongStemsQuery } from "@/lib/store/song-stems.ts";
import { ActionBar, ActionButton } from "./action-controls.tsx";
import styles from "./editor.module.css";
import { useEditorTestHandle } from "./editor-test-handle.ts";
import { HelpPanel } from "./help-panel.tsx";
import { SelectionPanel } from "./selection-panel.tsx";
import { SoundPanel } from "./sound-panel.tsx";
import type { TimelineScene } from "./timeline-renderer.ts";
import { type TimelineHandle, TimelineView } from "./timeline-view.tsx";
import { TimingPanel } from "./timing-panel.tsx";
import { type DraftTarget, useAutosave } from "./use-autosave.ts";
import { useEditorActions } from "./use-editor-actions.ts";
import { useEditorAudio } from "./use-editor-audio.ts";
import { formatTime, useEditorPlayback } from "./use-editor-playback.ts";

export interface EditorApi {
  /** The chart as edited now. */
  chart: () => Beatmap;
  confirmedTimes: () => number[];
  /** Edits since the editor opened (or since the restored draft). */
  edited: boolean;
  playheadMs: () => number;
  /** Moves the playhead (and the view) to `ms`. */
  seek: (ms: number) => void;
  announce: (text: string) => void;
}

export interface EditorProps {
  title: string;
  /** The chart to start from (a restored draft, or the base itself). */
  initial: Beatmap;
  initialConfirmed?: readonly NotePlace[];
  /** Autosave: where, and what the edit started from. */
  draft: DraftTarget;
  /** Which song's stems, stored on this device, play along (loaded as the editor opens). */
  storedAudio?: SongStemsQuery;
  /** Comment markers (ms) on the ruler. */
  markers?: readonly number[];
  /** A line about where the chart came from (restored draft, base version). */
  notice?: ReactNode;
  /** Open with the timing tools showing (the "Fix the grid" links elsewhere ask for this). */
  openTools?: "timing";
  renderActions: (api: EditorApi) => ReactNode;
}

export function Editor(props: EditorProps) {
  const { title, draft, storedAudio, renderActions } = props;
  const editor = useEditorActions({
    initial: props.initial,
    initialConfirmed: props.initialConfirmed,
    // Open where asked, or where the generator doubted the grid.
    openTiming: (d) =>
      props.openTools === "timing" || summarizeGrid(d.chart.Timing, songEndMs(d)).low.length > 0,
  });
  const { run, runInvocation, current, setPlayhead, announce } = editor;
  const timeline = useRef<TimelineHandle | null>(null);
  const clock = useRef<HTMLOutputElement>(null);

  const doc = editor.state.doc;
  // Timing only: a selection change must not rebuild the grid (and redraw the static layer).
  const tempo = useMemo(() => TempoMap.fromTiming(doc.chart.Timing), [doc.chart.Timing]);
  const currentChart = useCallback(() => current().doc.chart, [current]);
  const audio = useEditorAudio(tempo, storedAudio, currentChart);
  const endMs = useMemo(
    () => Math.max(songEndMs(doc), audio.engine?.audioDurationMs ?? 0),
    [doc, audio.engine],
  );
  const onPlayhead = useCallback((ms: number) => timeline.current?.setPlayhead(ms), []);
  const playback = useEditorPlayback({ engine: audio.engine, endMs, editor, onFrame: onPlayhead, clock });
  editor.connect({ endMs, playing: playback.playing, onTransport: playback.transport, onPlayhead });
  const state = editor.state;
  const { saved, unsaved } = useAutosave(doc, draft);
  useEditorTestHandle({ current, timeline, unsaved, audio });

  // The grid's sections and the generator's doubts, for the timing tools, the notice and the shading.
  const grid = useMemo(() => summarizeGrid(doc.chart.Timing, endMs), [doc.chart.Timing, endMs]);
  const lowGrid = useMemo(() => lowConfidenceSpans(grid.sections), [grid]);
  const openTimingTools = useCallback(() => {
    editor.setTimingOpen(true);
    requestAnimationFrame(() =>
      document.getElementById("timing-tools")?.scrollIntoView({ behavior: "smooth", block: "start" }),
    );
  }, [editor.setTimingOpen]);
  // Opened from a "Fix the grid" link: bring the timing tools into view once the page is laid out.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on opening
  useEffect(() => {
    if (props.openTools === "timing") openTimingTools();
  }, []);

  // ── the pointer on the timeline: finished gestures are actions; previews stay in the view ──
  const onEffect = useCallback(
    (effect: ToolEffect) => {
      const call = actionForEffect(effect);
      if (call) runInvocation(call, { source: "pointer" });
    },
    [runInvocation],
  );
  const snapDrag = useCallback(
    (noteId: number, raw: number) => {
      const s = current();
      const n = noteById(s.doc, noteId);
      return n ? snappedDelta(tempoOf(s.doc), n.Time, raw, s.divisor) : raw;
    },
    [current],
  );
  const snapBar = useCallback((ms: number) => barDropMs(current(), ms), [current]);
  const barAt = useCallback((ms: number) => barLineAt(current(), ms), [current]);
  const onView = useCallback(
    (v: { startMs: number; pxPerMs: number; width: number }) => editor.setView(v),
    [editor.setView],
  );

  const scene: TimelineScene = useMemo(
    () => ({
      notes: doc.notes,
      tempo,
      divisor: state.divisor,
      peaks: audio.peaks,
      markers: props.markers ?? [],
      endMs,
      lowGrid,
      sections: grid.sections,
    }),
    [doc.notes, tempo, state.divisor, audio.peaks, props.markers, endMs, lowGrid, grid],
  );
  const selected = useMemo(() => selectedNotes(doc), [doc]);
  const unsure = useMemo(() => unsureCount(doc), [doc]);
  const view = state.view;
  const spanMs = view.width / view.pxPerMs;

  const api: EditorApi = {
    chart: () => toBeatmap(current().doc),
    confirmedTimes: () => confirmedTimes(current().doc),
    edited: doc.undo.length > 0,
    playheadMs: () => editor.playheadRef.current,
    seek: (ms) => setPlayhead(ms),
    announce,
  };

  return (
    <div className={styles.editor}>
      <header className={styles.head}>
        <h1 className={styles.title}>Edit “{title}”</h1>
        {props.notice}
      </header>
      {grid.low.length > 0 ? (
        <p className={`${styles.hint} ${styles.gridBanner}`} data-testid="grid-banner">
          <strong className={styles.warn}>Check the tempo</strong> in{" "}
          {grid.low.map((l) => formatBars(l)).join(", ")} (shaded on the timeline).{" "}
          <button type="button" className={styles.linkish} onClick={openTimingTools}>
            Open the timing tools
          </button>
        </p>
      ) : null}
      <div className={styles.toolbar} role="toolbar" aria-label="Editor">
        <ActionButton name="playPause" editor={editor} />
        <output ref={clock} aria-label="Playhead" className={styles.time}>
          {`${formatTime(state.playheadMs)} / ${formatTime(endMs)}`}
        </output>
        <ActionBar panel="toolbar" editor={editor} />
      </div>
      <TimelineView
        handle={timeline}
        scene={scene}
        selection={doc.selection}
        playheadMs={state.playheadMs}
        startMs={view.startMs}
        pxPerMs={view.pxPerMs}
        tool={state.tool}
        label={`Chart timeline, ${doc.notes.length} notes, ${unsure} unsure. Keys: 1 to 7 place a note at the playhead, arrows move the selection, question mark lists every shortcut.`}
        onView={onView}
        onEffect={onEffect}
        snapDrag={snapDrag}
        barAt={barAt}
        snapBar={snapBar}
      />
      <label className={styles.scroll}>
        <span className="visually-hidden">Scroll the timeline</span>
        <input
          type="range"
          min={0}
          max={Math.max(0, Math.round(endMs - spanMs * 0.5))}
          step={10}
          value={Math.round(view.startMs)}
          onChange={(e) => editor.setView({ ...view, startMs: Number(e.target.value) })}
          aria-valuetext={`From ${formatTime(view.startMs)}`}
        />
      </label>
      <p role="status" aria-live="polite" className={styles.status} data-testid="editor-status">
        {editor.status}
      </p>
      <p className={styles.saved} data-testid="autosave-status" aria-live="polite">
        {saved}
      </p>
      <SelectionPanel selected={selected} editor={editor} />
      <SoundPanel audio={audio} />
      <TimingPanel
        timing={timingOrDefault(doc)}
        grid={grid}
        playheadMs={state.playheadMs}
        open={state.timingOpen}
        onToggle={editor.setTimingOpen}
        keepBeat={state.keepBeat}
        onKeepBeat={(keep) => run("setKeepBeat", keep)}
        taps={state.taps}
        onTap={(atMs) => run("tapTempo", atMs)}
        onResetTaps={() => run("resetTaps", undefined)}
        onEdit={(build, label, options = {}) => run("editTiming", { build, label, ...options })}
        onShift={(deltaMs) => run("shiftAll", deltaMs)}
        onSeek={(ms) => run("seek", { ms })}
      />
      <HelpPanel open={state.helpOpen} onToggle={editor.setHelpOpen} />
      {renderActions(api)}
    </div>
  );
}
