// From a chart and its tempo grid to notation a drummer reads (model.ts): bars from the grid's
// meter, two voices (hands up, feet down), each beat written on the simplest grid that holds its
// notes. The chart keeps the performance timing; only the notation is snapped.
//
// How a beat's grid is chosen: the beat (a quarter note; a dotted quarter in 6/8, 9/8, 12/8; an
// eighth in 5/8, 7/8) is tried on grids from simple to fine — whole beat, 8ths, 8th triplets,
// 16ths, 16th sextuplets, 32nds — and the first one that puts every note within a fraction of a
// grid step (and no two strokes on one drum in one place) wins. So timing jitter of a few ms is
// read as the 8th or 16th it is, not as 1/64 clutter, while a real triplet fill becomes a
// triplet. Triplets get a tighter tolerance in straight sections (where a late 16th is likelier
// than a triplet) and a looser one in swing sections.
//
// Swing (Feel = "swing"): a beat whose notes sit on the downbeat and the swung offbeat (the third
// triplet) is written as two straight 8ths under a "Swing" marking — how shuffle and jazz charts
// are written and read, and what notation programs play back swung — rather than as a triplet
// with a rest on every beat. Beats that use the other triplet partials are written as triplets.

import { gridSections } from "../beatmap/grid-sections.ts";
import { type Component, velocityClass } from "../beatmap/lanes.ts";
import type { Beatmap, Feel, HitObject } from "../beatmap/schema.ts";
import { measureBeatsOf, TempoMap, type TimeSignature } from "../beatmap/tempo.ts";
import { STAFF_POSITION, staffHeight, type Voice } from "./drum-kit.ts";
import {
  type BeamValue,
  DIVISIONS,
  type MeasureDirection,
  NOTE_TYPE_DIVISIONS,
  type NotatedMeasure,
  type NotatedNote,
  type NotationScore,
  type NoteType,
  type VoiceEvent,
} from "./model.ts";

const EPS = 1e-6;
/** Finest grid step (a 32nd), divisions. */
const FINEST = 3;

interface Grid {
  /** Sounding grid step, divisions. */
  step: number;
  /** Written in a tuplet: `actual` notes in the time of `normal` of `normalType`. */
  tuplet?: { actual: number; normal: number; normalType: NoteType };
  /** Swung 8ths: downbeat and third triplet, written as straight 8ths. */
  swing?: true;
}

const TRIPLET_8TH: Grid = { step: 8, tuplet: { actual: 3, normal: 2, normalType: "eighth" } };
const SEXTUPLET_16TH: Grid = { step: 4, tuplet: { actual: 6, normal: 4, normalType: "16th" } };
const TRIPLET_16TH: Grid = { step: 4, tuplet: { actual: 3, normal: 2, normalType: "16th" } };

/** Window (the beat a grid is chosen for) kinds, by meter. */
function gridsFor(windowLength: number, compound: boolean, feel: Feel): Grid[] {
  if (compound) return [{ step: 36 }, { step: 12 }, { step: 6 }, { step: 3 }];
  if (windowLength === 24) {
    return feel === "swing"
      ? [{ step: 24 }, { step: 8, swing: true }, TRIPLET_8TH, SEXTUPLET_16TH, { step: 3 }]
      : [{ step: 24 }, { step: 12 }, TRIPLET_8TH, { step: 6 }, SEXTUPLET_16TH, { step: 3 }];
  }
  if (windowLength === 12) return [{ step: 12 }, { step: 6 }, TRIPLET_16TH, { step: 3 }];
  return [24, 12, 6, 3].filter((s) => s <= windowLength && windowLength % s === 0).map((step) => ({ step }));
}

/** How far (in grid steps) a note may sit from its grid point. */
function tolerance(grid: Grid, feel: Feel): number {
  if (grid.swing) return 2.5;
  if (grid.tuplet && feel === "straight") return 0.15 * grid.step;
  return 0.22 * grid.step;
}

/** Compound meters (6/8, 9/8, 12/8, 3/8) count in dotted beats. */
const isCompound = (ts: TimeSignature) => ts.denominator >= 8 && ts.numerator % 3 === 0;

function windowLengthOf(ts: TimeSignature): number {
  const unit = (DIVISIONS * 4) / ts.denominator;
  if (isCompound(ts)) return 3 * unit;
  return Math.min(DIVISIONS, unit);
}

interface Bar {
  startBeat: number;
  length: number;
  ts: TimeSignature;
  /** The bar is shorter than its meter (cut by a meter change): written with a meter of its own. */
  shortened: boolean;
  implicit: boolean;
  number: number;
}

interface Window {
  bar: number;
  /** Divisions from the bar's start. */
  start: number;
  length: number;
  startBeat: number;
  compound: boolean;
  feel: Feel;
}

interface PlacedNote {
  note: HitObject;
  beat: number;
  /** Chart beats the roll lasts (0: no roll). */
  rollBeats: number;
}

interface Onset {
  /** Sounding divisions from the window start. */
  at: number;
  notes: PlacedNote[];
}

const toDivisions = (beats: number) => beats * DIVISIONS;

/** The last index i < count for which `isAtOrBefore(i)` holds (a sorted prefix), or 0. */
export function lastAtOrBefore(count: number, isAtOrBefore: (i: number) => boolean): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (isAtOrBefore(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The written time signature of a bar `length` divisions long (a bar cut short by a meter change). */
function signatureOfLength(length: number): TimeSignature {
  for (const denominator of [4, 8, 16, 32]) {
    const unit = (DIVISIONS * 4) / denominator;
    if (length % unit === 0) return { numerator: length / unit, denominator };
  }
  return { numerator: Math.max(1, Math.round(length / 3)), denominator: 32 };
}

function buildBars(tempo: TempoMap, firstBeat: number, lastBeat: number): Bar[] {
  const runs: { beat: number; ts: TimeSignature }[] = [];
  for (const s of tempo.segments) {
    if (runs.at(-1)?.beat !== s.tsBeat) runs.push({ beat: s.tsBeat, ts: s.ts });
    else runs.at(-1)!.ts = s.ts;
  }
  const bars: Bar[] = [];
  // Notes before the first beat: a pickup measure (whole units of the meter) and, for a long
  // intro, full bars before it, all numbered 0 and below.
  const first = runs[0]!;
  if (firstBeat < -EPS) {
    const mb = measureBeatsOf(first.ts);
    const unit = 4 / first.ts.denominator;
    const lead = Math.ceil((-firstBeat - EPS) / unit) * unit;
    const count = Math.ceil(lead / mb - EPS);
    for (let k = count; k >= 1; k--) {
      const length = k === count ? lead - (count - 1) * mb : mb;
      bars.push({
        startBeat: -((k - 1) * mb + length),
        length: Math.round(toDivisions(length)),
        ts: first.ts,
        shortened: length < mb - EPS,
        implicit: true,
        number: 1 - k,
      });
    }
  }
  let number = 1;
  runs.forEach((run, i) => {
    const end = runs[i + 1]?.beat ?? Number.POSITIVE_INFINITY;
    const mb = measureBeatsOf(run.ts);
    for (let s = run.beat; s < end - EPS; s += mb) {
      if (i === runs.length - 1 && s > lastBeat + EPS && number > 1) break;
      const beats = Math.min(mb, end - s);
      const length = Math.max(FINEST, Math.round(toDivisions(beats) / FINEST) * FINEST);
      bars.push({
        startBeat: s,
        length,
        ts: run.ts,
        shortened: beats < mb - EPS,
        implicit: false,
        number: number++,
      });
    }
  });
  return bars;
}

function buildWindows(bars: readonly Bar[], feelAt: (beat: number) => Feel): Window[] {
  const windows: Window[] = [];
  bars.forEach((bar, b) => {
    const full = windowLengthOf(bar.ts);
    const compound = isCompound(bar.ts);
    for (let start = 0; start < bar.length; start += full) {
      const length = Math.min(full, bar.length - start);
      const startBeat = bar.startBeat + start / DIVISIONS;
      windows.push({
        bar: b,
        start,
        length,
        startBeat,
        compound: compound && length === full,
        feel: feelAt(startBeat),
      });
    }
  });
  return windows;
}

interface Snapped {
  grid: Grid;
  /** Sounding positions in the window (the window's length means: the next window's start). */
  at: number[];
  error: number;
}

/** Distance from a swung grid point: the offbeat takes anything from a straight 8th to a dotted one. */
function swingDistance(point: number, p: number): number {
  return point === SWUNG_OFFBEAT ? Math.max(0, 11 - p, p - 20) : Math.abs(point - p);
}
/** Where a swung offbeat 8th sounds: the third 8th-triplet of the beat. */
const SWUNG_OFFBEAT = 16;

function snap(grid: Grid, positions: readonly number[], windowLength: number): number[] {
  return positions.map((p) => {
    if (grid.swing) {
      return [0, SWUNG_OFFBEAT, windowLength].reduce((best, o) =>
        swingDistance(o, p) < swingDistance(best, p) ? o : best,
      );
    }
    return Math.max(0, Math.round(p / grid.step) * grid.step);
  });
}

/** The simplest grid that holds the notes (see the header), or the one with the smallest error. */
function chooseGrid(window: Window, notes: readonly PlacedNote[], positions: readonly number[]): Snapped {
  const grids = gridsFor(window.length, window.compound, window.feel);
  const tried = grids.map((grid) => {
    const at = snap(grid, positions, window.length);
    const error = Math.max(
      0,
      ...positions.map((p, i) => (grid.swing ? swingDistance(at[i]!, p) : Math.abs(p - at[i]!))),
    );
    const seen = new Set<string>();
    let collides = false;
    at.forEach((a, i) => {
      const key = `${a}:${notes[i]!.note.Component}`;
      if (seen.has(key)) collides = true;
      seen.add(key);
    });
    return { grid, at, error, fits: !collides && error <= tolerance(grid, window.feel) + EPS };
  });
  const first = tried.findIndex((t) => t.fits);
  if (first === -1) return tried.reduce((best, t) => (t.error < best.error - EPS ? t : best));
  const chosen = tried[first]!;
  // In a straight section a lone note between a triplet and a 16th is a late (or early) 16th,
  // unless it is much nearer the triplet.
  if (chosen.grid.tuplet && window.feel === "straight") {
    const straight = tried.slice(first + 1).find((t) => t.fits && !t.grid.tuplet);
    if (straight && chosen.error > straight.error / 2) return straight;
  }
  return chosen;
}

/** Written value (divisions) → note type and dots. */
const WRITTEN: readonly { value: number; type: NoteType; dots: number }[] = [
  { value: 96, type: "whole", dots: 0 },
  { value: 72, type: "half", dots: 1 },
  { value: 48, type: "half", dots: 0 },
  { value: 36, type: "quarter", dots: 1 },
  { value: 24, type: "quarter", dots: 0 },
  { value: 18, type: "eighth", dots: 1 },
  { value: 12, type: "eighth", dots: 0 },
  { value: 9, type: "16th", dots: 1 },
  { value: 6, type: "16th", dots: 0 },
  { value: 3, type: "32nd", dots: 0 },
];

/** Splits a written length into note values, longest first. */
function writtenPieces(length: number): { value: number; type: NoteType; dots: number }[] {
  const out: { value: number; type: NoteType; dots: number }[] = [];
  let left = length;
  while (left >= FINEST) {
    const piece = WRITTEN.find((w) => w.value <= left)!;
    out.push(piece);
    left -= piece.value;
  }
  return out;
}

function notated(p: PlacedNote): NotatedNote {
  const v = velocityClass(p.note.Velocity);
  return {
    component: p.note.Component,
    velocity: p.note.Velocity,
    ghost: v === "ghost",
    accent: v === "accent",
    flam: p.note.Flam === true,
    choke: p.note.Choke === true,
    roll: p.rollBeats > 0,
    ...(p.rollBeats > 0 ? { durationMs: p.note.Duration } : {}),
  };
}

/** One chord per drum: two strokes on one drum in one place keep the louder (and its marks). */
function chordOf(notes: readonly PlacedNote[]): NotatedNote[] {
  const byComponent = new Map<Component, NotatedNote>();
  for (const p of notes) {
    const n = notated(p);
    const had = byComponent.get(n.component);
    if (!had) byComponent.set(n.component, n);
    else
      byComponent.set(n.component, {
        ...(had.velocity >= n.velocity ? had : n),
        flam: had.flam || n.flam,
        choke: had.choke || n.choke,
      });
  }
  return [...byComponent.values()].sort(
    (a, b) => staffHeight(STAFF_POSITION[b.component]) - staffHeight(STAFF_POSITION[a.component]),
  );
}

/** A roll still sounding at a window's start: tied notes until it ends (or the next stroke). */
interface RollCarry {
  notes: NotatedNote[];
  /** Chart beat where the roll ends. */
  endBeat: number;
}

interface WindowLayout {
  events: VoiceEvent[];
  carry: RollCarry | undefined;
}

/** Lays out one voice's onsets in one window: notes, tied roll parts and rests. */
function layoutWindow(
  window: Window,
  snapped: Snapped | undefined,
  onsets: readonly Onset[],
  carry: RollCarry | undefined,
  lastEvent: VoiceEvent | undefined,
): WindowLayout {
  const grid = snapped?.grid ?? { step: window.length };
  const ratio = grid.tuplet ? grid.tuplet.actual / grid.tuplet.normal : 1;
  // Written coordinates: sounding × ratio in a tuplet; a swung offbeat (16) is written at 12.
  const written = (at: number) => (grid.swing ? (at === SWUNG_OFFBEAT ? 12 : at) : at * ratio);
  const sounding = (w: number) => (grid.swing ? (w === 12 ? SWUNG_OFFBEAT : w) : w / ratio);
  const writtenLength = window.length * ratio;
  const events: VoiceEvent[] = [];
  const push = (
    from: number,
    to: number,
    notes: NotatedNote[],
    tie: { start?: boolean; stop?: boolean },
    allPieces: boolean,
  ) => {
    const pieces = writtenPieces(to - from);
    let w = from;
    pieces.forEach((piece, k) => {
      const isNote = notes.length > 0 && (k === 0 || allPieces);
      // Swung 8ths keep their nominal length: MusicXML's <swing> only plays notes whose
      // duration matches their type.
      const duration = grid.swing ? piece.value : Math.round(piece.value / ratio);
      events.push({
        position: window.start + sounding(w),
        duration,
        type: piece.type,
        dots: piece.dots,
        notes: isNote ? notes : [],
        ...(isNote && (k > 0 ? true : tie.stop) ? { tieStop: true } : {}),
        ...(isNote && allPieces && (k < pieces.length - 1 || tie.start) ? { tieStart: true } : {}),
      });
      w += piece.value;
    });
  };
  let nextCarry: RollCarry | undefined;
  const firstAt = onsets[0] ? written(onsets[0].at) : writtenLength;
  if (firstAt > 0) {
    const carryEnd =
      carry && carry.endBeat > window.startBeat + EPS
        ? Math.min(
            firstAt,
            Math.round((toDivisions(carry.endBeat - window.startBeat) * ratio) / FINEST) * FINEST,
          )
        : 0;
    if (carry && carryEnd >= FINEST) {
      const rollsOn =
        onsets.length === 0 && carry.endBeat > window.startBeat + window.length / DIVISIONS + EPS;
      push(0, carryEnd, carry.notes, { stop: true, start: rollsOn }, true);
      if (rollsOn) nextCarry = carry;
    } else if (carry && lastEvent) {
      // The roll ended at the window's start after all: nothing to tie to.
      delete lastEvent.tieStart;
    }
    if (firstAt > carryEnd) push(carryEnd, firstAt, [], {}, false);
  }
  onsets.forEach((onset, i) => {
    const from = written(onset.at);
    const to = onsets[i + 1] ? written(onsets[i + 1]!.at) : writtenLength;
    const notes = chordOf(onset.notes);
    const roll = onset.notes.reduce((m, p) => Math.max(m, p.rollBeats), 0);
    const rollEndBeat = window.startBeat + onset.at / DIVISIONS + roll;
    const isLast = i === onsets.length - 1;
    const rollsOn = roll > 0 && isLast && rollEndBeat > window.startBeat + window.length / DIVISIONS + EPS;
    push(from, to, notes, { start: rollsOn }, roll > 0);
    if (rollsOn) nextCarry = { notes: notes.filter((n) => n.roll), endBeat: rollEndBeat };
  });
  if (grid.tuplet && events.length > 0) {
    const tuplet = grid.tuplet;
    events.forEach((e, k) => {
      e.tuplet = { ...tuplet, start: k === 0, stop: k === events.length - 1 };
    });
  }
  return { events, carry: nextCarry };
}

/** Consecutive whole-window rests merged into longer rests where they start on their own value. */
function mergeRests(
  events: VoiceEvent[],
  restWindows: Set<VoiceEvent>,
  windowLength: number,
  compound: boolean,
): VoiceEvent[] {
  const values = compound ? [72, 36] : [96, 48, 24, 12, 6];
  const out: VoiceEvent[] = [];
  let i = 0;
  while (i < events.length) {
    const e = events[i]!;
    if (!restWindows.has(e)) {
      out.push(e);
      i++;
      continue;
    }
    let j = i;
    let run = 0;
    while (j < events.length && restWindows.has(events[j]!)) run += events[j++]!.duration;
    let pos = e.position;
    const end = e.position + run;
    while (pos < end) {
      const v =
        values.find((v) => v % windowLength === 0 && v <= end - pos && pos % v === 0) ??
        events.find((x) => x.position === pos)?.duration ??
        windowLength;
      const w = WRITTEN.find((x) => x.value === v)!;
      out.push({ position: pos, duration: v, type: w.type, dots: w.dots, notes: [] });
      pos += v;
    }
    i = j;
  }
  return out;
}

const BEAMS_OF: Readonly<Record<NoteType, number>> = {
  whole: 0,
  half: 0,
  quarter: 0,
  eighth: 1,
  "16th": 2,
  "32nd": 3,
};

/** Beams notes shorter than a quarter within each beat group (a quarter; a dotted quarter in compound time). */
function beam(events: VoiceEvent[], groupLength: number): void {
  let group: VoiceEvent[] = [];
  const flush = () => {
    if (group.length >= 2) {
      group.forEach((e, i) => {
        const levels = BEAMS_OF[e.type];
        const beams: BeamValue[] = [];
        for (let level = 1; level <= levels; level++) {
          const prev = i > 0 && BEAMS_OF[group[i - 1]!.type] >= level;
          const next = i < group.length - 1 && BEAMS_OF[group[i + 1]!.type] >= level;
          if (level === 1) beams.push(i === 0 ? "begin" : i === group.length - 1 ? "end" : "continue");
          else if (prev && next) beams.push("continue");
          else if (next) beams.push("begin");
          else if (prev) beams.push("end");
          else beams.push(i === 0 ? "forward hook" : "backward hook");
        }
        e.beams = beams;
      });
    }
    group = [];
  };
  let groupIndex = -1;
  for (const e of events) {
    const g = Math.floor(e.position / groupLength);
    if (g !== groupIndex || e.notes.length === 0 || BEAMS_OF[e.type] === 0) flush();
    groupIndex = g;
    if (e.notes.length > 0 && BEAMS_OF[e.type] > 0) group.push(e);
  }
  flush();
}

/** Marks the "o" over open hi-hats and the "+" over the first closed one after them. */
function markHiHats(measures: readonly NotatedMeasure[]): void {
  let open = false;
  for (const m of measures) {
    for (const e of m.hands) {
      if (e.tieStop) continue;
      for (const n of e.notes) {
        if (n.component === "hihat_open") {
          n.hihatMark = "open";
          open = true;
        } else if (n.component === "hihat_closed") {
          if (open) n.hihatMark = "closed";
          open = false;
        }
      }
    }
  }
}

export interface NotationOptions {
  title?: string;
}

/** The chart as notation (see the header for how beats are snapped). */
export function chartToNotation(beatmap: Beatmap, options: NotationOptions = {}): NotationScore {
  const tempo = TempoMap.fromTiming(beatmap.Timing);
  const placed: PlacedNote[] = beatmap.HitObjects.map((note) => {
    const beat = tempo.msToBeat(note.Time);
    const rollBeats =
      note.Duration && note.Duration > 0 ? tempo.msToBeat(note.Time + note.Duration) - beat : 0;
    return { note, beat, rollBeats };
  });
  const firstBeat = Math.min(0, ...placed.map((p) => p.beat + FINEST / 2 / DIVISIONS));
  // Room for a note to snap forward onto the next bar line; empty bars at the end are dropped below.
  const lastBeat = Math.max(0, ...placed.map((p) => p.beat + p.rollBeats + 0.25));
  const bars = buildBars(tempo, firstBeat, lastBeat);
  const endMs = tempo.beatToMs(bars.at(-1)!.startBeat + bars.at(-1)!.length / DIVISIONS);
  const sections = gridSections(beatmap.Timing, endMs);
  const feelAt = (beat: number): Feel =>
    sections[lastAtOrBefore(sections.length, (i) => sections[i]!.startBeat <= beat + EPS)]!.feel;
  const windows = buildWindows(bars, feelAt);
  const warnings: string[] = [];

  // Each note goes to the window it starts in, counting a note up to half a 32nd early as on the beat.
  const byWindow: Record<Voice, PlacedNote[][]> = {
    hands: windows.map(() => []),
    feet: windows.map(() => []),
  };
  for (const p of placed) {
    const at = p.beat + FINEST / 2 / DIVISIONS;
    const w = lastAtOrBefore(windows.length, (i) => windows[i]!.startBeat <= at);
    byWindow[STAFF_POSITION[p.note.Component].voice][w]!.push(p);
  }

  const measures: NotatedMeasure[] = bars.map((bar, b) => ({
    number: bar.number,
    implicit: bar.implicit,
    startBeat: bar.startBeat,
    length: bar.length,
    // A pickup shows the meter of the bars it leads into, as scores write an anacrusis.
    timeSignature: bar.shortened && !bar.implicit ? signatureOfLength(bar.length) : bar.ts,
    showTimeSignature:
      b === 0 ||
      (bar.shortened && !bar.implicit) ||
      (bars[b - 1]!.shortened && !bars[b - 1]!.implicit) ||
      bars[b - 1]!.ts.numerator !== bar.ts.numerator ||
      bars[b - 1]!.ts.denominator !== bar.ts.denominator,
    directions: [],
    hands: [],
    feet: [],
  }));

  let offGrid = 0;
  for (const voice of ["hands", "feet"] as const) {
    let carry: RollCarry | undefined;
    let carried: PlacedNote[] = [];
    let lastEvent: VoiceEvent | undefined;
    const restWindows = new Set<VoiceEvent>();
    windows.forEach((window, w) => {
      const notes = [...carried, ...byWindow[voice][w]!];
      const positions = [
        ...carried.map(() => 0),
        ...byWindow[voice][w]!.map((p) => toDivisions(p.beat - window.startBeat)),
      ];
      carried = [];
      const measure = measures[window.bar]!;
      const list = measure[voice];
      let snapped: Snapped | undefined;
      const onsets: Onset[] = [];
      if (notes.length > 0) {
        snapped = chooseGrid(window, notes, positions);
        if (snapped.error > tolerance(snapped.grid, window.feel) + EPS) offGrid += notes.length;
        const hasNext = w + 1 < windows.length;
        snapped.at.forEach((at, i) => {
          const onWindowEnd = at >= window.length;
          if (onWindowEnd && hasNext) {
            carried.push(notes[i]!);
            return;
          }
          const pos = onWindowEnd ? window.length - snapped!.grid.step : at;
          const onset = onsets.find((o) => o.at === pos);
          if (onset) onset.notes.push(notes[i]!);
          else onsets.push({ at: pos, notes: [notes[i]!] });
        });
        onsets.sort((a, b) => a.at - b.at);
        if (onsets.length === 0) snapped = undefined;
      }
      const layout = layoutWindow(window, snapped, onsets, carry, lastEvent);
      carry = layout.carry;
      lastEvent = layout.events.at(-1) ?? lastEvent;
      if (onsets.length === 0 && layout.events.every((e) => e.notes.length === 0)) {
        for (const e of layout.events) restWindows.add(e);
      }
      list.push(...layout.events);
    });
    measures.forEach((m, b) => {
      const windowLength = windowLengthOf(bars[b]!.ts);
      const compound = isCompound(bars[b]!.ts) && !bars[b]!.shortened;
      if (m[voice].every((e) => restWindows.has(e))) {
        const w = WRITTEN.find((x) => x.value === m.length);
        m[voice] = [
          {
            position: 0,
            duration: m.length,
            type: w?.type ?? "whole",
            dots: w?.dots ?? 0,
            notes: [],
            measureRest: true,
          },
        ];
        return;
      }
      m[voice] = mergeRests(m[voice], restWindows, windowLength, compound);
      beam(m[voice], compound ? windowLength : Math.max(windowLength, DIVISIONS));
    });
  }
  if (offGrid > 0) {
    warnings.push(
      `${offGrid} ${offGrid === 1 ? "note sits" : "notes sit"} off every grid down to 32nds and ${offGrid === 1 ? "was" : "were"} written at the nearest 32nd.`,
    );
  }
  while (
    measures.length > 1 &&
    measures.at(-1)!.hands[0]?.measureRest &&
    measures.at(-1)!.feet[0]?.measureRest
  ) {
    measures.pop();
  }
  markHiHats(measures);
  addDirections(measures, sections);
  return {
    title: options.title ?? beatmap.Metadata.Title,
    artist: beatmap.Metadata.Artist,
    creator: beatmap.Metadata.Creator,
    offsetMs: beatmap.Timing?.Offset ?? 0,
    measures,
    warnings,
  };
}

/** Tempo and feel marks: the first measure states both; later sections mark what they change. */
function addDirections(measures: NotatedMeasure[], sections: ReturnType<typeof gridSections>): void {
  const first = sections[0]!;
  measures[0]!.directions.push({
    position: 0,
    bpm: first.bpm,
    ...(first.feel === "swing" ? { feel: "swing" as const } : {}),
  });
  let previous = first;
  for (const s of sections.slice(1)) {
    const m = lastAtOrBefore(measures.length, (i) => measures[i]!.startBeat <= s.startBeat + EPS);
    const measure = measures[m]!;
    const position = Math.min(
      measure.length - FINEST,
      Math.max(0, Math.round(toDivisions(s.startBeat - measure.startBeat) / FINEST) * FINEST),
    );
    const direction: MeasureDirection = { position };
    if (Math.abs(s.bpm - previous.bpm) > 1e-9) direction.bpm = s.bpm;
    if (s.feel !== previous.feel) direction.feel = s.feel;
    if (direction.bpm !== undefined || direction.feel !== undefined) measure.directions.push(direction);
    previous = s;
  }
}

/** Written length of a note type with dots, divisions. */
export const writtenLength = (type: NoteType, dots: number): number =>
  NOTE_TYPE_DIVISIONS[type] * (2 - 0.5 ** dots);
