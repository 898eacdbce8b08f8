// Tempo octave and bar phase from the drum pattern. Autocorrelation cannot tell 85 from 170 BPM,
// but drummers and charts agree on a convention: the snare backbeat falls on beats 2 and 4 and the
// kick leads on beat 1. So each candidate grid (as tracked, doubled, halved on either parity,
// shifted by half a beat) is scored by how well kicks and snares fit that convention, plus a prior
// that keeps drum-chart tempos in 70–180 BPM. With no kicks or snares, the prior alone decides.
import type { Component } from "../beatmap/index.ts";
import type { BeatTrack } from "./types.ts";

export interface MeterOptions {
  beatsPerBar?: number;
  /** Tempo range that costs nothing, BPM. */
  preferredMinBpm?: number;
  preferredMaxBpm?: number;
  /** Cost per squared octave outside the preferred range, in pattern-score units. */
  outsideRangeCost?: number;
  /** Evidence needed to restart the bar count mid-song (see `barStarts`). */
  barResetCost?: number;
}

export const METER_DEFAULTS: Required<MeterOptions> = {
  beatsPerBar: 4,
  preferredMinBpm: 70,
  preferredMaxBpm: 180,
  outsideRangeCost: 4,
  barResetCost: 4,
};

export interface PatternNote {
  timeMs: number;
  component: Component;
  /** Weight of the evidence (e.g. confidence × velocity). */
  weight: number;
}

type Octave = BeatTrack["octave"];

/** Candidate beat grids derived from the tracked beats. */
export function candidateGrids(beats: readonly number[]): { octave: Octave; beats: number[] }[] {
  const mids: number[] = [];
  for (let i = 0; i + 1 < beats.length; i++) mids.push((beats[i]! + beats[i + 1]!) / 2);
  const doubled: number[] = [];
  for (let i = 0; i < beats.length; i++) {
    doubled.push(beats[i]!);
    if (i < mids.length) doubled.push(mids[i]!);
  }
  // The tracker's last beat may be the bar's third; its fourth then lies half a period later.
  const n = beats.length;
  if (n >= 2) doubled.push(beats[n - 1]! + (beats[n - 1]! - beats[n - 2]!) / 2);
  return [
    { octave: "as-tracked", beats: [...beats] },
    { octave: "doubled", beats: doubled },
    { octave: "halved", beats: beats.filter((_, i) => i % 2 === 0) },
    { octave: "halved", beats: beats.filter((_, i) => i % 2 === 1) },
    { octave: "shifted", beats: mids },
  ];
}

/**
 * Fractional beat index of `ms` on a grid (linear between beats, extrapolated up to half a beat
 * beyond either end, so a hit played just ahead of the first beat still counts), or undefined.
 */
export function beatPosition(beats: readonly number[], ms: number): number | undefined {
  const last = beats.length - 1;
  if (last < 1) return undefined;
  if (ms < beats[0]!) {
    const x = (ms - beats[0]!) / (beats[1]! - beats[0]!);
    return x >= -0.5 ? x : undefined;
  }
  if (ms > beats[last]!) {
    const x = last + (ms - beats[last]!) / (beats[last]! - beats[last - 1]!);
    return x <= last + 0.5 ? x : undefined;
  }
  let lo = 0;
  let hi = beats.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (beats[mid]! <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo + (ms - beats[lo]!) / (beats[lo + 1]! - beats[lo]!);
}

/** Median tempo of a grid, BPM. */
export function medianBpm(beats: readonly number[]): number {
  const iois: number[] = [];
  for (let i = 0; i + 1 < beats.length; i++) iois.push(beats[i + 1]! - beats[i]!);
  iois.sort((a, b) => a - b);
  return iois.length ? 60_000 / iois[iois.length >> 1]! : 0;
}

const ON_BEAT = 0.12;

const isSnare = (c: Component) => c === "snare" || c === "snare_rimshot";
const isCrash = (c: Component) => c === "crash" || c === "crash2" || c === "china";
const isPatternComponent = (c: Component) => c === "kick" || isSnare(c) || isCrash(c);

/** How well a hit on bar position q (0 = beat 1) fits the backbeat convention. */
function positionScore(c: Component, q: number, beatsPerBar: number): number {
  const strong = q === 0;
  const half = beatsPerBar % 2 === 0 && q === beatsPerBar / 2;
  const back = q % 2 === 1;
  if (c === "kick") return strong ? 1 : half ? 0.5 : back ? -0.25 : 0;
  if (isSnare(c)) return back ? 1 : -0.5;
  // A crash on beat 1 is the strongest single cue for where a phrase (and so a bar) starts.
  return strong ? 2 : 0;
}

/**
 * Backbeat score of a grid at each bar phase, per unit of evidence: kick on 1 (+1) and 3 (+½),
 * snare on 2 and 4 (+1), crash on 1 (+2); a snare on 1 or 3 costs ½, a kick on 2 or 4 a quarter.
 * Off-beat notes are neutral (syncopation is normal), so a finer grid gains nothing by merely
 * containing them. Kick on 1 and 3 cannot tell beat 1 from beat 3; crashes (phrases start with
 * one) and, failing those, where the song starts (see `chooseMeter`) can.
 */
export function backbeatScores(
  beats: readonly number[],
  notes: readonly PatternNote[],
  beatsPerBar: number,
): { scores: number[]; evidence: number } {
  const scores = new Array<number>(beatsPerBar).fill(0);
  let evidence = 0;
  for (const n of notes) {
    if (!isPatternComponent(n.component)) continue;
    const x = beatPosition(beats, n.timeMs);
    if (x === undefined) continue;
    evidence += n.weight;
    const k = Math.round(x);
    if (Math.abs(x - k) > ON_BEAT) continue;
    for (let phase = 0; phase < beatsPerBar; phase++) {
      const q = (((k - phase) % beatsPerBar) + beatsPerBar) % beatsPerBar;
      scores[phase]! += positionScore(n.component, q, beatsPerBar) * n.weight;
    }
  }
  return { scores: evidence > 0 ? scores.map((s) => s / evidence) : scores, evidence };
}

function rangeCost(bpm: number, o: Required<MeterOptions>): number {
  if (!(bpm > 0)) return Number.POSITIVE_INFINITY;
  const below = Math.max(0, Math.log2(o.preferredMinBpm / bpm));
  const above = Math.max(0, Math.log2(bpm / o.preferredMaxBpm));
  return o.outsideRangeCost * (below + above) ** 2;
}

/** Grid index of the first on-beat kick or crash, if any. */
function openingBeat(beats: readonly number[], notes: readonly PatternNote[]): number | undefined {
  for (const n of notes) {
    if (n.component !== "kick" && n.component !== "crash" && n.component !== "crash2") continue;
    const x = beatPosition(beats, n.timeMs);
    if (x !== undefined && Math.abs(x - Math.round(x)) <= ON_BEAT) return Math.round(x);
  }
  return undefined;
}

/** Picks the grid and bar phase that best explain the pattern. */
export function chooseMeter(
  trackedBeats: readonly number[],
  notes: readonly PatternNote[],
  options: MeterOptions = {},
): BeatTrack {
  const o = { ...METER_DEFAULTS, ...options };
  let best: BeatTrack | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const candidate of candidateGrids(trackedBeats)) {
    if (candidate.beats.length < 2) continue;
    const bpm = medianBpm(candidate.beats);
    const { scores, evidence } = backbeatScores(candidate.beats, notes, o.beatsPerBar);
    // Without evidence, stay as tracked unless the prior objects; a shift needs evidence.
    if (evidence === 0 && candidate.octave === "shifted") continue;
    const tieBreak = candidate.octave === "as-tracked" ? 1e-6 : 0;
    const opening = openingBeat(candidate.beats, notes);
    for (let phase = 0; phase < o.beatsPerBar; phase++) {
      // Songs mostly start on a downbeat: a small bonus, enough to break a tie between 1 and 3.
      const startsBar = opening !== undefined && (opening - phase) % o.beatsPerBar === 0 ? 0.02 : 0;
      const score = scores[phase]! - rangeCost(bpm, o) + tieBreak + startsBar;
      if (score > bestScore) {
        bestScore = score;
        best = {
          beatsMs: candidate.beats,
          firstDownbeat: phase,
          downbeats: [],
          beatsPerBar: o.beatsPerBar,
          bpm,
          octave: candidate.octave,
        };
      }
    }
  }
  const chosen = best ?? {
    beatsMs: [...trackedBeats],
    firstDownbeat: 0,
    downbeats: [],
    beatsPerBar: o.beatsPerBar,
    bpm: medianBpm(trackedBeats),
    octave: "as-tracked" as const,
  };
  chosen.downbeats = barStarts(chosen.beatsMs, notes, o.beatsPerBar, chosen.firstDownbeat, o.barResetCost);
  chosen.firstDownbeat = chosen.downbeats[0] ?? chosen.firstDownbeat;
  return chosen;
}

/**
 * Bar starts along a grid, as indices. A Viterbi pass over bar positions: each beat advances the
 * position by one at no cost; restarting the bar anywhere else costs `resetCost` (in units of one
 * well-placed kick), so only several bars of contrary evidence move the bar line: an odd bar in
 * the song (a 2/4 bar before a chorus) or a beat the tracker inserted or dropped.
 */
export function barStarts(
  beats: readonly number[],
  notes: readonly PatternNote[],
  beatsPerBar: number,
  initialPhase: number,
  resetCost: number,
): number[] {
  const m = beats.length;
  if (m === 0) return [];
  const emission = Array.from({ length: m }, () => new Float64Array(beatsPerBar));
  for (const n of notes) {
    if (!isPatternComponent(n.component)) continue;
    const x = beatPosition(beats, n.timeMs);
    if (x === undefined) continue;
    const k = Math.round(x);
    if (Math.abs(x - k) > ON_BEAT || k < 0 || k >= m) continue;
    for (let q = 0; q < beatsPerBar; q++)
      emission[k]![q]! += positionScore(n.component, q, beatsPerBar) * n.weight;
  }
  // The globally best phase breaks ties at the start (a quarter of a kick's evidence).
  const startQ = (((0 - initialPhase) % beatsPerBar) + beatsPerBar) % beatsPerBar;
  let score = Array.from({ length: beatsPerBar }, (_, q) => emission[0]![q]! + (q === startQ ? 0.25 : 0));
  const back: Int8Array[] = [];
  for (let i = 1; i < m; i++) {
    let bestAll = 0;
    for (let q = 1; q < beatsPerBar; q++) if (score[q]! > score[bestAll]!) bestAll = q;
    const next = new Array<number>(beatsPerBar);
    const bk = new Int8Array(beatsPerBar);
    for (let q = 0; q < beatsPerBar; q++) {
      const prev = (q - 1 + beatsPerBar) % beatsPerBar;
      const stay = score[prev]!;
      const reset = score[bestAll]! - resetCost;
      bk[q] = stay >= reset ? prev : bestAll;
      next[q] = Math.max(stay, reset) + emission[i]![q]!;
    }
    back.push(bk);
    score = next;
  }
  let q = 0;
  for (let k = 1; k < beatsPerBar; k++) if (score[k]! > score[q]!) q = k;
  const positions = new Array<number>(m);
  positions[m - 1] = q;
  for (let i = m - 1; i > 0; i--) positions[i - 1] = back[i - 1]![positions[i]!]!;
  const starts: number[] = [];
  positions.forEach((p, i) => {
    if (p === 0) starts.push(i);
  });
  return starts;
}
