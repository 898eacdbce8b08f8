// Differences between two versions of a chart: what an edit proposal carries, what a map page
// draws on its timeline, and what lets a proposal follow its base when the base has moved on.
//
// Notes have no ids in .bsm, so a diff names a note by its content: the base note it removes or
// changes is stored whole. Applying checks that exact note is still there; if someone else changed
// it in the meantime, that is a conflict, and everything else applies as it is. This makes
// rebasing a plain re-apply on the new base (git's "patch applies cleanly" rule, per note).
import "../zod-csp.ts";
import { z } from "zod";
import type { Component } from "./lanes.ts";
import { LANE_COUNT } from "./lanes.ts";
import { LIMITS } from "./limits.ts";
import { type Beatmap, type HitObject, HitObjectSchema } from "./schema.ts";

/** A note that kept its component but changed time by at most this much was moved, not replaced. */
export const MOVE_WINDOW_MS = 250;

/** The chart sections other than the notes, compared whole. */
export const DIFF_SECTIONS = ["Metadata", "Audio", "Timing", "DrumKit", "Editor"] as const;
export type DiffSection = (typeof DIFF_SECTIONS)[number];

export interface NoteChange {
  /** The note as it is in the base. */
  from: HitObject;
  /** The note as it is after the edit. */
  to: HitObject;
}

export interface ChartDiff {
  format: "bsm-diff/1";
  added: HitObject[];
  removed: HitObject[];
  /** Same component, new time (and perhaps other properties). */
  moved: NoteChange[];
  /** Same time and lane, other properties (velocity, articulation, confidence, flags). */
  changed: NoteChange[];
  /** Whole sections that differ, with their value before and after. */
  sections: Partial<Record<DiffSection, { before: unknown; after: unknown }>>;
}

const maxNotes = LIMITS.maxHitObjects;
const noteChange = z.object({ from: HitObjectSchema, to: HitObjectSchema });

/** For diffs that arrive from clients: shapes and sizes only; the chart they produce is validated after applying. */
export const ChartDiffSchema = z.object({
  format: z.literal("bsm-diff/1", { error: 'expected format "bsm-diff/1"' }),
  added: z.array(HitObjectSchema).max(maxNotes),
  removed: z.array(HitObjectSchema).max(maxNotes),
  moved: z.array(noteChange).max(maxNotes),
  changed: z.array(noteChange).max(maxNotes),
  sections: z.partialRecord(z.enum(DIFF_SECTIONS), z.object({ before: z.unknown(), after: z.unknown() })),
});

export interface DiffConflict {
  kind: "note" | "section";
  /** Why the change no longer fits, for people. */
  message: string;
  section?: DiffSection;
  lane?: number;
  timeMs?: number;
  /** Our change: the note we expected and what we made of it (null: we removed it / it is new). */
  ours: { from: HitObject | null; to: HitObject | null } | { before: unknown; after: unknown };
  /** What the base holds there now, when we can tell (null: the note is gone). */
  theirs?: HitObject | null | unknown;
}

export class DiffConflictError extends Error {
  constructor(readonly conflicts: DiffConflict[]) {
    super(
      conflicts.length === 1
        ? `This change no longer fits the chart: ${conflicts[0]?.message}`
        : `${conflicts.length} changes no longer fit the chart; the first: ${conflicts[0]?.message}`,
    );
    this.name = "DiffConflictError";
  }
}

// ── identity and equality ──

/** Times are kept to the microsecond (three decimals of a millisecond) throughout the format. */
const timeKey = (t: number) => Math.round(t * 1000);
const noteKey = (n: { Component: Component; Time: number }) => `${n.Component}@${timeKey(n.Time)}`;

/** Property-by-property equality, with absent and undefined treated alike. */
function sameNote(a: HitObject, b: HitObject): boolean {
  return (
    timeKey(a.Time) === timeKey(b.Time) &&
    a.Component === b.Component &&
    a.Lane === b.Lane &&
    a.Velocity === b.Velocity &&
    a.Duration === b.Duration &&
    a.Confidence === b.Confidence &&
    (a.Flam ?? false) === (b.Flam ?? false) &&
    (a.Choke ?? false) === (b.Choke ?? false)
  );
}

/** Deep equality for section values (plain JSON data), independent of key order. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!sameValue(ao[k], bo[k])) return false;
  return true;
}

/** Notes grouped by identity; a list because a sloppy chart may hold the same note twice. */
class NoteIndex {
  private readonly byKey = new Map<string, HitObject[]>();
  constructor(notes: readonly HitObject[]) {
    for (const n of notes) this.add(n);
  }
  add(note: HitObject): void {
    const key = noteKey(note);
    const list = this.byKey.get(key);
    if (list) list.push(note);
    else this.byKey.set(key, [note]);
  }
  peek(key: { Component: Component; Time: number }): HitObject | undefined {
    return this.byKey.get(noteKey(key))?.[0];
  }
  /** Removes the note with this identity that equals `note` if there is one, else any with the identity. */
  take(note: HitObject, exact: boolean): HitObject | undefined {
    const list = this.byKey.get(noteKey(note));
    if (!list || list.length === 0) return undefined;
    let i = list.findIndex((n) => sameNote(n, note));
    if (i < 0 && exact) return undefined;
    if (i < 0) i = 0;
    const [found] = list.splice(i, 1);
    return found;
  }
  all(): HitObject[] {
    return [...this.byKey.values()].flat();
  }
}

// ── diff ──

export function diffCharts(base: Beatmap, next: Beatmap): ChartDiff {
  const diff: ChartDiff = {
    format: "bsm-diff/1",
    added: [],
    removed: [],
    moved: [],
    changed: [],
    sections: {},
  };

  for (const section of DIFF_SECTIONS) {
    if (!sameValue(base[section], next[section])) {
      diff.sections[section] = { before: base[section] ?? null, after: next[section] ?? null };
    }
  }

  // 1. Notes at the same place: unchanged or changed in place.
  const remaining = new NoteIndex(base.HitObjects);
  const unmatched: HitObject[] = [];
  for (const note of next.HitObjects) {
    const was = remaining.take(note, false);
    if (!was) unmatched.push(note);
    else if (!sameNote(was, note)) diff.changed.push({ from: was, to: note });
  }
  let gone = remaining.all();

  // 2. Same time and lane, other articulation (hi-hat closed → open): a change, not a remove + add.
  const goneByPlace = new Map<string, HitObject[]>();
  for (const n of gone) {
    const place = `${n.Lane}@${timeKey(n.Time)}`;
    goneByPlace.set(place, [...(goneByPlace.get(place) ?? []), n]);
  }
  const stillUnmatched: HitObject[] = [];
  for (const note of unmatched) {
    const candidates = goneByPlace.get(`${note.Lane}@${timeKey(note.Time)}`);
    const was = candidates?.shift();
    if (was) diff.changed.push({ from: was, to: note });
    else stillUnmatched.push(note);
  }
  const pairedAway = new Set(diff.changed.map((c) => c.from));
  gone = gone.filter((n) => !pairedAway.has(n));

  // 3. Moves: same component, nearest time within the window, closest pairs first.
  const pairs: { from: HitObject; to: HitObject; distance: number }[] = [];
  for (const from of gone) {
    for (const to of stillUnmatched) {
      const distance = Math.abs(to.Time - from.Time);
      if (to.Component === from.Component && distance <= MOVE_WINDOW_MS) pairs.push({ from, to, distance });
    }
  }
  pairs.sort((a, b) => a.distance - b.distance || a.from.Time - b.from.Time);
  const usedFrom = new Set<HitObject>();
  const usedTo = new Set<HitObject>();
  for (const pair of pairs) {
    if (usedFrom.has(pair.from) || usedTo.has(pair.to)) continue;
    usedFrom.add(pair.from);
    usedTo.add(pair.to);
    diff.moved.push({ from: pair.from, to: pair.to });
  }
  diff.removed = gone.filter((n) => !usedFrom.has(n));
  diff.added = stillUnmatched.filter((n) => !usedTo.has(n));

  const byTime = (a: HitObject, b: HitObject) => a.Time - b.Time || a.Lane - b.Lane;
  diff.added.sort(byTime);
  diff.removed.sort(byTime);
  diff.moved.sort((a, b) => byTime(a.from, b.from));
  diff.changed.sort((a, b) => byTime(a.from, b.from));
  return diff;
}

export function isEmptyDiff(diff: ChartDiff): boolean {
  return (
    diff.added.length + diff.removed.length + diff.moved.length + diff.changed.length === 0 &&
    Object.keys(diff.sections).length === 0
  );
}

// ── apply and rebase ──

function describeNote(n: HitObject): string {
  return `the ${n.Component.replace(/_/g, " ")} at ${(n.Time / 1000).toFixed(3)} s`;
}

/** Applies what fits and lists what does not; `applyDiff` and `rebaseDiff` decide what to do with the list. */
function applyCollecting(base: Beatmap, diff: ChartDiff): { chart: Beatmap; conflicts: DiffConflict[] } {
  const conflicts: DiffConflict[] = [];
  const notes = new NoteIndex(base.HitObjects);

  // Take out what the diff removes or replaces; each must still be exactly as the proposer saw it.
  const takeOut = (from: HitObject, to: HitObject | null) => {
    if (notes.take(from, true)) return;
    // Someone already made the very same change: nothing to do, nothing to complain about.
    if (to && notes.peek(to) && sameNote(notes.peek(to) as HitObject, to)) return "already";
    if (!to && !notes.peek(from)) return "already";
    conflicts.push({
      kind: "note",
      lane: from.Lane,
      timeMs: from.Time,
      message: notes.peek(from)
        ? `${describeNote(from)} was changed by someone else`
        : `${describeNote(from)} is no longer in the chart`,
      ours: { from, to },
      theirs: notes.peek(from) ?? null,
    });
    return "conflict";
  };
  const putIn: HitObject[] = [];
  for (const n of diff.removed) takeOut(n, null);
  for (const { from, to } of [...diff.moved, ...diff.changed]) {
    if (takeOut(from, to) === undefined) putIn.push(to);
  }
  putIn.push(...diff.added);

  for (const note of putIn) {
    const there = notes.peek(note);
    if (!there) notes.add(note);
    else if (!sameNote(there, note)) {
      conflicts.push({
        kind: "note",
        lane: note.Lane,
        timeMs: note.Time,
        message: `someone else put a different ${note.Component.replace(/_/g, " ")} at ${(note.Time / 1000).toFixed(3)} s`,
        ours: { from: null, to: note },
        theirs: there,
      });
    } // an identical note is already there: the same edit made twice lands once
  }

  const chart: Beatmap = structuredClone(base);
  for (const section of DIFF_SECTIONS) {
    const change = diff.sections[section];
    if (!change) continue;
    const current = base[section] ?? null;
    if (sameValue(current, change.after)) continue;
    if (!sameValue(current, change.before)) {
      conflicts.push({
        kind: "section",
        section,
        message: `the ${section} section was changed by someone else`,
        ours: change,
        theirs: current,
      });
      continue;
    }
    (chart as Record<DiffSection, unknown>)[section] = structuredClone(change.after ?? undefined);
  }
  chart.HitObjects = notes.all().sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  return { chart, conflicts };
}

/** The chart after the diff. Throws DiffConflictError (with every conflict) if any part does not fit. */
export function applyDiff(base: Beatmap, diff: ChartDiff): Beatmap {
  const { chart, conflicts } = applyCollecting(base, diff);
  if (conflicts.length > 0) throw new DiffConflictError(conflicts);
  return chart;
}

export type RebaseResult =
  | { ok: true; diff: ChartDiff; chart: Beatmap }
  | { ok: false; conflicts: DiffConflict[] };

/**
 * Moves a diff made on `oldBase` onto `newBase`. Automatic when the two lines of edits touch
 * different notes and sections; otherwise the conflicts say which notes both sides changed, with
 * what the new base holds there, so the user can keep theirs or take the other.
 */
export function rebaseDiff(diff: ChartDiff, oldBase: Beatmap, newBase: Beatmap): RebaseResult {
  const { chart, conflicts } = applyCollecting(newBase, diff);
  if (conflicts.length > 0) {
    // Explain with the other side's change where there is one (moved elsewhere rather than just gone).
    const upstream = diffCharts(oldBase, newBase);
    for (const c of conflicts) {
      if (c.kind !== "note" || !("from" in c.ours) || !c.ours.from) continue;
      const from = c.ours.from;
      const theirMove = [...upstream.moved, ...upstream.changed].find((m) => sameNote(m.from, from));
      if (theirMove) c.theirs = theirMove.to;
    }
    return { ok: false, conflicts };
  }
  return { ok: true, diff: diffCharts(newBase, chart), chart };
}

// ── summary ──

export interface LaneSummary {
  added: number;
  removed: number;
  moved: number;
  changed: number;
}

export interface DiffSummary {
  lanes: LaneSummary[];
  total: LaneSummary;
  timingChanged: boolean;
  /** Set when every note of the base moved by the same amount: a global offset shift, in ms. */
  uniformShiftMs: number | null;
  sections: DiffSection[];
}

export function summarizeDiff(diff: ChartDiff, baseNoteCount?: number): DiffSummary {
  const lanes: LaneSummary[] = Array.from({ length: LANE_COUNT }, () => ({
    added: 0,
    removed: 0,
    moved: 0,
    changed: 0,
  }));
  const lane = (n: HitObject) => lanes[n.Lane] as LaneSummary;
  for (const n of diff.added) lane(n).added++;
  for (const n of diff.removed) lane(n).removed++;
  for (const m of diff.moved) lane(m.to).moved++;
  for (const c of diff.changed) {
    // An articulation change across lanes cannot happen (lanes follow components), but a lane
    // fix can: count it where the note ends up.
    lane(c.to).changed++;
  }
  const total = lanes.reduce(
    (t, l) => ({
      added: t.added + l.added,
      removed: t.removed + l.removed,
      moved: t.moved + l.moved,
      changed: t.changed + l.changed,
    }),
    { added: 0, removed: 0, moved: 0, changed: 0 },
  );
  const deltas = new Set(diff.moved.map((m) => timeKey(m.to.Time - m.from.Time)));
  const uniformShiftMs =
    diff.moved.length > 0 &&
    deltas.size === 1 &&
    diff.added.length + diff.removed.length === 0 &&
    (baseNoteCount === undefined || diff.moved.length === baseNoteCount)
      ? (diff.moved[0] as NoteChange).to.Time - (diff.moved[0] as NoteChange).from.Time
      : null;
  const sections = Object.keys(diff.sections) as DiffSection[];
  return { lanes, total, timingChanged: sections.includes("Timing"), uniformShiftMs, sections };
}
