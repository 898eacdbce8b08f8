// The editor's document: the chart being edited, with an id on every note (the .bsm has none, and
// selection, dragging and undo need one), which notes the fixer confirmed, the selection, the
// clipboard and the undo / redo stacks. Every edit is a `Change` (notes out, notes in, timing
// before / after); its inverse swaps the two sides, so undo needs no per-action code.
import { type Beatmap, compareHitObjects, type HitObject, type Timing } from "../beatmap/index.ts";

export interface EditorNote extends HitObject {
  /** Editor-only identity; never written to the chart. */
  id: number;
  /** The fixer listened and confirms the note as it is (counts toward verification). */
  confirmed?: boolean;
}

/** Notes copied: rhythm kept as beats after the first note, so a paste fits any tempo. */
export interface ClipNote {
  beat: number;
  note: Omit<HitObject, "Time">;
}

export interface Change {
  /** What the user did, for the undo button and the live region ("Undid: move 3 notes"). */
  label: string;
  /** Notes taken out, whole and with their ids. */
  remove: readonly EditorNote[];
  /** Notes put in (the same id as a removed note means the note was edited). */
  add: readonly EditorNote[];
  timing?: { before: Timing | undefined; after: Timing | undefined };
}

export interface EditorDoc {
  /** Everything but the notes (HitObjects here is stale; read `notes`). */
  chart: Beatmap;
  /** Sorted by time, then lane (the .bsm order). */
  notes: readonly EditorNote[];
  selection: ReadonlySet<number>;
  clipboard: readonly ClipNote[] | null;
  undo: readonly Change[];
  redo: readonly Change[];
  nextId: number;
}

/** How many edits undo remembers. A long session should not grow memory without bound. */
export const UNDO_LIMIT = 500;

const byTime = (a: EditorNote, b: EditorNote) => compareHitObjects(a, b) || a.id - b.id;

/** Times are compared at the format's resolution (a microsecond). */
export const sameTime = (a: number, b: number) => Math.round(a * 1000) === Math.round(b * 1000);

/** Where a confirmed note is (a draft keeps these; notes have no ids in a chart). */
export interface NotePlace {
  time: number;
  lane: number;
}

const placeKey = (time: number, lane: number) => `${Math.round(time * 1000)}@${lane}`;

export function createDoc(chart: Beatmap, options: { confirmed?: readonly NotePlace[] } = {}): EditorDoc {
  const confirmed = new Set((options.confirmed ?? []).map((p) => placeKey(p.time, p.lane)));
  const notes = chart.HitObjects.map((n, i) => {
    const note: EditorNote = { ...n, id: i + 1 };
    if (confirmed.has(placeKey(n.Time, n.Lane))) note.confirmed = true;
    return note;
  }).sort(byTime);
  return {
    chart,
    notes,
    selection: new Set(),
    clipboard: null,
    undo: [],
    redo: [],
    nextId: chart.HitObjects.length + 1,
  };
}

/** The note as it goes into a chart: without the editor's id and confirmation mark. */
export function toHitObject(note: EditorNote): HitObject {
  const { id: _id, confirmed: _confirmed, ...hit } = note;
  return hit;
}

/** The chart as edited. */
export function toBeatmap(doc: EditorDoc): Beatmap {
  return { ...doc.chart, HitObjects: doc.notes.map(toHitObject) };
}

/** Times of the notes the fixer confirmed (what proposals.create takes as confirmedNoteTimes). */
export function confirmedTimes(doc: EditorDoc): number[] {
  return [...new Set(doc.notes.filter((n) => n.confirmed).map((n) => n.Time))];
}

/** Where the confirmed notes are (what a draft keeps). */
export function confirmedPlaces(doc: EditorDoc): NotePlace[] {
  return doc.notes.filter((n) => n.confirmed).map((n) => ({ time: n.Time, lane: n.Lane }));
}

export function invert(change: Change): Change {
  return {
    label: change.label,
    remove: change.add,
    add: change.remove,
    ...(change.timing ? { timing: { before: change.timing.after, after: change.timing.before } } : {}),
  };
}

export function isEmptyChange(change: Change): boolean {
  return change.remove.length === 0 && change.add.length === 0 && !change.timing;
}

/** Applies a change to the notes and timing; the notes it put in become the selection. */
export function applyChange(doc: EditorDoc, change: Change): EditorDoc {
  const out = new Set(change.remove.map((n) => n.id));
  const kept = doc.notes.filter((n) => !out.has(n.id));
  if (kept.length !== doc.notes.length - out.size) {
    // A change is only ever built from this document's notes; anything else is a bug upstream.
    throw new Error("This edit refers to notes that are not in the chart any more.");
  }
  const notes = [...kept, ...change.add].sort(byTime);
  let nextId = doc.nextId;
  for (const n of change.add) nextId = Math.max(nextId, n.id + 1);
  const chart = change.timing ? withTiming(doc.chart, change.timing.after) : doc.chart;
  return { ...doc, chart, notes, nextId, selection: new Set(change.add.map((n) => n.id)) };
}

function withTiming(chart: Beatmap, timing: Timing | undefined): Beatmap {
  const { Timing: _old, ...rest } = chart;
  return timing ? { ...rest, Timing: timing } : rest;
}

/** Applies a new edit and remembers it for undo (a new edit forgets what could be redone). */
export function commit(doc: EditorDoc, change: Change): EditorDoc {
  if (isEmptyChange(change)) return doc;
  const next = applyChange(doc, change);
  return { ...next, undo: [...doc.undo, change].slice(-UNDO_LIMIT), redo: [] };
}

export function undo(doc: EditorDoc): EditorDoc {
  const change = doc.undo.at(-1);
  if (!change) return doc;
  const next = applyChange(doc, invert(change));
  return { ...next, undo: doc.undo.slice(0, -1), redo: [...doc.redo, change] };
}

export function redo(doc: EditorDoc): EditorDoc {
  const change = doc.redo.at(-1);
  if (!change) return doc;
  const next = applyChange(doc, change);
  return { ...next, undo: [...doc.undo, change], redo: doc.redo.slice(0, -1) };
}

export function noteById(doc: EditorDoc, id: number): EditorNote | undefined {
  return doc.notes.find((n) => n.id === id);
}

export function selectedNotes(doc: EditorDoc): EditorNote[] {
  return doc.notes.filter((n) => doc.selection.has(n.id));
}

/** The end of the song, ms: the audio's length when known, else a little after the last note. */
export function songEndMs(doc: EditorDoc): number {
  const audio = doc.chart.Audio?.Duration;
  if (audio !== undefined && audio > 0) return audio;
  return (doc.notes.at(-1)?.Time ?? 0) + 4000;
}
