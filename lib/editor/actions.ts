// Named edits. Each takes the document and returns the Change it makes (undo is its inverse, see
// document.ts) or a Refusal saying, for people, why it cannot be done. Nothing here touches the
// DOM, the clock or storage.
//
// Timing edits keep every note at its TIME by default: notes are placed against the audio (by the
// transcriber or by ear), so when a fixer corrects the BPM or the offset it is the grid that was
// wrong, and the notes must stay where the drums are heard. `keep: "beat"` moves notes with the
// grid instead, for the rarer case of re-timing a chart written on a wrong grid; and the global
// offset shift moves notes and grid together (the whole chart was early or late).
import {
  COMPONENT_LANE,
  COMPONENTS,
  type Component,
  LANE_COUNT,
  LANE_DEFAULT_COMPONENT,
  LANE_LABELS,
  type Lane,
  type Timing,
  VELOCITY_OF_CLASS,
  type VelocityClass,
  velocityClass,
} from "../beatmap/index.ts";
import { TimingPointSchema, TimingSchema } from "../beatmap/schema.ts";
import { TempoMap } from "../beatmap/tempo.ts";
import {
  type Change,
  type ClipNote,
  type EditorDoc,
  type EditorNote,
  sameTime,
  selectedNotes,
  songEndMs,
  toHitObject,
} from "./document.ts";
import { type SnapDivisor, stepMs } from "./snap.ts";

export interface Refusal {
  refused: string;
}
export type EditResult = Change | Refusal;

export const isRefusal = (r: EditResult): r is Refusal => "refused" in r;
const refuse = (refused: string): Refusal => ({ refused });

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
const roundTime = (ms: number) => Math.round(ms * 1000) / 1000;

export function tempoOf(doc: EditorDoc): TempoMap {
  return TempoMap.fromTiming(doc.chart.Timing);
}

/** A lane's component for a note moved there: its own if it already belongs, else the lane's default. */
function componentOnLane(component: Component, lane: Lane): Component {
  return COMPONENT_LANE[component] === lane ? component : LANE_DEFAULT_COMPONENT[lane];
}

/** A note a person placed or moved: the transcriber's confidence no longer describes it. */
function handPlaced(note: EditorNote, change: Partial<EditorNote>): EditorNote {
  const { Confidence: _c, ...rest } = note;
  return { ...rest, ...change, confirmed: true };
}

/** Notes of the same lane closer than this are the same note (lint's duplicate rule is 1 ms). */
const SAME_PLACE_MS = 1;

function occupied(notes: readonly EditorNote[], lane: number, ms: number, except: ReadonlySet<number>) {
  // Notes are sorted by time: a binary search finds the window.
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (notes[mid]!.Time < ms - SAME_PLACE_MS) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < notes.length && notes[i]!.Time <= ms + SAME_PLACE_MS; i++) {
    const n = notes[i]!;
    if (n.Lane === lane && !except.has(n.id)) return n;
  }
  return undefined;
}

function checkInSong(doc: EditorDoc, times: readonly number[]): Refusal | null {
  const end = songEndMs(doc);
  if (times.some((t) => t < 0)) return refuse("Notes cannot go before the start of the song.");
  if (doc.chart.Audio?.Duration !== undefined && times.some((t) => t > end)) {
    return refuse("Notes cannot go past the end of the song.");
  }
  return null;
}

export function addNote(doc: EditorDoc, at: { ms: number; lane: Lane; velocity?: number }): EditResult {
  const ms = roundTime(at.ms);
  const bad = checkInSong(doc, [ms]);
  if (bad) return bad;
  if (occupied(doc.notes, at.lane, ms, new Set())) {
    return refuse(`There is already a ${LANE_LABELS[at.lane].toLowerCase()} note there.`);
  }
  const note: EditorNote = {
    id: doc.nextId,
    Time: ms,
    Component: LANE_DEFAULT_COMPONENT[at.lane],
    Lane: at.lane,
    Velocity: at.velocity ?? 0.7,
    confirmed: true,
  };
  return { label: `add ${LANE_LABELS[at.lane].toLowerCase()} note`, remove: [], add: [note] };
}

export function deleteNotes(doc: EditorDoc, ids: Iterable<number>): EditResult {
  const set = new Set(ids);
  const gone = doc.notes.filter((n) => set.has(n.id));
  if (gone.length === 0) return refuse("Select the notes to delete first.");
  return { label: `delete ${plural(gone.length, "note")}`, remove: gone, add: [] };
}

/**
 * Moves notes by `deltaMs` and `deltaLanes`. The time delta is clamped so the group stays inside
 * the song; lanes are clamped to the layout; a note changing lane takes that lane's component.
 */
export function moveNotes(
  doc: EditorDoc,
  ids: Iterable<number>,
  deltaMs: number,
  deltaLanes = 0,
): EditResult {
  const set = new Set(ids);
  const moving = doc.notes.filter((n) => set.has(n.id));
  if (moving.length === 0) return refuse("Select the notes to move first.");
  const first = Math.min(...moving.map((n) => n.Time));
  const last = Math.max(...moving.map((n) => n.Time));
  const end = doc.chart.Audio?.Duration;
  let dt = Math.max(deltaMs, -first);
  if (end !== undefined) dt = Math.min(dt, end - last);
  if (Math.abs(dt) < 1e-6 && deltaLanes === 0) return { label: "move", remove: [], add: [] };
  const moved = moving.map((n) => {
    const lane = Math.max(0, Math.min(LANE_COUNT - 1, n.Lane + deltaLanes)) as Lane;
    return handPlaced(n, {
      Time: roundTime(n.Time + dt),
      Lane: lane,
      Component: componentOnLane(n.Component, lane),
    });
  });
  if (moved.every((m, i) => sameTime(m.Time, moving[i]!.Time) && m.Lane === moving[i]!.Lane)) {
    return { label: "move", remove: [], add: [] };
  }
  for (const m of moved) {
    const there = occupied(doc.notes, m.Lane, m.Time, set);
    if (there) {
      return refuse(
        `A ${LANE_LABELS[m.Lane as Lane].toLowerCase()} note is already at ${(m.Time / 1000).toFixed(3)} s; move it first.`,
      );
    }
  }
  return { label: `move ${plural(moving.length, "note")}`, remove: moving, add: moved };
}

/** Nudges the selection one grid step earlier or later (each note to its next grid line that way). */
export function nudge(doc: EditorDoc, d: SnapDivisor, dir: 1 | -1): EditResult {
  const moving = selectedNotes(doc);
  if (moving.length === 0) return refuse("Select the notes to nudge first.");
  const tempo = tempoOf(doc);
  const anchor = dir > 0 ? moving.at(-1)! : moving[0]!;
  // The whole group moves by the anchor's step, so chords and rhythms keep their shape.
  const delta = stepMs(tempo, anchor.Time, d, dir) - anchor.Time;
  return moveNotes(doc, doc.selection, delta, 0);
}

/** Puts notes on another lane (each takes the lane's default component unless its own belongs there). */
export function reassignLane(doc: EditorDoc, ids: Iterable<number>, lane: Lane): EditResult {
  const set = new Set(ids);
  const notes = doc.notes.filter((n) => set.has(n.id) && n.Lane !== lane);
  if (notes.length === 0) return refuse(`The selected notes are already on the ${LANE_LABELS[lane]} lane.`);
  const moved = notes.map((n) =>
    handPlaced(n, { Lane: lane, Component: componentOnLane(n.Component, lane) }),
  );
  for (const m of moved) {
    if (occupied(doc.notes, lane, m.Time, set)) {
      return refuse(`The ${LANE_LABELS[lane]} lane already has a note at ${(m.Time / 1000).toFixed(3)} s.`);
    }
  }
  return { label: `move ${plural(notes.length, "note")} to ${LANE_LABELS[lane]}`, remove: notes, add: moved };
}

/** Sets the articulation (hi-hat open, rimshot, floor tom…); the lane follows the component. */
export function setComponent(doc: EditorDoc, ids: Iterable<number>, component: Component): EditResult {
  const set = new Set(ids);
  const notes = doc.notes.filter((n) => set.has(n.id) && n.Component !== component);
  if (notes.length === 0) return refuse("Nothing to change: select notes with another articulation.");
  const lane = COMPONENT_LANE[component];
  const changed = notes.map((n) => handPlaced(n, { Component: component, Lane: lane }));
  for (const m of changed) {
    if (m.Lane !== notes.find((n) => n.id === m.id)!.Lane && occupied(doc.notes, lane, m.Time, set)) {
      return refuse(`The ${LANE_LABELS[lane]} lane already has a note at ${(m.Time / 1000).toFixed(3)} s.`);
    }
  }
  return {
    label: `make ${plural(notes.length, "note")} ${component.replace(/_/g, " ")}`,
    remove: notes,
    add: changed,
  };
}

/** The articulations of a note's lane after its own, in the format's order, wrapping round. */
export function nextComponent(component: Component): Component {
  const onLane = COMPONENTS.filter((c) => COMPONENT_LANE[c] === COMPONENT_LANE[component]);
  return onLane[(onLane.indexOf(component) + 1) % onLane.length]!;
}

/**
 * Each selected note takes the next articulation of its lane (closed → open → pedal hi-hat →
 * closed, snare → rimshot → cross-stick …): the quick fix for a transcription that heard the
 * right drum played another way. The lane never changes, so nothing can collide.
 */
export function cycleComponent(doc: EditorDoc, ids: Iterable<number>): EditResult {
  const set = new Set(ids);
  const notes = doc.notes.filter((n) => set.has(n.id) && nextComponent(n.Component) !== n.Component);
  if (notes.length === 0) {
    return refuse(
      set.size === 0
        ? "Select the notes whose articulation should change first."
        : "Kick and splash notes have one articulation: select hi-hat, snare, tom or cymbal notes.",
    );
  }
  const changed = notes.map((n) => handPlaced(n, { Component: nextComponent(n.Component) }));
  const targets = new Set(changed.map((n) => n.Component));
  const only = targets.size === 1 ? changed[0]!.Component.replace(/_/g, " ") : null;
  return {
    label: only
      ? `make ${plural(notes.length, "note")} ${only}`
      : `next articulation for ${plural(notes.length, "note")}`,
    remove: notes,
    add: changed,
  };
}

/** Every note of one component becomes another: a whole-chart lane mapping fix (china heard as crash…). */
export function remapComponent(doc: EditorDoc, from: Component, to: Component): EditResult {
  const ids = doc.notes.filter((n) => n.Component === from).map((n) => n.id);
  if (ids.length === 0) return refuse(`The chart has no ${from.replace(/_/g, " ")} notes.`);
  const r = setComponent(doc, ids, to);
  if (!("refused" in r)) r.label = `map ${from.replace(/_/g, " ")} → ${to.replace(/_/g, " ")}`;
  return r;
}

export function setVelocity(doc: EditorDoc, ids: Iterable<number>, velocity: number): EditResult {
  const set = new Set(ids);
  const v = Math.max(0, Math.min(1, velocity));
  const notes = doc.notes.filter((n) => set.has(n.id) && n.Velocity !== v);
  if (notes.length === 0) return refuse("Select notes to change their velocity.");
  return {
    label: `set velocity of ${plural(notes.length, "note")}`,
    remove: notes,
    add: notes.map((n) => ({ ...n, Velocity: v, confirmed: true })),
  };
}

const NEXT_BAND: Readonly<Record<VelocityClass, VelocityClass>> = {
  ghost: "normal",
  normal: "accent",
  accent: "ghost",
};

/**
 * Each selected note moves to the next velocity band (ghost → normal → accent → ghost), written as
 * the band's usual velocity (lib/beatmap/lanes.ts VELOCITY_OF_CLASS), as the panel's buttons do.
 */
export function cycleVelocity(doc: EditorDoc, ids: Iterable<number>): EditResult {
  const set = new Set(ids);
  const notes = doc.notes.filter((n) => set.has(n.id));
  if (notes.length === 0) return refuse("Select notes to change their velocity.");
  const changed = notes.map((n) => ({
    ...n,
    Velocity: VELOCITY_OF_CLASS[NEXT_BAND[velocityClass(n.Velocity)]],
    confirmed: true,
  }));
  const bands = new Set(changed.map((n) => velocityClass(n.Velocity)));
  const band = bands.size === 1 ? [...bands][0] : null;
  return {
    label: band
      ? `set ${plural(notes.length, "note")} to ${band}`
      : `next velocity band for ${plural(notes.length, "note")}`,
    remove: notes,
    add: changed,
  };
}

/** Marks notes as checked by ear; they stop showing as unsure and count toward verification. */
export function confirmNotes(doc: EditorDoc, ids: Iterable<number>): EditResult {
  const set = new Set(ids);
  const notes = doc.notes.filter((n) => set.has(n.id) && !n.confirmed);
  if (notes.length === 0) {
    return refuse(
      set.size === 0 ? "Select the notes to confirm first." : "Those notes are already confirmed.",
    );
  }
  return {
    label: `confirm ${plural(notes.length, "note")}`,
    remove: notes,
    add: notes.map((n) => ({ ...n, confirmed: true })),
  };
}

// ── timing ──

function checkTiming(timing: Timing): Timing | Refusal {
  const parsed = TimingSchema.safeParse(timing);
  if (!parsed.success) return refuse(`That timing is not valid: ${parsed.error.issues[0]?.message ?? ""}`);
  if (
    parsed.data.Bpm < 20 ||
    parsed.data.TimingPoints.some((p) => p.Bpm < 20 || p.Bpm > 1000) ||
    parsed.data.Bpm > 1000
  ) {
    return refuse("Keep every BPM between 20 and 1000.");
  }
  return parsed.data;
}

/** Replaces the chart's timing. Notes keep their time (see the note at the top) unless `keep` is "beat". */
export function setTiming(
  doc: EditorDoc,
  next: Timing,
  options: { keep?: "time" | "beat"; label?: string } = {},
): EditResult {
  const checked = checkTiming(next);
  if ("refused" in checked) return checked;
  const change: Change = {
    label: options.label ?? "change timing",
    remove: [],
    add: [],
    timing: { before: doc.chart.Timing, after: checked },
  };
  if (options.keep !== "beat") return change;
  const from = tempoOf(doc);
  const to = TempoMap.fromTiming(checked);
  const remove: EditorNote[] = [];
  const add: EditorNote[] = [];
  for (const n of doc.notes) {
    const t = roundTime(to.beatToMs(from.msToBeat(n.Time)));
    if (sameTime(t, n.Time)) continue;
    remove.push(n);
    add.push({ ...n, Time: t });
  }
  const bad = checkInSong(
    doc,
    add.map((n) => n.Time),
  );
  if (bad) return refuse(`With that timing some notes would move out of the song. ${bad.refused}`);
  return { ...change, remove, add };
}

/** The timing the chart uses when it has none yet (120 BPM from 0 ms). */
export function timingOrDefault(doc: EditorDoc): Timing {
  return doc.chart.Timing ?? { Bpm: 120, Offset: 0, TimeSignature: "4/4", TimingPoints: [] };
}

/** Adds (or replaces) a timing point at `point.Time`. */
export function withTimingPoint(timing: Timing, point: Timing["TimingPoints"][number]): Timing | Refusal {
  const parsed = TimingPointSchema.safeParse(point);
  if (!parsed.success)
    return refuse(`That timing point is not valid: ${parsed.error.issues[0]?.message ?? ""}`);
  if (point.Time <= timing.Offset)
    return refuse("A timing point must come after the first beat (the offset).");
  const others = timing.TimingPoints.filter((p) => !sameTime(p.Time, point.Time));
  return { ...timing, TimingPoints: [...others, parsed.data].sort((a, b) => a.Time - b.Time) };
}

export function withoutTimingPoint(timing: Timing, time: number): Timing {
  return { ...timing, TimingPoints: timing.TimingPoints.filter((p) => !sameTime(p.Time, time)) };
}

/**
 * Shifts the whole chart (notes, first beat and timing points) by `deltaMs`: for a chart that is
 * early or late against the audio everywhere.
 */
export function shiftAll(doc: EditorDoc, deltaMs: number): EditResult {
  const dt = roundTime(deltaMs);
  if (dt === 0) return refuse("Shift by a number of milliseconds other than 0.");
  const bad = checkInSong(
    doc,
    doc.notes.map((n) => n.Time + dt),
  );
  if (bad) return refuse(`Shifting by ${dt} ms would push notes out of the song. ${bad.refused}`);
  const timing = timingOrDefault(doc);
  const after: Timing = {
    ...timing,
    Offset: roundTime(timing.Offset + dt),
    TimingPoints: timing.TimingPoints.map((p) => ({ ...p, Time: roundTime(p.Time + dt) })),
  };
  if (after.TimingPoints.some((p) => p.Time < 0))
    return refuse("Shifting that far would put timing points before the start.");
  return {
    label: `shift everything by ${dt > 0 ? "+" : ""}${dt} ms`,
    remove: doc.notes,
    add: doc.notes.map((n) => ({ ...n, Time: roundTime(n.Time + dt) })),
    timing: { before: doc.chart.Timing, after },
  };
}

// ── clipboard ──

/** The selection as clipboard notes (rhythm in beats from the first selected note). */
export function copySelection(doc: EditorDoc): ClipNote[] | Refusal {
  const notes = selectedNotes(doc);
  if (notes.length === 0) return refuse("Select notes to copy first.");
  const tempo = tempoOf(doc);
  const first = tempo.msToBeat(notes[0]!.Time);
  return notes.map((n) => {
    const { Time: _t, Confidence: _c, ...rest } = toHitObject(n);
    return { beat: tempo.msToBeat(n.Time) - first, note: rest };
  });
}

/** Pastes the clipboard with its first note at `atMs`; notes that would land on an existing note are skipped. */
export function paste(doc: EditorDoc, atMs: number): EditResult {
  const clip = doc.clipboard;
  if (!clip || clip.length === 0) return refuse("Copy some notes first (Ctrl+C).");
  const tempo = tempoOf(doc);
  const start = tempo.msToBeat(atMs);
  let id = doc.nextId;
  const add: EditorNote[] = [];
  for (const c of clip) {
    const Time = roundTime(tempo.beatToMs(start + c.beat));
    if (occupied(doc.notes, c.note.Lane, Time, new Set()) || occupied(add, c.note.Lane, Time, new Set()))
      continue;
    add.push({ ...c.note, Time, id: id++, confirmed: true });
  }
  if (add.length === 0) return refuse("Every copied note would land on a note that is already there.");
  const bad = checkInSong(
    doc,
    add.map((n) => n.Time),
  );
  if (bad) return bad;
  add.sort((a, b) => a.Time - b.Time);
  return { label: `paste ${plural(add.length, "note")}`, remove: [], add };
}
