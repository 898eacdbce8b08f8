// Meters and the drum-pattern evidence that tells them (and the metrical level) apart.
//
// Periodicity alone cannot choose the level a drummer counts: a groove at 140 BPM repeats just as
// well every dotted 8th (187 BPM, a 4:3 error) or every half note (70 BPM). Drummers and charts
// agree on conventions instead: hits fall on a grid of beats and their 8th/16th (or, in compound
// and swung time, triplet) subdivisions; the snare backbeat is on 2 and 4, the kick leads on 1, a
// crash opens a phrase. Each meter here scores a hit by where it falls in the bar under those
// conventions. The bar-pointer decoder (bar-pointer.ts) sums these scores along every possible
// path of tempo and bar position; section confidence (grid-confidence.ts) compares the chosen grid
// with its metrical neighbours under the same scores.
import type { Component } from "../beatmap/index.ts";

export type MeterName = "4/4" | "3/4" | "2/4" | "6/8" | "12/8";

export interface Meter {
  name: MeterName;
  /** Counted beats per bar (6/8: two dotted-quarter beats). */
  beats: number;
  /** Quarter notes per counted beat: 1, or 1.5 in compound time (the chart's BPM counts quarters). */
  quartersPerBeat: number;
  /** Subdivision of the beat: simple (8ths and 16ths) or compound (three 8ths). */
  compound: boolean;
  /** Prior cost per second of music in this meter (4/4 is the common case; 2/4 only as odd bars). */
  costPerSecond: number;
}

export const METERS: Readonly<Record<MeterName, Meter>> = {
  "4/4": { name: "4/4", beats: 4, quartersPerBeat: 1, compound: false, costPerSecond: 0 },
  "3/4": { name: "3/4", beats: 3, quartersPerBeat: 1, compound: false, costPerSecond: 0.25 },
  "6/8": { name: "6/8", beats: 2, quartersPerBeat: 1.5, compound: true, costPerSecond: 0.4 },
  "2/4": { name: "2/4", beats: 2, quartersPerBeat: 1, compound: false, costPerSecond: 1.5 },
  // Not decoded (the decoder hears it as 4/4 with a swing): written where 4/4 rolls in triplets.
  "12/8": { name: "12/8", beats: 4, quartersPerBeat: 1.5, compound: true, costPerSecond: 0.4 },
};

/** What a hit tells about the grid, by the role its drum plays in a groove. */
export type Role = "kick" | "snare" | "hat" | "tom" | "crash";
export const ROLES: readonly Role[] = ["kick", "snare", "hat", "tom", "crash"];

export function roleOf(c: Component): Role {
  switch (c) {
    case "kick":
      return "kick";
    case "snare":
    case "snare_rimshot":
    case "snare_cross_stick":
      return "snare";
    case "crash":
    case "crash2":
    case "china":
    case "splash":
      return "crash";
    case "tom_high":
    case "tom_mid":
    case "tom_floor":
      return "tom";
    default:
      return "hat";
  }
}

/**
 * How much a hit of each role counts toward the grid at all: kick and snare carry the pulse; a
 * hi-hat or ride subdivides it and, counted fully, would pull the grid to double time.
 */
const ROLE_WEIGHT: Readonly<Record<Role, number>> = { kick: 1, snare: 1, hat: 0.5, tom: 0.6, crash: 0.8 };

/**
 * Score of a hit on a beat, an 8th, a 16th, a rarer line (a triplet in simple time, the duplet
 * "and" in compound time), and off every grid line. Kick, snare and toms say which level is the
 * beat; a hi-hat or ride keeps the subdivision, so it says little about the level (counted like a
 * kick, steady 8ths on the hat would pull every grid to double time) but still marks the grid.
 */
const LEVEL_SCORE: Readonly<Record<"pulse" | "backbeat" | "subdivision", Record<Level, number>>> = {
  pulse: { beat: 0.4, eighth: 0.2, sixteenth: 0, rare: -0.1, off: -0.6 },
  // The snare's strong strokes are on beats and 8ths; on a 16th it is a ghost note, rarely alone.
  backbeat: { beat: 0.4, eighth: 0.2, sixteenth: -0.1, rare: -0.1, off: -0.6 },
  subdivision: { beat: 0.25, eighth: 0.2, sixteenth: 0.1, rare: 0, off: -0.4 },
};
type Level = "beat" | "eighth" | "sixteenth" | "rare" | "off";

/**
 * Timing spread of a played hit around its grid line: ms (a drummer, the model's frames) or, in
 * slow music, a share of the beat (the decoder's tempo states are a step apart, so a bar of a
 * slightly wrong tempo drifts by up to half a step per beat).
 */
export const HIT_SPREAD = { ms: 22, beats: 0.04 };

interface GridLine {
  /** Position within the beat, 0–1. */
  at: number;
  level: Level;
}

const SIMPLE_LINES: readonly GridLine[] = [
  { at: 0, level: "beat" },
  { at: 0.25, level: "sixteenth" },
  { at: 1 / 3, level: "rare" },
  { at: 0.5, level: "eighth" },
  { at: 2 / 3, level: "rare" },
  { at: 0.75, level: "sixteenth" },
  { at: 1, level: "beat" },
];
const COMPOUND_LINES: readonly GridLine[] = [
  { at: 0, level: "beat" },
  { at: 1 / 6, level: "sixteenth" },
  { at: 1 / 3, level: "eighth" },
  { at: 0.5, level: "rare" },
  { at: 2 / 3, level: "eighth" },
  { at: 5 / 6, level: "sixteenth" },
  { at: 1, level: "beat" },
];

/** Extra score of a role on beat `b` (0-based) of a bar: the backbeat convention. */
function patternScore(role: Role, b: number, m: Meter): number {
  const last = m.beats - 1;
  if (role === "crash") return b === 0 ? 1.6 : 0;
  if (role === "kick") {
    if (b === 0) return 1;
    return m.beats === 4 && b === 2 ? 0.5 : -0.25;
  }
  if (role === "snare") {
    if (b === 0) return -0.5;
    if (m.beats === 4) return b === 2 ? -0.5 : 1;
    if (m.beats === 3) return 0.4;
    return b === last ? 1 : 0;
  }
  return 0;
}

/**
 * Score of a hit of `role` at `phase` (in beats from the bar line, 0 ≤ phase < beats) of a bar of
 * meter `m` whose beat lasts `beatMs`. A hit within about HIT_SPREAD of a grid line scores that
 * line; farther from every line it scores "off".
 */
export function hitScore(role: Role, phase: number, m: Meter, beatMs: number): number {
  const b = Math.floor(phase);
  const within = phase - b;
  const lines = m.compound ? COMPOUND_LINES : SIMPLE_LINES;
  const levels = LEVEL_SCORE[role === "hat" ? "subdivision" : role === "snare" ? "backbeat" : "pulse"];
  const off = levels.off;
  const spread = Math.max(HIT_SPREAD.ms, HIT_SPREAD.beats * beatMs);
  let best = off;
  for (const line of lines) {
    const d = ((within - line.at) * beatMs) / spread;
    const near = Math.exp(-0.5 * d * d);
    if (near < 0.01) continue;
    const beat = line.at === 1 ? (b + 1) % m.beats : b;
    let value = levels[line.level];
    if (line.level === "beat") value += patternScore(role, beat, m);
    const s = off + near * (value - off);
    if (s > best) best = s;
  }
  return ROLE_WEIGHT[role] * best;
}
