"use client";
// The chart editor (timeline-lite). It holds the document (lib/editor/document.ts) and turns
// clicks, drags and keys into named edits from lib/editor/actions.ts; the timeline draws it
// (timeline-view.tsx); sound comes from the practice player's engine; every change is kept on the
// device a moment later (autosave). What to do with the result (save to the library, submit a
// proposal) is the page's business: it gets an EditorApi through `renderActions`.
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { formatBars, lowConfidenceSpans, summarizeGrid } from "@/lib/beatmap/grid-sections.ts";
import type { Beatmap, Timing } from "@/lib/beatmap/index.ts";
import { LANE_LABELS, type Lane } from "@/lib/beatmap/lanes.ts";
import { TempoMap } from "@/lib/beatmap/tempo.ts";
import {
  addNote,
  confirmNotes,
  copySelection,
  deleteNotes,
  type EditResult,
  isRefusal,
  moveNotes,
  nudge,
  paste,
  type Refusal,
  reassignLane,
  remapComponent,
  setComponent,
  setTiming,
  setVelocity,
  shiftAll,
  tempoOf,
  timingOrDefault,
} from "@/lib/editor/actions.ts";
import {
  commit,
  confirmedPlaces,
  confirmedTimes,
  createDoc,
  type EditorDoc,
  type NotePlace,
  noteById,
  redo,
  selectedNotes,
  songEndMs,
  toBeatmap,
  undo,
} from "@/lib/editor/document.ts";
import type { Tool, ToolEffect } from "@/lib/editor/pointer-tool.ts";
import {
  clearSelection,
  nextUnsure,
  notesInBox,
  select,
  selectAll,
  unsureCount,
} from "@/lib/editor/selection.ts";
import { commandFor, placeLane } from "@/lib/editor/shortcuts.ts";
import {
  isSnapDivisor,
  SNAP_DIVISORS,
  type SnapDivisor,
  snapLabel,
  snapMs,
  snappedDelta,
  stepDivisor,
  stepMs,
} from "@/lib/editor/snap.ts";
import { addTap } from "@/lib/editor/tap-tempo.ts";
import { barLineNear, moveBarLine, nearestNoteMs, snapForFeel } from "@/lib/editor/tempo-tools.ts";
import { follow, laneY, msToX, type Viewport, zoom } from "@/lib/editor/viewport.ts";
import { localDb } from "@/lib/store/db.ts";
import { saveDraft } from "@/lib/store/drafts.ts";
import type { SongStemsQuery } from "@/lib/store/song-stems.ts";
import styles from "./editor.module.css";
import { HelpPanel } from "./help-panel.tsx";
import { SelectionPanel } from "./selection-panel.tsx";
import type { TimelineScene } from "./timeline-renderer.ts";
import { RULER_HEIGHT, type TimelineHandle, TimelineView } from "./timeline-view.tsx";
import { type TimingEdit, TimingPanel } from "./timing-panel.tsx";
import { useEditorAudio } from "./use-editor-audio.ts";

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
  draft: { key: string; baseHash: string; baseVersionId?: string };
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

/** Test hook: where notes are drawn, and how often each layer was drawn. */
export interface EditorTestHandle {
  notes: () => { id: number; time: number; lane: number; component: string; confirmed: boolean }[];
  /** A note's centre in CSS px relative to the timeline box. */
  notePoint: (id: number) => { x: number; y: number } | null;
  pointAt: (ms: number, lane: number) => { x: number; y: number };
  selection: () => number[];
  renderCounts: () => { static: number; live: number };
  playheadMs: () => number;
  /** An edit is waiting to be written to the device. */
  unsaved: () => boolean;
  /** The chart's timing as edited. */
  timing: () => Beatmap["Timing"];
  /** What the audio engine has and where its clock is (seconds of the AudioContext). */
  audio: () => {
    loaded: boolean;
    durationMs: number;
    playing: boolean;
    contextTime: number;
    waveform: boolean;
  };
}

declare global {
  interface Window {
    __beatsightEditor?: EditorTestHandle;
  }
}

const AUTOSAVE_DELAY_MS = 400;

function formatTime(ms: number): string {
  const s = Math.max(0, ms / 1000);
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(3).padStart(6, "0")}`;
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

export function Editor(props: EditorProps) {
  const { title, draft, storedAudio, renderActions } = props;
  const [doc, setDocState] = useState<EditorDoc>(() =>
    createDoc(props.initial, { confirmed: props.initialConfirmed ?? [] }),
  );
  const docRef = useRef(doc);
  const setDoc = useCallback((next: EditorDoc) => {
    docRef.current = next;
    setDocState(next);
  }, []);
  const [divisor, setDivisor] = useState<SnapDivisor>(() => {
    const d = props.initial.Editor?.SnapDivisor ?? 4;
    return isSnapDivisor(d) ? d : 4;
  });
  const [tool, setTool] = useState<Tool>("select");
  const [view, setView] = useState({ startMs: 0, pxPerMs: 0.15, width: 0 });
  const viewRef = useRef(view);
  viewRef.current = view;
  const [playheadMs, setPlayheadState] = useState(0);
  const playheadRef = useRef(0);
  const [playing, setPlaying] = useState(false);
  const [status, setStatus] = useState("");
  const [saved, setSaved] = useState<string>("");
  const [helpOpen, setHelpOpen] = useState(false);
  const [mix, setMixState] = useState({ drumsOnly: false, metronome: false });
  const [keepBeat, setKeepBeat] = useState(false);
  const [taps, setTaps] = useState<number[]>([]);
  const lastUnsure = useRef<number | undefined>(undefined);
  const timeline = useRef<TimelineHandle | null>(null);
  const raf = useRef<number | null>(null);
  const timeOutput = useRef<HTMLOutputElement>(null);

  // Timing only: a selection change must not rebuild the grid (and redraw the static layer).
  const tempo = useMemo(() => TempoMap.fromTiming(doc.chart.Timing), [doc.chart.Timing]);
  const currentChart = useCallback(() => docRef.current.chart, []);
  const audio = useEditorAudio(tempo, storedAudio, currentChart);
  const audioRef = useRef(audio);
  audioRef.current = audio;
  const endMs = useMemo(
    () => Math.max(songEndMs(doc), audio.engine?.audioDurationMs ?? 0),
    [doc, audio.engine],
  );

  const announce = useCallback((text: string) => setStatus(text), []);

  // The grid's sections and the generator's doubts, for the timing tools, the notice and the shading.
  const grid = useMemo(() => summarizeGrid(doc.chart.Timing, endMs), [doc.chart.Timing, endMs]);
  const lowGrid = useMemo(() => lowConfidenceSpans(grid.sections), [grid]);
  const [timingOpen, setTimingOpen] = useState(() => props.openTools === "timing" || grid.low.length > 0);
  const openTimingTools = useCallback(() => {
    setTimingOpen(true);
    requestAnimationFrame(() =>
      document.getElementById("timing-tools")?.scrollIntoView({ behavior: "smooth", block: "start" }),
    );
  }, []);

  const perform = useCallback(
    (build: (d: EditorDoc) => EditResult) => {
      const r = build(docRef.current);
      if (isRefusal(r)) {
        announce(r.refused);
        return false;
      }
      const next = commit(docRef.current, r);
      if (next === docRef.current) return false;
      setDoc(next);
      announce(`${r.label[0]!.toUpperCase()}${r.label.slice(1)}.`);
      return true;
    },
    [announce, setDoc],
  );

  const setPlayhead = useCallback(
    (ms: number, options: { follow?: boolean } = {}) => {
      const clamped = Math.max(0, Math.min(endMs, ms));
      playheadRef.current = clamped;
      setPlayheadState(clamped);
      timeline.current?.setPlayhead(clamped);
      if (options.follow !== false) {
        const v = viewRef.current;
        const start = follow({ ...v, height: 0, rulerHeight: 0 }, clamped);
        if (start !== v.startMs) setView({ ...v, startMs: start });
      }
    },
    [endMs],
  );

  // ── autosave ──
  const draftRef = useRef(draft);
  draftRef.current = draft;
  // The notes and timing are what a draft holds; selection and clipboard changes are not saved.
  const lastSaved = useRef({ notes: doc.notes, chart: doc.chart });
  const saveRevision = useRef(0);
  const savedRevision = useRef(0);
  useEffect(() => {
    if (lastSaved.current.notes === doc.notes && lastSaved.current.chart === doc.chart) return;
    lastSaved.current = { notes: doc.notes, chart: doc.chart };
    const chart = toBeatmap(doc);
    const confirmed = confirmedPlaces(doc);
    setSaved("Saving…");
    const revision = ++saveRevision.current;
    const timer = setTimeout(() => {
      const d = draftRef.current;
      saveDraft(localDb(), {
        key: d.key,
        beatmap: chart,
        baseHash: d.baseHash,
        ...(d.baseVersionId ? { baseVersionId: d.baseVersionId } : {}),
        confirmed,
      })
        .then((row) => {
          savedRevision.current = Math.max(savedRevision.current, revision);
          setSaved(`Saved on this device at ${new Date(row.savedAt).toLocaleTimeString()}.`);
        })
        .catch((e: unknown) =>
          setSaved(
            `Not saved on this device (${e instanceof Error ? e.message : String(e)}). Keep this tab open, or free some storage.`,
          ),
        );
    }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [doc]);

  // ── playback ──
  const frame = useCallback(
    (now: number) => {
      const eng = audio.engine;
      if (!eng?.playing) return;
      eng.refreshClock();
      const song = eng.songAtPerf(now);
      if (Number.isFinite(song)) {
        playheadRef.current = Math.max(0, song);
        timeline.current?.setPlayhead(playheadRef.current);
        const shown = `${formatTime(playheadRef.current)} / ${formatTime(endMs)}`;
        if (timeOutput.current && timeOutput.current.textContent !== shown)
          timeOutput.current.textContent = shown;
        const v = viewRef.current;
        const start = follow({ ...v, height: 0, rulerHeight: 0 }, playheadRef.current);
        if (start !== v.startMs) setView({ ...v, startMs: start });
        if (song > endMs) {
          eng.stop();
          setPlaying(false);
          setPlayhead(endMs, { follow: false });
          return;
        }
      }
      raf.current = requestAnimationFrame(frame);
    },
    [audio.engine, endMs, setPlayhead],
  );

  const pause = useCallback(() => {
    const eng = audio.engine;
    if (raf.current !== null) cancelAnimationFrame(raf.current);
    raf.current = null;
    if (!eng?.playing) return;
    const pos = eng.stop();
    setPlaying(false);
    setPlayhead(Number.isFinite(pos) ? pos : playheadRef.current);
    announce("Paused.");
  }, [audio.engine, announce, setPlayhead]);

  const play = useCallback(async () => {
    const eng = audio.engine;
    if (!eng) return;
    try {
      const from = playheadRef.current >= endMs - 50 ? 0 : playheadRef.current;
      await eng.play({ fromMs: from, rate: 1 });
      setPlaying(true);
      announce(eng.hasAudio ? "Playing." : "Playing (no audio loaded: the metronome only if it is on).");
      if (raf.current !== null) cancelAnimationFrame(raf.current);
      raf.current = requestAnimationFrame(frame);
    } catch (e) {
      announce(`Audio could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, [audio.engine, announce, endMs, frame]);

  useEffect(
    () => () => {
      if (raf.current !== null) cancelAnimationFrame(raf.current);
    },
    [],
  );

  useEffect(() => {
    audio.setMix(mix);
  }, [audio, mix]);

  // ── timing ──
  const keepRef = useRef(keepBeat);
  keepRef.current = keepBeat;
  const onTimingEdit: TimingEdit = useCallback(
    (build, label, options = {}) => {
      const next: Timing | Refusal = build(timingOrDefault(docRef.current));
      if ("refused" in next) {
        announce(next.refused);
        return;
      }
      const done = perform((x) => setTiming(x, next, { keep: keepRef.current ? "beat" : "time", label }));
      // A swing feel plays on the triplet grid: the snap follows.
      const feel = options.feel;
      if (done && feel) setDivisor((d) => snapForFeel(d, feel));
      if (done && options.seek !== undefined) setPlayhead(options.seek);
    },
    [announce, perform, setPlayhead],
  );

  /** A dragged bar line drops onto a note within 8 px (the kick or crash it belongs on). */
  const snapBar = useCallback(
    (ms: number) => nearestNoteMs(docRef.current.notes, ms, 8 / viewRef.current.pxPerMs) ?? ms,
    [],
  );
  const barAt = useCallback(
    (ms: number) =>
      barLineNear(TempoMap.fromTiming(docRef.current.chart.Timing), ms, 8 / viewRef.current.pxPerMs),
    [],
  );

  const tap = useCallback((atMs: number) => {
    setTaps((t) => addTap(t, atMs));
    setTimingOpen(true);
  }, []);

  // ── edits from the pointer ──
  const onEffect = useCallback(
    (effect: ToolEffect) => {
      const d = docRef.current;
      switch (effect.type) {
        case "select":
          setDoc(select(d, effect.ids, effect.mode));
          break;
        case "clearSelection":
          setDoc(clearSelection(d));
          break;
        case "seek":
          setPlayhead(effect.ms, { follow: false });
          break;
        case "addNote":
          perform((x) =>
            addNote(x, { ms: snapMs(tempoOf(x), effect.ms, divisor), lane: effect.lane as Lane }),
          );
          break;
        case "commitMove": {
          const anchor = noteById(d, effect.noteId);
          if (!anchor) break;
          const dt = snappedDelta(tempoOf(d), anchor.Time, effect.deltaMs, divisor);
          perform((x) => moveNotes(x, x.selection, dt, effect.deltaLanes));
          break;
        }
        case "moveBar":
          onTimingEdit(
            (t) => moveBarLine(t, effect.barMs, snapBar(effect.toMs)),
            `move the grid: a bar line to ${(snapBar(effect.toMs) / 1000).toFixed(3)} s`,
          );
          break;
        case "box":
          if (effect.done && effect.from.lane !== null) {
            const ids = notesInBox(d.notes, {
              fromMs: effect.from.ms,
              toMs: effect.to.ms,
              fromLane: effect.from.lane,
              toLane: effect.to.lane ?? 0,
            });
            const next = select(d, ids, effect.additive ? "add" : "replace");
            setDoc(next);
            announce(`${next.selection.size} notes selected.`);
          }
          break;
        default:
          break;
      }
    },
    [announce, divisor, perform, setDoc, setPlayhead, onTimingEdit, snapBar],
  );

  const snapDrag = useCallback(
    (noteId: number, raw: number) => {
      const n = noteById(docRef.current, noteId);
      return n ? snappedDelta(tempoOf(docRef.current), n.Time, raw, divisor) : raw;
    },
    [divisor],
  );

  // ── commands (keys and buttons) ──
  const goUnsure = useCallback(
    (dir: 1 | -1) => {
      const d = docRef.current;
      const n = nextUnsure(d, playheadRef.current, dir, lastUnsure.current);
      if (!n) {
        announce("No unsure notes left: every note the model doubted is confirmed or fixed.");
        return;
      }
      lastUnsure.current = n.id;
      setDoc(select(d, [n.id]));
      setPlayhead(n.Time);
      announce(
        `Unsure ${LANE_LABELS[n.Lane as Lane].toLowerCase()} note at ${(n.Time / 1000).toFixed(3)} s (confidence ${Math.round((n.Confidence ?? 0) * 100)} %). Press C to confirm, or fix it.`,
      );
    },
    [announce, setDoc, setPlayhead],
  );

  const zoomBy = useCallback((factor: number) => {
    const v = viewRef.current;
    const vp: Viewport = { ...v, height: 0, rulerHeight: 0 };
    const anchor = Math.max(0, Math.min(v.width, msToX(vp, playheadRef.current)));
    const z = zoom(vp, factor, anchor);
    setView({ ...v, startMs: z.startMs, pxPerMs: z.pxPerMs });
  }, []);

  const run = useCallback(
    (command: ReturnType<typeof commandFor>) => {
      if (!command) return false;
      const d = docRef.current;
      const lane = placeLane(command);
      if (lane !== null) {
        perform((x) =>
          addNote(x, { ms: snapMs(tempoOf(x), playheadRef.current, divisor), lane: lane as Lane }),
        );
        return true;
      }
      switch (command) {
        case "playPause":
          if (audio.engine?.playing) pause();
          else void play();
          return true;
        case "undo": {
          const c = d.undo.at(-1);
          if (!c) announce("Nothing to undo.");
          else {
            setDoc(undo(d));
            announce(`Undid: ${c.label}.`);
          }
          return true;
        }
        case "redo": {
          const c = d.redo.at(-1);
          if (!c) announce("Nothing to redo.");
          else {
            setDoc(redo(d));
            announce(`Redid: ${c.label}.`);
          }
          return true;
        }
        case "delete":
          perform((x) => deleteNotes(x, x.selection));
          return true;
        case "copy":
        case "cut": {
          const clip = copySelection(d);
          if ("refused" in clip) {
            announce(clip.refused);
            return true;
          }
          const withClip = { ...d, clipboard: clip };
          setDoc(withClip);
          if (command === "cut") perform((x) => deleteNotes(x, x.selection));
          else announce(`Copied ${clip.length} notes.`);
          return true;
        }
        case "paste":
          perform((x) => paste(x, snapMs(tempoOf(x), playheadRef.current, divisor)));
          return true;
        case "selectAll":
          setDoc(selectAll(d));
          announce(`All ${d.notes.length} notes selected.`);
          return true;
        case "escape":
          setDoc(clearSelection(d));
          return true;
        case "nudgeEarlier":
        case "nudgeLater": {
          const dir = command === "nudgeLater" ? 1 : -1;
          if (d.selection.size > 0) perform((x) => nudge(x, divisor, dir));
          else setPlayhead(stepMs(tempoOf(d), playheadRef.current, divisor, dir));
          return true;
        }
        case "laneUp":
        case "laneDown":
          perform((x) => moveNotes(x, x.selection, 0, command === "laneDown" ? 1 : -1));
          return true;
        case "nextUnsure":
          goUnsure(1);
          return true;
        case "previousUnsure":
          goUnsure(-1);
          return true;
        case "confirm":
          perform((x) => confirmNotes(x, x.selection));
          return true;
        case "snapFiner":
        case "snapCoarser": {
          const next = stepDivisor(divisor, command === "snapFiner" ? 1 : -1);
          setDivisor(next);
          announce(`Snap ${snapLabel(next)}.`);
          return true;
        }
        case "zoomIn":
          zoomBy(1.5);
          return true;
        case "zoomOut":
          zoomBy(1 / 1.5);
          return true;
        case "toolSelect":
          setTool("select");
          announce("Select tool.");
          return true;
        case "toolDraw":
          setTool("draw");
          announce("Draw tool: click empty space to add a note.");
          return true;
        case "toStart":
          setPlayhead(0);
          return true;
        case "toEnd":
          setPlayhead(endMs);
          return true;
        case "help":
          setHelpOpen((o) => !o);
          return true;
        default:
          return false;
      }
    },
    [announce, audio.engine, divisor, endMs, goUnsure, pause, perform, play, setDoc, setPlayhead, zoomBy],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTyping(e.target)) return;
      const command = commandFor(e);
      if (!command) return;
      if (command === "tapTempo") {
        if (!e.repeat) tap(e.timeStamp);
        e.preventDefault();
        return;
      }
      // Space and Enter on a focused button keep their meaning; other shortcuts still apply.
      if (command === "playPause" && e.target instanceof HTMLButtonElement) return;
      if (run(command)) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [run, tap]);

  // Opened from a "Fix the grid" link: bring the timing tools into view once the page is laid out.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on opening
  useEffect(() => {
    if (props.openTools === "timing") openTimingTools();
  }, []);

  // ── test hook ──
  useEffect(() => {
    const vpOf = (): Viewport => {
      const box = document.querySelector('[data-testid="timeline"]') as HTMLElement | null;
      return {
        startMs: viewRef.current.startMs,
        pxPerMs: viewRef.current.pxPerMs,
        width: box?.clientWidth ?? 0,
        height: box?.clientHeight ?? 0,
        rulerHeight: RULER_HEIGHT,
      };
    };
    window.__beatsightEditor = {
      notes: () =>
        docRef.current.notes.map((n) => ({
          id: n.id,
          time: n.Time,
          lane: n.Lane,
          component: n.Component,
          confirmed: Boolean(n.confirmed),
        })),
      notePoint: (id) => {
        const n = noteById(docRef.current, id);
        if (!n) return null;
        const vp = vpOf();
        return { x: msToX(vp, n.Time), y: laneY(vp, n.Lane) };
      },
      pointAt: (ms, lane) => {
        const vp = vpOf();
        return { x: msToX(vp, ms), y: laneY(vp, lane) };
      },
      selection: () => [...docRef.current.selection],
      renderCounts: () => ({ ...(timeline.current?.renderer()?.counts ?? { static: 0, live: 0 }) }),
      playheadMs: () => playheadRef.current,
      unsaved: () => savedRevision.current < saveRevision.current,
      timing: () => docRef.current.chart.Timing,
      audio: () => {
        const eng = audioRef.current.engine;
        return {
          loaded: eng?.hasAudio ?? false,
          durationMs: eng?.audioDurationMs ?? 0,
          playing: eng?.playing ?? false,
          contextTime: eng?.ctx.currentTime ?? 0,
          waveform: audioRef.current.peaks !== null,
        };
      },
    };
    return () => {
      delete window.__beatsightEditor;
    };
  }, []);

  const scene: TimelineScene = useMemo(
    () => ({
      notes: doc.notes,
      tempo,
      divisor,
      peaks: audio.peaks,
      markers: props.markers ?? [],
      endMs,
      lowGrid,
      sections: grid.sections,
    }),
    [doc.notes, tempo, divisor, audio.peaks, props.markers, endMs, lowGrid, grid],
  );
  const selected = useMemo(() => selectedNotes(doc), [doc]);
  const unsure = useMemo(() => unsureCount(doc), [doc]);
  const timing = timingOrDefault(doc);

  const api: EditorApi = {
    chart: () => toBeatmap(docRef.current),
    confirmedTimes: () => confirmedTimes(docRef.current),
    edited: doc.undo.length > 0,
    playheadMs: () => playheadRef.current,
    seek: (ms) => setPlayhead(ms),
    announce,
  };

  const onView = useCallback((v: { startMs: number; pxPerMs: number; width: number }) => setView(v), []);
  const spanMs = view.width / view.pxPerMs;

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
        <button type="button" onClick={() => (playing ? pause() : void play())} aria-pressed={playing}>
          {playing ? "Pause" : "Play"}
        </button>
        <output ref={timeOutput} aria-label="Playhead" className={styles.time}>
          {`${formatTime(playheadMs)} / ${formatTime(endMs)}`}
        </output>
        <button
          type="button"
          onClick={() => run("undo")}
          disabled={doc.undo.length === 0}
          title={doc.undo.at(-1)?.label}
        >
          Undo
        </button>
        <button
          type="button"
          onClick={() => run("redo")}
          disabled={doc.redo.length === 0}
          title={doc.redo.at(-1)?.label}
        >
          Redo
        </button>
        <label>
          Snap{" "}
          <select
            value={divisor}
            onChange={(e) => {
              const d = Number(e.target.value);
              if (isSnapDivisor(d)) setDivisor(d);
            }}
          >
            {SNAP_DIVISORS.map((d) => (
              <option key={d} value={d}>
                {snapLabel(d)}
              </option>
            ))}
          </select>
        </label>
        <fieldset className={styles.tools}>
          <legend className="visually-hidden">Pointer tool</legend>
          <label>
            <input type="radio" name="tool" checked={tool === "select"} onChange={() => setTool("select")} />{" "}
            Select
          </label>
          <label>
            <input type="radio" name="tool" checked={tool === "draw"} onChange={() => setTool("draw")} /> Draw
          </label>
        </fieldset>
        <button type="button" onClick={() => zoomBy(1 / 1.5)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => zoomBy(1.5)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => goUnsure(1)} disabled={unsure === 0}>
          Next unsure ({unsure})
        </button>
      </div>
      <TimelineView
        handle={timeline}
        scene={scene}
        selection={doc.selection}
        playheadMs={playheadMs}
        startMs={view.startMs}
        pxPerMs={view.pxPerMs}
        tool={tool}
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
          onChange={(e) => setView({ ...view, startMs: Number(e.target.value) })}
          aria-valuetext={`From ${formatTime(view.startMs)}`}
        />
      </label>
      <p role="status" aria-live="polite" className={styles.status} data-testid="editor-status">
        {status}
      </p>
      <p className={styles.saved} data-testid="autosave-status" aria-live="polite">
        {saved}
      </p>
      <SelectionPanel
        selected={selected}
        onDelete={() => run("delete")}
        onConfirm={() => run("confirm")}
        onLane={(lane) => perform((x) => reassignLane(x, x.selection, lane))}
        onComponent={(c) => perform((x) => setComponent(x, x.selection, c))}
        onVelocity={(v) => perform((x) => setVelocity(x, x.selection, v))}
        onRemap={(from, to) => perform((x) => remapComponent(x, from, to))}
      />
      <fieldset className={styles.group}>
        <legend>Sound</legend>
        <div className={styles.row}>
          <span data-testid="editor-audio-source">Playing: {audio.source}</span>
          {audio.hasStems ? (
            <label className={styles.check}>
              <input
                type="checkbox"
                checked={mix.drumsOnly}
                onChange={(e) => setMixState({ ...mix, drumsOnly: e.target.checked })}
              />{" "}
              Drums only
            </label>
          ) : null}
          <label>
            {audio.hasStems ? "Or play along with a song file" : "Play along with the song file"}{" "}
            <input
              type="file"
              accept="audio/*"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void audio.pickFile(f);
              }}
            />
          </label>
          <label className={styles.check}>
            <input
              type="checkbox"
              checked={mix.metronome}
              onChange={(e) => setMixState({ ...mix, metronome: e.target.checked })}
            />{" "}
            Metronome
          </label>
        </div>
        {audio.error ? <p className={styles.error}>{audio.error}</p> : null}
      </fieldset>
      <TimingPanel
        timing={timing}
        grid={grid}
        playheadMs={playheadMs}
        open={timingOpen}
        onToggle={setTimingOpen}
        keepBeat={keepBeat}
        onKeepBeat={setKeepBeat}
        taps={taps}
        onTap={tap}
        onResetTaps={() => setTaps([])}
        onEdit={onTimingEdit}
        onShift={(deltaMs) => perform((x) => shiftAll(x, deltaMs))}
        onSeek={(ms) => setPlayhead(ms)}
      />
      <HelpPanel open={helpOpen} onToggle={setHelpOpen} />
      {renderActions(api)}
    </div>
  );
}
