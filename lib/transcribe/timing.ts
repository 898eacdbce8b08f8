// Tracked beats → .bsm Timing. Every beat of the recording is kept within `toleranceMs` of where
// it was tracked: a run of beats becomes one timing point only while a constant tempo fits all
// of them, so a steady song gets one BPM and a rubato one gets a point wherever it moves.
import type { Timing, TimingPoint } from "../beatmap/index.ts";
import type { BeatTrack } from "./types.ts";

export interface TimingOptions {
  /** Largest distance between a tracked beat and the chart's beat, ms. */
  toleranceMs?: number;
  /** Earliest note, ms: the chart's first bar line is placed at or before it. */
  firstNoteMs?: number;
  /**
   * A first note at most this early is played ahead of the first beat, not a pickup: the chart
   * starts at the note instead (only that first beat moves), ms.
   */
  leadToleranceMs?: number;
}

export const TIMING_DEFAULTS = { toleranceMs: 2, leadToleranceMs: 25 };

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/**
 * Extends a grid backwards by its first beat period until it reaches `untilMs` (never below
 * 0 ms); returns the grid and how many beats were prepended.
 */
export function extendBackwards(
  beats: readonly number[],
  untilMs: number,
): { beats: number[]; added: number } {
  const out = [...beats];
  if (out.length < 2) return { beats: out, added: 0 };
  const period = out[1]! - out[0]!;
  let added = 0;
  while (out[0]! > untilMs && out[0]! - period >= 0) {
    out.unshift(out[0]! - period);
    added++;
  }
  return { beats: out, added };
}

export interface ChartTiming {
  timing: Timing;
  /** The beat grid the timing describes, ms (tracked beats plus any extended before them). */
  gridMs: number[];
  /** Index in `gridMs` of the chart's Offset. */
  offsetIndex: number;
  /** Largest distance between a grid beat and the tempo map, ms. */
  maxErrorMs: number;
}

/**
 * Timing for a chart. Offset is the first downbeat, moved back by whole bars while notes come
 * before it; when notes start less than a bar before it and a whole bar would reach below 0 ms,
 * a short pickup bar ("2/4" …) starts the chart instead, so no note sits before the first beat.
 */
export function beatsToTiming(track: BeatTrack, options: TimingOptions = {}): ChartTiming | undefined {
  const tol = options.toleranceMs ?? TIMING_DEFAULTS.toleranceMs;
  if (track.beatsMs.length < 2) return undefined;
  const lead = options.leadToleranceMs ?? TIMING_DEFAULTS.leadToleranceMs;
  const bar = track.beatsPerBar;
  const given = track.downbeats.length
    ? track.downbeats
    : Array.from(
        { length: Math.ceil((track.beatsMs.length - track.firstDownbeat) / bar) },
        (_, k) => track.firstDownbeat + k * bar,
      );
  const firstDownbeatMs = track.beatsMs[given[0] ?? 0] ?? track.beatsMs[0]!;
  const firstNote = Math.min(options.firstNoteMs ?? Number.POSITIVE_INFINITY, firstDownbeatMs);
  const tracked = [...track.beatsMs];
  // A first note a hair before the first downbeat (or the first beat) pulls that beat to it.
  const near = [given[0] ?? 0, 0].find((i) => {
    const gap = (tracked[i] ?? Number.NaN) - firstNote;
    return gap > 0 && gap <= lead;
  });
  if (near !== undefined) tracked[near] = firstNote;
  const { beats, added } = extendBackwards(tracked, firstNote + 1);
  const starts = given.map((d) => d + added);
  if (starts.length === 0) starts.push(0);
  while (starts[0]! - bar >= 0 && beats[starts[0]!]! > firstNote + 1) starts.unshift(starts[0]! - bar);
  const downbeat = starts[0]!;
  // Latest beat ≤ the first note (the first downbeat if notes start on or after it).
  let start = downbeat;
  if (beats[downbeat]! > firstNote + 1) {
    start = 0;
    while (start + 1 < downbeat && beats[start + 1]! <= firstNote + 1) start++;
  }
  const pickup = downbeat - start;
  // A time signature wherever the bar length changes (a pickup, an odd bar, the bar after it).
  const signatures = new Map<number, string>();
  if (pickup > 0) signatures.set(start, `${pickup}/4`);
  let lastLength = pickup > 0 ? pickup : -1;
  starts.forEach((s, k) => {
    const length = k + 1 < starts.length ? starts[k + 1]! - s : bar;
    if (length !== lastLength && length >= 1 && length <= 32) signatures.set(s, `${length}/4`);
    lastLength = length;
  });
  const knots = [...signatures.keys()].sort((x, y) => x - y);

  // Greedy segments ("cone" fitting): from a segment's first beat, extend while one constant tempo
  // keeps every beat in the segment within tolerance, then end the segment at the beat where that
  // tempo lands. Knots are where the previous segment's tempo puts them, so beats stay whole
  // numbers across timing points. Every time-signature change is a knot.
  const points: TimingPoint[] = [];
  let maxErrorMs = 0;
  let i = start;
  let time = beats[start]!;
  while (i < beats.length - 1) {
    const limit = knots.find((k) => k > i) ?? beats.length - 1;
    let lo = Number.NEGATIVE_INFINITY;
    let hi = Number.POSITIVE_INFINITY;
    let j = i;
    while (j < limit) {
      const k = j + 1 - i;
      const nextLo = Math.max(lo, (beats[j + 1]! - tol - time) / k);
      const nextHi = Math.min(hi, (beats[j + 1]! + tol - time) / k);
      if (nextLo > nextHi) break;
      lo = nextLo;
      hi = nextHi;
      j++;
    }
    if (j === i) {
      // Not even one beat fits from where the last segment ended: restart on the tracked beat.
      lo = hi = beats[i + 1]! - time;
      j = i + 1;
    }
    const beatMs = Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : hi;
    const bpm = round4(60_000 / beatMs);
    const point: TimingPoint = { Time: round3(time), Bpm: bpm };
    const signature = signatures.get(i);
    if (signature) point.TimeSignature = signature;
    for (let k = i; k <= j; k++) {
      const predicted = point.Time + ((k - i) * 60_000) / bpm;
      maxErrorMs = Math.max(maxErrorMs, Math.abs(predicted - beats[k]!));
    }
    points.push(point);
    time = point.Time + ((j - i) * 60_000) / bpm;
    i = j;
  }
  const first = points[0]!;
  return {
    timing: {
      Bpm: first.Bpm,
      Offset: first.Time,
      TimeSignature: first.TimeSignature ?? `${bar}/4`,
      TimingPoints: points.slice(1),
    },
    gridMs: beats,
    offsetIndex: start,
    maxErrorMs,
  };
}
