// From decoded beats to a tempo map a drummer can trust: steady by default. Most music is
// produced at one tempo (or a few), and a chart that writes every tracked wobble as a tempo point
// makes the metronome, bar loops and exports worse than the truth. So each beat is first pinned to
// the hit that marks it, then the beats are split into the fewest sections of one constant tempo
// that explain them within about ±20 ms (a least-squares line per section, so the tempo and
// offset come from the whole section, to well under a millisecond on a steady song). Only where no
// constant tempo fits for a couple of bars (rubato, a ritardando) does each beat get its own point,
// from a smoothed curve rather than from each jittery hit.
import type { GridHit } from "./bar-pointer.ts";

export interface SectionOptions {
  /** A section is steady while the weighted RMS distance of its beats to one line is at most this, ms. */
  rmsToleranceMs?: number;
  /** Fewest beats in a steady section (shorter stretches that move are written beat by beat). */
  minSteadyBeats?: number;
  /** Cost of one steady section, and of one beat written on its own (DP units). */
  sectionCost?: number;
  movingBeatCost?: number;
  /** How far from a beat a hit may be to pin it: ms, and share of the beat. */
  pinMs?: number;
  pinBeats?: number;
  /** A section's line may be at most this far from the decoded beats at its ends, ms. */
  endToleranceMs?: number;
  /**
   * Largest tempo difference between a steady section's two halves (relative): a ramp fits a line
   * within the RMS tolerance over a few bars, but it is not one tempo.
   */
  maxHalfDrift?: number;
}

export const SECTION_DEFAULTS: Required<SectionOptions> = {
  rmsToleranceMs: 11,
  minSteadyBeats: 8,
  sectionCost: 10,
  movingBeatCost: 4,
  pinMs: 70,
  pinBeats: 0.12,
  endToleranceMs: 45,
  maxHalfDrift: 0.012,
};

/** Hits this close to each other are one stroke of the beat (kick and hi-hat on 1), ms. */
const TOGETHER_MS = 20;

/** How much a hit of each role says about where the beat is. */
const PIN_WEIGHT = { kick: 1, snare: 1, crash: 0.8, tom: 0.5, hat: 0.6 } as const;

export interface PinnedBeat {
  /** Where the decoder put the beat, ms. */
  decodedMs: number;
  /** The hit that marks it, ms (undefined: no hit near; the beat is carried by its neighbours). */
  observedMs: number | undefined;
  /** Fit weight (0: unsupported or an outlier). */
  weight: number;
}

/**
 * Pins each decoded beat to the most telling hit near it (the heaviest by role × confidence within
 * the pin window, nearer hits preferred) and the hits struck with it.
 */
export function pinBeats(
  beatsMs: readonly number[],
  hits: readonly GridHit[],
  options: SectionOptions = {},
): PinnedBeat[] {
  const o = { ...SECTION_DEFAULTS, ...options };
  const sorted = [...hits].sort((a, b) => a.timeMs - b.timeMs);
  let h = 0;
  return beatsMs.map((t, i) => {
    const period = i + 1 < beatsMs.length ? beatsMs[i + 1]! - t : i > 0 ? t - beatsMs[i - 1]! : 500;
    const window = Math.min(o.pinMs, o.pinBeats * period);
    while (h < sorted.length && sorted[h]!.timeMs < t - window) h++;
    let best: GridHit | undefined;
    let bestScore = 0;
    for (let k = h; k < sorted.length && sorted[k]!.timeMs <= t + window; k++) {
      const hit = sorted[k]!;
      const closeness = 1 - Math.abs(hit.timeMs - t) / (2 * window);
      const score = PIN_WEIGHT[hit.role] * hit.weight * closeness;
      if (score > bestScore) {
        bestScore = score;
        best = hit;
      }
    }
    if (!best) return { decodedMs: t, observedMs: undefined, weight: 0 };
    // Hits struck together mark the beat together: their weighted mean is steadier than any one.
    let sum = 0;
    let weight = 0;
    for (let k = h; k < sorted.length && sorted[k]!.timeMs <= t + window; k++) {
      const hit = sorted[k]!;
      if (Math.abs(hit.timeMs - best.timeMs) > TOGETHER_MS) continue;
      const w = PIN_WEIGHT[hit.role] * hit.weight;
      sum += w * hit.timeMs;
      weight += w;
    }
    return { decodedMs: t, observedMs: sum / weight, weight: Math.min(1, weight) };
  });
}

/** Weighted least-squares line y = a + b·x, built incrementally. */
export class LineFit {
  w = 0;
  x = 0;
  y = 0;
  xx = 0;
  xy = 0;
  yy = 0;
  add(x: number, y: number, w = 1): void {
    this.w += w;
    this.x += w * x;
    this.y += w * y;
    this.xx += w * x * x;
    this.xy += w * x * y;
    this.yy += w * y * y;
  }
  /** The line, or undefined with fewer than two distinct weighted points. */
  solve(): { a: number; b: number; at: (x: number) => number; sse: number } | undefined {
    const d = this.w * this.xx - this.x * this.x;
    if (!(this.w > 0) || !(Math.abs(d) > 1e-9 * Math.max(1, this.w * this.xx))) return undefined;
    const b = (this.w * this.xy - this.x * this.y) / d;
    const a = (this.y - b * this.x) / this.w;
    const sse = Math.max(0, this.yy - a * this.y - b * this.xy);
    return { a, b, at: (x) => a + b * x, sse };
  }
}

/** Prefix sums of a LineFit over beats, so any range's fit costs O(1). */
class PrefixFits {
  private readonly sums: Float64Array[];
  constructor(beats: readonly PinnedBeat[]) {
    const keys = 6;
    this.sums = Array.from({ length: keys }, () => new Float64Array(beats.length + 1));
    beats.forEach((b, i) => {
      const y = b.observedMs ?? 0;
      const w = b.observedMs === undefined ? 0 : b.weight;
      const v = [w, w * i, w * y, w * i * i, w * i * y, w * y * y];
      for (let k = 0; k < keys; k++) this.sums[k]![i + 1] = this.sums[k]![i]! + v[k]!;
    });
  }
  /** Fit of beats from..to inclusive. */
  fit(from: number, to: number): LineFit {
    const f = new LineFit();
    const s = this.sums;
    const at = (k: number) => s[k]![to + 1]! - s[k]![from]!;
    f.w = at(0);
    f.x = at(1);
    f.y = at(2);
    f.xx = at(3);
    f.xy = at(4);
    f.yy = at(5);
    return f;
  }
}

export interface TempoSection {
  /** First and last beat index (the last is the next section's first). */
  from: number;
  to: number;
  /** Steady: one tempo fitted over the section; moving: each beat its own tempo. */
  kind: "steady" | "moving";
  /** Weighted RMS distance of the pinned beats to the section's grid, ms (steady sections). */
  rmsMs: number;
}

export interface SectionFit {
  sections: TempoSection[];
  /** The grid: one time per beat, ms, on the fitted lines (steady) or the smoothed curve (moving). */
  beatsMs: number[];
  pinned: PinnedBeat[];
}

/** Splits pinned beats into steady and moving sections and computes the grid's beat times. */
export function fitSections(
  beatsMs: readonly number[],
  hits: readonly GridHit[],
  options: SectionOptions = {},
): SectionFit {
  const o = { ...SECTION_DEFAULTS, ...options };
  const pinned = pinBeats(beatsMs, hits, o);
  const n = pinned.length;
  if (n < 2) return { sections: [], beatsMs: [...beatsMs], pinned };
  const prefix = new PrefixFits(pinned);

  // best[j]: cheapest split of beats 0..j where j ends a section.
  const best = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n).fill(-1);
  const steady = new Uint8Array(n);
  best[0] = 0;
  const tol2 = o.rmsToleranceMs ** 2;
  // A clip shorter than two sections (a fill, a short groove) may be one section on its own.
  const minSteady = Math.max(3, Math.min(o.minSteadyBeats, n - 1));
  for (let j = 1; j < n; j++) {
    best[j] = best[j - 1]! + o.movingBeatCost;
    from[j] = j - 1;
    for (let i = j - minSteady; i >= 0; i--) {
      const f = prefix.fit(i, j);
      const line = f.solve();
      // Fewer than two trusted beats: the stretch is carried by whatever surrounds it.
      const mse = line ? line.sse / f.w : 0;
      if (line && mse > tol2) continue;
      // Beats without a hit join a section freely, but not ones the decoder put elsewhere (the
      // first beats after a tempo change can all be unsupported).
      if (
        line &&
        (Math.abs(line.at(i) - pinned[i]!.decodedMs) > o.endToleranceMs ||
          Math.abs(line.at(j) - pinned[j]!.decodedMs) > o.endToleranceMs)
      )
        continue;
      // (A whole clip under 12 beats, a fill, is one tempo unless the RMS says otherwise: its halves
      // measure the hits' jitter more than a tempo change.)
      const wholeShortClip = i === 0 && j === n - 1 && n < 12;
      if (line && !wholeShortClip && drifts(prefix, i, j, line.b, o.maxHalfDrift)) continue;
      const cost = best[i]! + o.sectionCost + (line ? mse / tol2 : 0);
      if (cost < best[j]!) {
        best[j] = cost;
        from[j] = i;
        steady[j] = 1;
      }
    }
  }
  const sections: TempoSection[] = [];
  for (let j = n - 1; j > 0; j = from[j]!) {
    const i = from[j]!;
    const line = prefix.fit(i, j).solve();
    sections.push({
      from: i,
      to: j,
      kind: steady[j] ? "steady" : "moving",
      rmsMs: line ? Math.sqrt(line.sse / prefix.fit(i, j).w) : 0,
    });
  }
  sections.reverse();
  mergeMoving(sections);
  return { sections, beatsMs: gridTimes(sections, pinned, prefix), pinned };
}

/** Whether the two halves of beats from..to have tempos further apart than `limit` (relative). */
function drifts(prefix: PrefixFits, from: number, to: number, period: number, limit: number): boolean {
  const mid = (from + to) >> 1;
  const first = prefix.fit(from, mid).solve();
  const second = prefix.fit(mid, to).solve();
  return first !== undefined && second !== undefined && Math.abs(second.b - first.b) > limit * period;
}

/** Joins neighbouring moving beats into one moving section. */
function mergeMoving(sections: TempoSection[]): void {
  for (let k = sections.length - 1; k > 0; k--) {
    const a = sections[k - 1]!;
    const b = sections[k]!;
    if (a.kind === "moving" && b.kind === "moving") {
      a.to = b.to;
      sections.splice(k, 1);
    }
  }
}

/**
 * Beat times of the grid: steady sections on their fitted line (a section whose beats have no hit
 * to fit, e.g. a break, on its neighbours' tempo); moving sections on a smoothed curve through
 * the pinned beats (a local line over ±2 beats).
 */
function gridTimes(
  sections: readonly TempoSection[],
  pinned: readonly PinnedBeat[],
  prefix: PrefixFits,
): number[] {
  const times = pinned.map((b) => b.observedMs ?? b.decodedMs);
  for (const s of sections) {
    if (s.kind === "steady") {
      const line = prefix.fit(s.from, s.to).solve();
      for (let k = s.from; k <= s.to; k++) times[k] = line ? line.at(k) : pinned[k]!.decodedMs;
    } else {
      for (let k = s.from; k <= s.to; k++) {
        const local = prefix.fit(Math.max(0, k - 2), Math.min(pinned.length - 1, k + 2)).solve();
        times[k] = local ? local.at(k) : pinned[k]!.decodedMs;
      }
    }
  }
  // A steady section's end is the next section's start: the later section's fit places it.
  for (let k = 1; k < sections.length; k++) {
    const s = sections[k]!;
    if (s.kind !== "steady") continue;
    const line = prefix.fit(s.from, s.to).solve();
    if (line) times[s.from] = line.at(s.from);
  }
  return times;
}
