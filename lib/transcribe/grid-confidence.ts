// How sure a chart can be of a tempo section's grid. Two things can be wrong with a grid: it may
// not follow the music (beats off the hits), or it may follow it at the wrong metrical level (a
// 4:3 or 2:1 error, the off-beat) while fitting the hits perfectly well. So a section's confidence
// is the share of its beats that land on a hit, times the margin by which its grid beats every
// metrical neighbour (tempo ×2, ×½, ×4⁄3, ×¾, ×3⁄2, ×⅔, another meter, the off-beat) under the
// same pattern scores the decoder used (meters.ts).
import type { GridHit } from "./bar-pointer.ts";
import { hitScore, METERS, type MeterName } from "./meters.ts";

export const LEVEL_RATIOS = [1, 2, 0.5, 3, 1 / 3, 4 / 3, 3 / 4, 3 / 2, 2 / 3] as const;
const ALTERNATIVE_METERS: readonly MeterName[] = ["4/4", "3/4", "6/8"];

export interface GridHypothesis {
  /** A bar line, ms. */
  barMs: number;
  /** Counted beat, ms. */
  beatMs: number;
  meter: MeterName;
}

export interface PriorOptions {
  /** The decoder's range of the counted beat in simple meters, BPM (neighbours stay inside it). */
  minBpm: number;
  maxBpm: number;
  priorBpm: number;
  priorOctaves: number;
  priorPerSecond: number;
}

/** Score per unit of evidence for a hit that recurs one bar later (a groove repeats by the bar). */
const REPEAT_SCORE = 0.5;
/** How close the recurring hit must be, ms. */
const REPEAT_WINDOW_MS = 35;

/**
 * Bonus per 4/4 bar with a snare on both 2 and 4. One backbeat per bar is what a double-time
 * reading gives (a half-bar "kick, snare" with the 8th-note kicks on 1 and 4), and its hits score
 * as well as the true reading's one by one; the full backbeat is what drummers count by.
 */
const FULL_BACKBEAT_SCORE = 1;

/** Hits grouped by role and sorted by time, for `repeats`. */
export function byRole(hits: readonly GridHit[]): Map<GridHit["role"], number[]> {
  const out = new Map<GridHit["role"], number[]>();
  for (const h of hits) out.set(h.role, [...(out.get(h.role) ?? []), h.timeMs]);
  for (const times of out.values()) times.sort((a, b) => a - b);
  return out;
}

function hasNear(sorted: readonly number[], t: number, window: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t - window) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! <= t + window;
}

/**
 * Pattern score of a steady grid over some hits, minus the decoder's tempo and meter prior, plus
 * a bonus for each hit that recurs a bar later: a groove repeats by the bar, so a bar of the wrong
 * length (a 4:3 or 3:2 level, 4/4 over a 6/8 groove) loses it even where each hit lands on a line.
 */
export function gridScore(
  h: GridHypothesis,
  hits: readonly GridHit[],
  spanMs: number,
  prior: PriorOptions,
  roles: Map<GridHit["role"], number[]> = byRole(hits),
): number {
  const m = METERS[h.meter];
  const barMs = m.beats * h.beatMs;
  let score = 0;
  // Per bar: bit 1 a snare on 2, bit 2 a snare on 4.
  const backbeats = new Map<number, number>();
  for (const hit of hits) {
    const x = (hit.timeMs - h.barMs) / h.beatMs;
    const phase = ((x % m.beats) + m.beats) % m.beats;
    score += hit.weight * hitScore(hit.role, phase, m, h.beatMs);
    if (hasNear(roles.get(hit.role)!, hit.timeMs + barMs, REPEAT_WINDOW_MS))
      score += REPEAT_SCORE * hit.weight;
    if (hit.role === "snare" && m.beats === 4) {
      const beat = Math.round(phase);
      if ((beat === 1 || beat === 3) && Math.abs(phase - beat) * h.beatMs <= REPEAT_WINDOW_MS) {
        const bar = Math.floor(x / 4);
        backbeats.set(bar, (backbeats.get(bar) ?? 0) | (beat === 1 ? 1 : 2));
      }
    }
  }
  for (const mask of backbeats.values()) if (mask === 3) score += FULL_BACKBEAT_SCORE;
  const scale = m.compound ? 2 / 3 : 1;
  const d = Math.log2(60_000 / h.beatMs / (prior.priorBpm * scale)) / prior.priorOctaves;
  return score - (spanMs / 1000) * (prior.priorPerSecond * 0.5 * d * d + m.costPerSecond);
}

/**
 * The grid's metrical neighbours: other tempos and off-beat placements, in any meter. Not grids with
 * the same beats (the bar line on another beat, another grouping of the same beats): those are
 * the questions of the downbeat and the meter (bar numbers, notation), not whether the beat is
 * right; a rock beat without crashes cannot tell 1 from 3, nor a shuffle 4/4 from 12/8.
 */
export function neighbours(h: GridHypothesis, range?: { minBpm: number; maxBpm: number }): GridHypothesis[] {
  const out: GridHypothesis[] = [];
  const chosen = METERS[h.meter];
  for (const meter of ALTERNATIVE_METERS) {
    const m = METERS[meter];
    for (const r of LEVEL_RATIOS) {
      // Compare counted beats of the same length of music: a 6/8 beat holds three 8ths.
      const beatMs = (h.beatMs / r) * (m.compound === chosen.compound ? 1 : m.compound ? 1.5 : 2 / 3);
      const bpm = (60_000 / beatMs) * (m.compound ? 1.5 : 1);
      if (range && (bpm < range.minBpm || bpm > range.maxBpm)) continue;
      const barLength = m.beats * beatMs;
      const step = Math.min(h.beatMs, beatMs) / 4;
      for (let phase = 0; phase < barLength - 1e-6; phase += step) {
        const beats = phase / h.beatMs;
        const sameBeats =
          Math.abs(beatMs / h.beatMs - 1) < 1e-9 && Math.abs(beats - Math.round(beats)) < 1e-6;
        if (!sameBeats) out.push({ barMs: h.barMs + phase, beatMs, meter });
      }
    }
  }
  return out;
}

/** The chosen grid's score, and its best-scoring metrical neighbour. */
export function bestNeighbour(
  chosen: GridHypothesis,
  hits: readonly GridHit[],
  spanMs: number,
  prior: PriorOptions,
): { own: number; rival: GridHypothesis | undefined; rivalScore: number } {
  const roles = byRole(hits);
  const own = gridScore(chosen, hits, spanMs, prior, roles);
  let rival: GridHypothesis | undefined;
  let rivalScore = Number.NEGATIVE_INFINITY;
  for (const n of neighbours(chosen, prior)) {
    const s = gridScore(n, hits, spanMs, prior, roles);
    if (s > rivalScore) {
      rivalScore = s;
      rival = n;
    }
  }
  return { own, rival, rivalScore };
}

export interface SectionConfidence {
  confidence: number;
  /** How clearly the grid beats its best neighbour, 0–1 (0.5 a tie). */
  level: number;
  /** Share of beats with a hit that sit within 20 ms of the grid. */
  fitShare: number;
  /** Beats with a hit under them: under 4, the section says too little to judge itself. */
  supported: number;
  /** Chosen grid's score minus the best neighbour's, per unit of evidence. */
  margin: number;
  /** The best neighbour (diagnostics). */
  rival: GridHypothesis | undefined;
}

/** Per-hit margin at which the metrical level counts as settled. */
const SETTLED_MARGIN = 0.12;

export function sectionConfidence(
  chosen: GridHypothesis,
  hits: readonly GridHit[],
  pinned: readonly { gridMs: number; observedMs: number | undefined; weight: number }[],
  spanMs: number,
  prior: PriorOptions,
): SectionConfidence {
  let near = 0;
  let supported = 0;
  for (const b of pinned) {
    if (b.observedMs === undefined) continue;
    supported++;
    if (Math.abs(b.observedMs - b.gridMs) <= 20) near++;
  }
  // Few beats with a hit under them: the grid is a guess whatever it scores.
  const fitShare = supported >= 4 ? near / supported : 0.3;
  const evidence = hits.reduce((s, h) => s + h.weight, 0);
  if (evidence <= 0)
    return { confidence: 0.3 * fitShare, level: 0.3, fitShare, supported, margin: 0, rival: undefined };
  const { own, rival, rivalScore } = bestNeighbour(chosen, hits, spanMs, prior);
  const margin = (own - rivalScore) / evidence;
  const level = Math.max(0, Math.min(1, 0.5 + (0.5 * margin) / SETTLED_MARGIN));
  return {
    confidence: Math.round(fitShare * level * 1000) / 1000,
    level,
    fitShare,
    supported,
    margin,
    rival,
  };
}
