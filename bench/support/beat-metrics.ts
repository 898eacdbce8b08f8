// Beat-grid metrics for scoring charts against reference beats, in pure TypeScript. The beat
// metrics follow mir_eval.beat (0.7) line by line, defaults included, so the figures compare with
// the literature: F-measure (±70 ms), and the continuity family CMLc/CMLt/AMLc/AMLt (phase and
// period thresholds 0.175; "any metric level" tries the reference as given, off-beat, double,
// and half tempo of either parity). Beats before 5 s are ignored by the caller with `trimBeats`,
// as mir_eval's trim_beats does. The tests check these against numbers computed by mir_eval.
//
// Beyond mir_eval: tempo accuracy Acc1/Acc2 (Gouyon et al. 2006: the main tempo within 4 %; Acc2
// also at ×2, ×½, ×3, ×⅓), downbeat F-measure (the same matching on bar starts), and how much of
// a chart's beat grid one constant tempo explains (`constantGridShare`); and the readers of both
// sides: reference beat files (`readBeats`) and a chart's Timing (`chartGrid`).
import type { Timing } from "../../lib/beatmap/index.ts";
import { TempoMap } from "../../lib/beatmap/tempo.ts";

/** Beats at or after `minTime` seconds (mir_eval.beat.trim_beats, default 5 s). */
export function trimBeats(beats: readonly number[], minTime = 5): number[] {
  return beats.filter((b) => b >= minTime);
}

/**
 * Size of a maximum one-to-one matching of `ref` and `est` (both increasing, seconds) with
 * |ref − est| ≤ window: mir_eval.util.match_events' cardinality. On a line, with one window for
 * every pair, the greedy two-pointer walk is a maximum matching.
 */
export function matchCount(ref: readonly number[], est: readonly number[], window: number): number {
  let i = 0;
  let j = 0;
  let hits = 0;
  while (i < ref.length && j < est.length) {
    if (Math.abs(ref[i]! - est[j]!) <= window) {
      hits++;
      i++;
      j++;
    } else if (est[j]! < ref[i]!) j++;
    else i++;
  }
  return hits;
}

/** mir_eval.beat.f_measure: 0 when either sequence is empty. */
export function beatFMeasure(ref: readonly number[], est: readonly number[], window = 0.07): number {
  if (ref.length === 0 || est.length === 0) return 0;
  const hits = matchCount(ref, est, window);
  const precision = hits / est.length;
  const recall = hits / ref.length;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Python's a[i] for -len ≤ i < len (mir_eval indexes `nearest - 1` with nearest = 0 at times). */
const at = (a: readonly number[], i: number): number => a[i < 0 ? a.length + i : i]!;

/**
 * mir_eval.beat._get_reference_beat_variations: as given, off-beat, double tempo, half tempo
 * (odd beats: 1st, 3rd, …), half tempo (even beats).
 */
export function referenceVariations(ref: readonly number[]): number[][] {
  const double: number[] = [];
  for (let k = 0; k < 2 * ref.length - 1; k++) {
    const i = Math.floor(k / 2);
    double.push(k % 2 === 0 ? ref[i]! : ref[i]! + 0.5 * (ref[i + 1]! - ref[i]!));
  }
  return [
    [...ref],
    double.filter((_, k) => k % 2 === 1),
    double,
    ref.filter((_, k) => k % 2 === 0),
    ref.filter((_, k) => k % 2 === 1),
  ];
}

export interface Continuity {
  /** Correct metric level, longest continuously correct run / max(estimated, reference beats). */
  cmlc: number;
  /** Correct metric level, all correct beats / max(estimated, reference beats). */
  cmlt: number;
  /** Any metric level (the best of the five variations), continuous. */
  amlc: number;
  /** Any metric level, total. */
  amlt: number;
}

function continuityOne(
  ref: readonly number[],
  est: readonly number[],
  phaseThreshold: number,
  periodThreshold: number,
): { continuous: number; total: number } {
  // mir_eval sizes both arrays max(references, estimates), so the scores divide by that count.
  const used = new Uint8Array(Math.max(ref.length, est.length));
  const success = new Uint8Array(Math.max(ref.length, est.length));
  for (let m = 0; m < est.length; m++) {
    // np.argmin: the first of equal minima.
    let nearest = 0;
    let minDifference = Number.POSITIVE_INFINITY;
    for (let r = 0; r < ref.length; r++) {
      const d = Math.abs(est[m]! - ref[r]!);
      if (d < minDifference) {
        minDifference = d;
        nearest = r;
      }
    }
    if (used[nearest]) continue;
    let phase: number;
    let period: number;
    if (m === 0 || nearest === 0) {
      const referenceInterval =
        nearest + 1 < ref.length ? ref[nearest + 1]! - ref[nearest]! : ref[nearest]! - at(ref, nearest - 1);
      const estimatedInterval = m + 1 < est.length ? est[m + 1]! - est[m]! : est[m]! - at(est, m - 1);
      if (referenceInterval === 0) {
        phase = minDifference === 0 ? 1 : Number.POSITIVE_INFINITY;
        period = estimatedInterval === 0 ? 0 : Number.POSITIVE_INFINITY;
      } else {
        phase = Math.abs(minDifference / referenceInterval);
        period = Math.abs(1 - estimatedInterval / referenceInterval);
      }
    } else {
      const referenceInterval = ref[nearest]! - ref[nearest - 1]!;
      phase = Math.abs(minDifference / referenceInterval);
      period = Math.abs(1 - (est[m]! - est[m - 1]!) / referenceInterval);
    }
    if (phase < phaseThreshold && period < periodThreshold) {
      used[nearest] = 1;
      success[m] = 1;
    }
  }
  let longest = 0;
  let run = 0;
  let total = 0;
  for (const s of success) {
    total += s;
    run = s ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return { continuous: longest / success.length, total: total / success.length };
}

/** mir_eval.beat.continuity: all four 0 when either sequence has fewer than two beats. */
export function continuity(
  ref: readonly number[],
  est: readonly number[],
  phaseThreshold = 0.175,
  periodThreshold = 0.175,
): Continuity {
  if (ref.length <= 1 || est.length <= 1) return { cmlc: 0, cmlt: 0, amlc: 0, amlt: 0 };
  const scores = referenceVariations(ref).map((variation) =>
    continuityOne(variation, est, phaseThreshold, periodThreshold),
  );
  return {
    cmlc: scores[0]!.continuous,
    cmlt: scores[0]!.total,
    amlc: Math.max(...scores.map((s) => s.continuous)),
    amlt: Math.max(...scores.map((s) => s.total)),
  };
}

/** 60 / the median inter-beat interval, BPM; undefined with fewer than two beats. */
export function mainTempo(beats: readonly number[]): number | undefined {
  if (beats.length < 2) return undefined;
  const intervals = beats
    .slice(1)
    .map((b, i) => b - beats[i]!)
    .sort((a, b) => a - b);
  const mid = intervals.length >> 1;
  const median = intervals.length % 2 ? intervals[mid]! : (intervals[mid - 1]! + intervals[mid]!) / 2;
  return median > 0 ? 60 / median : undefined;
}

/** Acc1: estimate within `tolerance` (relative) of the reference; Acc2: or of ×2, ×½, ×3, ×⅓ it. */
export function tempoAccuracy(
  estimatedBpm: number | undefined,
  referenceBpm: number | undefined,
  tolerance = 0.04,
): { acc1: boolean; acc2: boolean } {
  if (!estimatedBpm || !referenceBpm) return { acc1: false, acc2: false };
  const near = (factor: number) =>
    Math.abs(estimatedBpm - referenceBpm * factor) <= tolerance * referenceBpm * factor;
  return { acc1: near(1), acc2: [1, 2, 1 / 2, 3, 1 / 3].some(near) };
}

export interface ConstantGrid {
  /** Share of the beats within `withinS` of the least-squares line time = a + b · index. */
  share: number;
  /** The fitted tempo, 60 / b. */
  bpm: number;
  /** Largest distance of a beat from the line, seconds. */
  maxDeviation: number;
}

/**
 * How well one constant tempo explains a beat sequence: fits beat time against beat index by least
 * squares and counts the beats within `withinS` (default 40 ms) of the line. A steady song charted
 * with one BPM scores 1; a chart that follows a tempo change scores what the best compromise
 * explains. Undefined with fewer than two beats.
 */
export function constantGridShare(beats: readonly number[], withinS = 0.04): ConstantGrid | undefined {
  const n = beats.length;
  if (n < 2) return undefined;
  const meanI = (n - 1) / 2;
  const meanT = beats.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - meanI) * (beats[i]! - meanT);
    sxx += (i - meanI) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = meanT - slope * meanI;
  let within = 0;
  let maxDeviation = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(beats[i]! - (intercept + slope * i));
    if (d <= withinS) within++;
    maxDeviation = Math.max(maxDeviation, d);
  }
  return { share: within / n, bpm: 60 / slope, maxDeviation };
}

export interface GridScores {
  beatF: number;
  cmlt: number;
  amlt: number;
  cmlc: number;
  amlc: number;
  acc1: boolean;
  acc2: boolean;
  referenceBpm: number | undefined;
  estimatedBpm: number | undefined;
  /** Undefined when the reference marks no downbeats. */
  downbeatF: number | undefined;
  /** Share of the chart's beats over the annotated span within 40 ms of one constant grid. */
  constantGrid: number | undefined;
}

export interface BeatSequence {
  /** Beat times, seconds, increasing. */
  beats: readonly number[];
  /** Bar starts, seconds, increasing (a subset of `beats`); empty when not annotated. */
  downbeats: readonly number[];
}

/**
 * Scores an estimated beat grid against a reference over the reference's span: estimated beats
 * after the last reference beat (+ the 70 ms window) are dropped first — a chart's grid runs on to
 * the end of the file, an annotation stops with the music. Beat, continuity and downbeat scores
 * ignore beats before `skipS` (5 s) on both sides; tempo and the constant grid use the whole span.
 */
export function scoreGrid(
  reference: BeatSequence,
  estimate: BeatSequence,
  options: { window?: number; skipS?: number; gridWithinS?: number } = {},
): GridScores {
  const window = options.window ?? 0.07;
  const skip = options.skipS ?? 5;
  const first = reference.beats[0] ?? 0;
  const last = reference.beats.at(-1) ?? 0;
  const inSpan = (t: number) => t >= first - window && t <= last + window;
  const estBeats = estimate.beats.filter(inSpan);
  const refTrim = trimBeats(reference.beats, skip);
  const estTrim = trimBeats(estBeats, skip);
  const c = continuity(refTrim, estTrim);
  const referenceBpm = mainTempo(reference.beats);
  const estimatedBpm = mainTempo(estBeats);
  const refDown = trimBeats(reference.downbeats, skip);
  return {
    beatF: beatFMeasure(refTrim, estTrim, window),
    ...c,
    ...tempoAccuracy(estimatedBpm, referenceBpm),
    referenceBpm,
    estimatedBpm,
    downbeatF: reference.downbeats.length
      ? beatFMeasure(refDown, trimBeats(estimate.downbeats.filter(inSpan), skip), window)
      : undefined,
    constantGrid: constantGridShare(estBeats, options.gridWithinS ?? 0.04)?.share,
  };
}

/** "time<whitespace>bar position" lines (MDB Drums' format; position 1 = downbeat). */
export function readBeats(text: string): BeatSequence {
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (const line of text.split("\n")) {
    const [time, position] = line.trim().split(/\s+/);
    if (!time) continue;
    const t = Number(time);
    if (!Number.isFinite(t)) continue;
    beats.push(t);
    if (position !== undefined && Number(position) === 1) downbeats.push(t);
  }
  return { beats, downbeats };
}

const compound = (ts: { numerator: number; denominator: number }) =>
  ts.denominator === 8 && ts.numerator % 3 === 0 && ts.numerator >= 6;

/**
 * The beats and bar starts a chart's Timing draws, from its Offset to `endMs`: whole quarter-note
 * beats (TempoMap.beatToMs(k)), or dotted quarters within 6/8, 9/8 and 12/8 bars, and 8ths in other
 * x/8 bars; a bar that ends between beats starts the next one there. Downbeats: bar starts, except
 * the start of a short first bar (the chart's pickup).
 */
export function chartGrid(timing: Timing, endMs: number): BeatSequence {
  const map = TempoMap.fromTiming(timing);
  const beats: number[] = [];
  const downbeats: number[] = [];
  let beat = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const ms = map.beatToMs(beat);
    if (ms > endMs) break;
    const { inMeasure, measureBeats } = map.measurePosition(beat);
    const atBar = inMeasure < 1e-6 || measureBeats - inMeasure < 1e-6;
    // A short first bar is a pickup: its start is no downbeat.
    const pickup = beat === 0 && map.measurePosition(measureBeats).measureBeats > measureBeats + 1e-9;
    beats.push(ms / 1000);
    if (atBar && !pickup) downbeats.push(ms / 1000);
    const segment = map.segments.findLast((s) => s.beat <= beat + 1e-9) ?? map.segments[0]!;
    const unit = compound(segment.ts) ? 1.5 : 4 / segment.ts.denominator;
    const toBarEnd = atBar ? measureBeats : measureBeats - inMeasure;
    beat += Math.min(unit, toBarEnd);
  }
  return { beats, downbeats };
}
