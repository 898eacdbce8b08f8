// Every command of the chart editor, registered once (registry.ts says what an action is). The
// order here is the order of the toolbar's buttons and of the help panel's rows.
import type { Component, Lane } from "../beatmap/lanes.ts";
import { LANE_LABELS } from "../beatmap/lanes.ts";
import { TempoMap } from "../beatmap/tempo.ts";
import {
  addNote,
  confirmNotes,
  copySelection,
  cycleComponent,
  cycleVelocity,
  deleteNotes,
  moveNotes,
  nudge,
  paste,
  reassignLane,
  remapComponent,
  setComponent,
  setTiming,
  setVelocity,
  shiftAll,
  tempoOf,
  timingOrDefault,
} from "./actions.ts";
import { noteById, redo, undo } from "./document.ts";
import type { KeyBinding, KeyLike } from "./keys.ts";
import type { PointerPoint, Tool, ToolEffect } from "./pointer-tool.ts";
import {
  type Action,
  type ActionResult,
  type AnyAction,
  actionForKey,
  type EditorState,
  type TimingEditValue,
} from "./registry.ts";
import {
  clearSelection,
  nextUnsure,
  notesInBox,
  type SelectMode,
  select,
  selectAll,
  unsureCount,
} from "./selection.ts";
import { type SnapDivisor, snapLabel, snapMs, snappedDelta, stepDivisor, stepMs } from "./snap.ts";
import { addTap } from "./tap-tempo.ts";
import { barLineNear, moveBarLine, nearestNoteMs, snapForFeel } from "./tempo-tools.ts";
import { msToX, zoom } from "./viewport.ts";

/** An action that takes a value (from its control, or the pointer): `action<Lane>({ … })`. */
const action = <V>(a: Action<V>): Action<V> => a;
/** An action that takes none: a key or a button runs it as it is. */
const command = (a: Action): Action => a;

const ZOOM_STEP = 1.5;
/** A dragged bar line drops onto a note within this many pixels (the kick or crash it belongs on). */
const BAR_SNAP_PX = 8;

const hasSelection = (s: EditorState) => s.doc.selection.size > 0;

/** Zoom around the playhead (kept on screen). */
function zoomed(s: EditorState, factor: number): ActionResult {
  const vp = { ...s.view, height: 0, rulerHeight: 0 };
  const anchor = Math.max(0, Math.min(s.view.width, msToX(vp, s.playheadMs)));
  const z = zoom(vp, factor, anchor);
  return { view: { ...s.view, startMs: z.startMs, pxPerMs: z.pxPerMs } };
}

function goUnsure(s: EditorState, dir: 1 | -1): ActionResult {
  const n = nextUnsure(s.doc, s.playheadMs, dir, s.lastUnsureId);
  if (!n) return { announce: "No unsure notes left: every note the model doubted is confirmed or fixed." };
  return {
    doc: select(s.doc, [n.id]),
    lastUnsureId: n.id,
    seek: { ms: n.Time },
    announce: `Unsure ${LANE_LABELS[n.Lane as Lane].toLowerCase()} note at ${(n.Time / 1000).toFixed(3)} s (confidence ${Math.round((n.Confidence ?? 0) * 100)} %). Press C to confirm, or fix it.`,
  };
}

/** Where a dragged bar line lands: on a note within a few pixels, else where it was dropped. */
export function barDropMs(s: Pick<EditorState, "doc" | "view">, ms: number): number {
  return nearestNoteMs(s.doc.notes, ms, BAR_SNAP_PX / s.view.pxPerMs) ?? ms;
}

function timingEdit(s: EditorState, v: TimingEditValue): ActionResult {
  const next = v.build(timingOrDefault(s.doc));
  if ("refused" in next) return { change: next };
  return {
    change: setTiming(s.doc, next, { keep: s.keepBeat ? "beat" : "time", label: v.label }),
    // A swing feel plays on the triplet grid: the snap follows.
    ...(v.feel ? { divisor: snapForFeel(s.divisor, v.feel) } : {}),
    ...(v.seek !== undefined ? { seek: { ms: v.seek } } : {}),
  };
}

const LANE_NAMES = ["crash", "hi-hat", "snare", "kick", "tom", "ride", "splash"] as const;

const placeAction = (lane: Lane): Action =>
  command({
    label: `Place a ${LANE_NAMES[lane]} note`,
    description: `Place a ${LANE_NAMES[lane]} note at the playhead (snapped)`,
    keys: [{ code: `Digit${lane + 1}`, shift: false }],
    panel: "keyboard",
    perform: (s) => ({
      change: addNote(s.doc, { ms: snapMs(tempoOf(s.doc), s.playheadMs, s.divisor), lane }),
    }),
  });

const ctrl = (code: string, shift?: boolean): KeyBinding => ({
  code,
  mod: true,
  ...(shift === undefined ? {} : { shift }),
});

export const EDITOR_ACTIONS = {
  playPause: command({
    label: "Play / pause",
    description: "Play / pause from the playhead",
    keys: [{ code: "Space" }],
    panel: "transport",
    text: (s) => (s.playing ? "Pause" : "Play"),
    pressed: (s) => s.playing,
    perform: (s) => ({ transport: s.playing ? "pause" : "play" }),
  }),
  undo: command({
    label: "Undo",
    keys: [ctrl("KeyZ", false)],
    panel: "toolbar",
    predicate: (s) => s.doc.undo.length > 0,
    title: (s) => s.doc.undo.at(-1)?.label,
    perform: (s) => {
      const c = s.doc.undo.at(-1);
      return c ? { doc: undo(s.doc), announce: `Undid: ${c.label}.` } : { announce: "Nothing to undo." };
    },
  }),
  redo: command({
    label: "Redo",
    keys: [ctrl("KeyY"), ctrl("KeyZ", true)],
    panel: "toolbar",
    predicate: (s) => s.doc.redo.length > 0,
    title: (s) => s.doc.redo.at(-1)?.label,
    perform: (s) => {
      const c = s.doc.redo.at(-1);
      return c ? { doc: redo(s.doc), announce: `Redid: ${c.label}.` } : { announce: "Nothing to redo." };
    },
  }),
  setSnap: action<SnapDivisor>({
    label: "Snap",
    description: "Snap divisor (the finest step notes land on)",
    panel: "toolbar",
    perform: (_s, divisor) => ({ divisor }),
  }),
  setTool: action<Tool>({
    label: "Pointer tool",
    description: "Choose the Select or the Draw tool",
    panel: "toolbar",
    perform: (_s, tool) => ({ tool }),
  }),
  zoomOut: command({
    label: "Zoom out",
    keys: [{ key: "-" }, { key: "_" }],
    pointer: "Ctrl + wheel",
    panel: "toolbar",
    icon: "−",
    perform: (s) => zoomed(s, 1 / ZOOM_STEP),
  }),
  zoomIn: command({
    label: "Zoom in",
    keys: [{ key: "+" }, { key: "=" }],
    pointer: "Ctrl + wheel",
    panel: "toolbar",
    icon: "+",
    perform: (s) => zoomed(s, ZOOM_STEP),
  }),
  nextUnsure: command({
    label: "Next unsure",
    description: "Go to the next note the model was unsure of",
    keys: [{ code: "KeyN", shift: false }],
    panel: "toolbar",
    predicate: (s) => unsureCount(s.doc) > 0,
    text: (s) => `Next unsure (${unsureCount(s.doc)})`,
    perform: (s) => goUnsure(s, 1),
  }),
  previousUnsure: command({
    label: "Previous unsure",
    description: "Go to the previous unsure note",
    keys: [{ code: "KeyN", shift: true }],
    panel: "keyboard",
    perform: (s) => goUnsure(s, -1),
  }),
  delete: command({
    label: "Delete",
    description: "Delete the selected notes",
    keys: [{ key: "Delete" }, { key: "Backspace" }],
    panel: "selection",
    predicate: hasSelection,
    perform: (s) => ({ change: deleteNotes(s.doc, s.doc.selection) }),
  }),
  confirm: command({
    label: "Confirm",
    description: "Confirm the selected notes as correct",
    keys: [{ code: "KeyC", shift: false }],
    panel: "selection",
    predicate: hasSelection,
    perform: (s) => ({ change: confirmNotes(s.doc, s.doc.selection) }),
  }),
  setLane: action<Lane>({
    label: "Lane",
    description: "Move the selected notes to another lane",
    panel: "selection",
    predicate: hasSelection,
    perform: (s, lane) => ({ change: reassignLane(s.doc, s.doc.selection, lane) }),
  }),
  setComponent: action<Component>({
    label: "Articulation",
    description: "Another articulation for the selected notes (open / closed hi-hat, rim shot…)",
    panel: "selection",
    predicate: hasSelection,
    perform: (s, component) => ({ change: setComponent(s.doc, s.doc.selection, component) }),
  }),
  cycleArticulation: command({
    label: "Next articulation",
    description:
      "The selected notes' next articulation on their lane (hi-hat closed → open → pedal, snare → rimshot → cross-stick, toms high → mid → floor…)",
    keys: [{ code: "KeyA", shift: false }],
    panel: "selection",
    predicate: hasSelection,
    perform: (s) => ({ change: cycleComponent(s.doc, s.doc.selection) }),
  }),
  setVelocity: action<number>({
    label: "Velocity",
    description: "Ghost, normal or accent for the selected notes",
    panel: "selection",
    predicate: hasSelection,
    perform: (s, velocity) => ({ change: setVelocity(s.doc, s.doc.selection, velocity) }),
  }),
  cycleVelocity: command({
    label: "Next dynamic",
    description: "The selected notes' next velocity band: ghost → normal → accent → ghost",
    keys: [{ code: "KeyG", shift: false }],
    panel: "selection",
    predicate: hasSelection,
    perform: (s) => ({ change: cycleVelocity(s.doc, s.doc.selection) }),
  }),
  remapComponent: action<{ from: Component; to: Component }>({
    label: "Every … becomes",
    description: "Turn every note of one articulation in the chart into another",
    panel: "selection",
    perform: (s, v) => ({ change: remapComponent(s.doc, v.from, v.to) }),
  }),
  copy: command({
    label: "Copy",
    description: "Copy the selected notes",
    keys: [ctrl("KeyC")],
    panel: "keyboard",
    perform: (s) => {
      const clip = copySelection(s.doc);
      if ("refused" in clip) return { announce: clip.refused };
      return { doc: { ...s.doc, clipboard: clip }, announce: `Copied ${clip.length} notes.` };
    },
  }),
  cut: command({
    label: "Cut",
    description: "Cut the selected notes",
    keys: [ctrl("KeyX")],
    panel: "keyboard",
    perform: (s) => {
      const clip = copySelection(s.doc);
      if ("refused" in clip) return { announce: clip.refused };
      // The clipboard is kept even though the deletion is what undo takes back.
      return { doc: { ...s.doc, clipboard: clip }, change: deleteNotes(s.doc, s.doc.selection) };
    },
  }),
  paste: command({
    label: "Paste",
    description: "Paste at the playhead",
    keys: [ctrl("KeyV")],
    panel: "keyboard",
    perform: (s) => ({ change: paste(s.doc, snapMs(tempoOf(s.doc), s.playheadMs, s.divisor)) }),
  }),
  selectAll: command({
    label: "Select all",
    description: "Select every note",
    keys: [ctrl("KeyA")],
    panel: "keyboard",
    perform: (s) => ({ doc: selectAll(s.doc), announce: `All ${s.doc.notes.length} notes selected.` }),
  }),
  clearSelection: command({
    label: "Clear the selection",
    description: "Clear the selection / cancel a drag",
    keys: [{ key: "Escape" }],
    pointer: "Click empty space",
    panel: "keyboard",
    perform: (s) => ({ doc: clearSelection(s.doc) }),
  }),
  nudgeEarlier: command({
    label: "Earlier",
    description: "Move the selection one grid step earlier (no selection: move the playhead)",
    keys: [{ key: "ArrowLeft" }],
    panel: "keyboard",
    perform: (s) =>
      hasSelection(s)
        ? { change: nudge(s.doc, s.divisor, -1) }
        : { seek: { ms: stepMs(tempoOf(s.doc), s.playheadMs, s.divisor, -1) } },
  }),
  nudgeLater: command({
    label: "Later",
    description: "Move the selection one grid step later (no selection: move the playhead)",
    keys: [{ key: "ArrowRight" }],
    panel: "keyboard",
    perform: (s) =>
      hasSelection(s)
        ? { change: nudge(s.doc, s.divisor, 1) }
        : { seek: { ms: stepMs(tempoOf(s.doc), s.playheadMs, s.divisor, 1) } },
  }),
  laneUp: command({
    label: "Lane up",
    description: "Move the selection one lane up",
    keys: [{ key: "ArrowUp" }],
    panel: "keyboard",
    perform: (s) => ({ change: moveNotes(s.doc, s.doc.selection, 0, -1) }),
  }),
  laneDown: command({
    label: "Lane down",
    description: "Move the selection one lane down",
    keys: [{ key: "ArrowDown" }],
    panel: "keyboard",
    perform: (s) => ({ change: moveNotes(s.doc, s.doc.selection, 0, 1) }),
  }),
  place0: placeAction(0),
  place1: placeAction(1),
  place2: placeAction(2),
  place3: placeAction(3),
  place4: placeAction(4),
  place5: placeAction(5),
  place6: placeAction(6),
  snapFiner: command({
    label: "Finer snap",
    description: "Finer snap divisor",
    keys: [{ code: "BracketRight" }],
    panel: "keyboard",
    perform: (s) => {
      const divisor = stepDivisor(s.divisor, 1);
      return { divisor, announce: `Snap ${snapLabel(divisor)}.` };
    },
  }),
  snapCoarser: command({
    label: "Coarser snap",
    description: "Coarser snap divisor",
    keys: [{ code: "BracketLeft" }],
    panel: "keyboard",
    perform: (s) => {
      const divisor = stepDivisor(s.divisor, -1);
      return { divisor, announce: `Snap ${snapLabel(divisor)}.` };
    },
  }),
  toolSelect: command({
    label: "Select tool",
    description: "Select tool (click empty space: move the playhead)",
    keys: [{ code: "KeyV", shift: false }],
    panel: "keyboard",
    perform: () => ({ tool: "select", announce: "Select tool." }),
  }),
  toolDraw: command({
    label: "Draw tool",
    description: "Draw tool (click empty space: add a note)",
    keys: [{ code: "KeyD", shift: false }],
    panel: "keyboard",
    perform: () => ({ tool: "draw", announce: "Draw tool: click empty space to add a note." }),
  }),
  toStart: command({
    label: "To the start",
    description: "Playhead to the start",
    keys: [{ key: "Home" }],
    panel: "keyboard",
    perform: () => ({ seek: { ms: 0 } }),
  }),
  toEnd: command({
    label: "To the end",
    description: "Playhead to the end",
    keys: [{ key: "End" }],
    panel: "keyboard",
    perform: (s) => ({ seek: { ms: s.endMs } }),
  }),
  seek: action<{ ms: number; follow?: boolean }>({
    label: "Move the playhead",
    description: "Move the playhead there",
    pointer: "Click the ruler (or empty space with the Select tool)",
    panel: "timeline",
    perform: (_s, to) => ({ seek: to }),
  }),
  selectNotes: action<{ ids: readonly number[]; mode: SelectMode }>({
    label: "Select notes",
    description: "Select a note (Shift or Ctrl adds to the selection)",
    pointer: "Click a note",
    panel: "timeline",
    perform: (s, v) => ({ doc: select(s.doc, v.ids, v.mode) }),
  }),
  selectBox: action<{ from: PointerPoint; to: PointerPoint; additive: boolean }>({
    label: "Select a box",
    description: "Select the notes in a box",
    pointer: "Drag on empty space",
    panel: "timeline",
    perform: (s, v) => {
      if (v.from.lane === null) return {};
      const ids = notesInBox(s.doc.notes, {
        fromMs: v.from.ms,
        toMs: v.to.ms,
        fromLane: v.from.lane,
        toLane: v.to.lane ?? 0,
      });
      const doc = select(s.doc, ids, v.additive ? "add" : "replace");
      return { doc, announce: `${doc.selection.size} notes selected.` };
    },
  }),
  addNoteAt: action<{ ms: number; lane: number }>({
    label: "Add a note",
    description: "Add a note there (snapped)",
    pointer: "Click empty space with the Draw tool",
    panel: "timeline",
    perform: (s, at) => ({
      change: addNote(s.doc, { ms: snapMs(tempoOf(s.doc), at.ms, s.divisor), lane: at.lane as Lane }),
    }),
  }),
  moveSelection: action<{ noteId: number; deltaMs: number; deltaLanes: number }>({
    label: "Move notes",
    description: "Move the selected notes (snapped)",
    pointer: "Drag notes",
    panel: "timeline",
    perform: (s, v) => {
      const anchor = noteById(s.doc, v.noteId);
      if (!anchor) return {};
      const dt = snappedDelta(tempoOf(s.doc), anchor.Time, v.deltaMs, s.divisor);
      return { change: moveNotes(s.doc, s.doc.selection, dt, v.deltaLanes) };
    },
  }),
  moveBar: action<{ barMs: number; toMs: number }>({
    label: "Move the grid",
    description: "Move the grid by one of its bar lines (it lands on a note within 8 px)",
    pointer: "Drag a bar line’s handle on the ruler",
    panel: "timeline",
    perform: (s, v) => {
      const to = barDropMs(s, v.toMs);
      return timingEdit(s, {
        build: (t) => moveBarLine(t, v.barMs, to),
        label: `move the grid: a bar line to ${(to / 1000).toFixed(3)} s`,
      });
    },
  }),
  editTiming: action<TimingEditValue>({
    label: "Edit the grid",
    description: "The timing tools: BPM, start, meter and feel of a tempo section, ×2 / ×½, split, remove",
    panel: "timing",
    perform: timingEdit,
  }),
  shiftAll: action<number>({
    label: "Shift everything",
    description: "Move every note and the grid by a number of milliseconds",
    panel: "timing",
    perform: (s, deltaMs) => ({ change: shiftAll(s.doc, deltaMs) }),
  }),
  tapTempo: action<number | undefined>({
    label: "Tap tempo",
    description: "Tap the tempo along with the music (timing tools show the BPM)",
    keys: [{ code: "KeyT", shift: false }],
    panel: "timing",
    // Held down, the key repeats: one tap per press.
    perform: (s, atMs, trigger) =>
      trigger.repeat ? {} : { taps: addTap(s.taps, atMs ?? trigger.timeStamp), timingOpen: true },
  }),
  resetTaps: command({
    label: "Start the taps again",
    panel: "timing",
    perform: () => ({ taps: [] }),
  }),
  setKeepBeat: action<boolean>({
    label: "Move notes with the grid",
    description: "Timing edits keep each note's beat instead of its time",
    panel: "timing",
    perform: (_s, keepBeat) => ({ keepBeat }),
  }),
  help: command({
    label: "Keyboard shortcuts",
    description: "Show or hide this list",
    keys: [{ key: "?" }],
    panel: "keyboard",
    perform: (s) => ({ helpOpen: !s.helpOpen }),
  }),
} satisfies Record<string, AnyAction>;

export type EditorActionName = keyof typeof EDITOR_ACTIONS;
/** The value an action's perform takes (void: none). */
export type ActionValue<N extends EditorActionName> = Parameters<(typeof EDITOR_ACTIONS)[N]["perform"]>[1];

/** The registry as a list, in registration order. */
export const ACTION_LIST: readonly (readonly [EditorActionName, AnyAction])[] = (
  Object.keys(EDITOR_ACTIONS) as EditorActionName[]
).map((name) => [name, EDITOR_ACTIONS[name] as AnyAction] as const);

/** The action a key press means, or null. */
export const editorActionForKey = (e: KeyLike): EditorActionName | null => actionForKey(ACTION_LIST, e);

/** One call of an action: its name and the value it takes. */
export type Invocation = { [N in EditorActionName]: { name: N; value: ActionValue<N> } }[EditorActionName];

/**
 * The action a finished pointer gesture on the timeline means (pointer-tool.ts), or null. Previews
 * (a note or a bar line being dragged, a box being drawn) are the timeline's own business.
 */
export function actionForEffect(effect: ToolEffect): Invocation | null {
  switch (effect.type) {
    case "select":
      return { name: "selectNotes", value: { ids: effect.ids, mode: effect.mode } };
    case "clearSelection":
      return { name: "clearSelection", value: undefined };
    case "seek":
      return { name: "seek", value: { ms: effect.ms, follow: false } };
    case "addNote":
      return { name: "addNoteAt", value: { ms: effect.ms, lane: effect.lane } };
    case "commitMove":
      return {
        name: "moveSelection",
        value: { noteId: effect.noteId, deltaMs: effect.deltaMs, deltaLanes: effect.deltaLanes },
      };
    case "moveBar":
      return { name: "moveBar", value: { barMs: effect.barMs, toMs: effect.toMs } };
    case "box":
      return effect.done
        ? { name: "selectBox", value: { from: effect.from, to: effect.to, additive: effect.additive } }
        : null;
    default:
      return null;
  }
}

/** The bar line whose ruler handle is at `ms` (within a few pixels), or null. */
export const barLineAt = (s: Pick<EditorState, "doc" | "view">, ms: number): number | null =>
  barLineNear(TempoMap.fromTiming(s.doc.chart.Timing), ms, BAR_SNAP_PX / s.view.pxPerMs);
