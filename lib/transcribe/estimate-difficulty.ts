// A 1–10 difficulty from what makes drum parts hard to play: how many notes per second at the
// busiest moments (not the average, which quiet intros dilute), the fastest single limb, and how
// many different drums the hands move between. Calibrated so that a straight 8th-note rock beat
// at 120 BPM is about 3.3 and 16th-note double bass under 8th hi-hats at 180 BPM about 9.5.
import { type HitObject, LANE_COUNT } from "../beatmap/index.ts";

export interface DifficultyEstimate {
  /** 1–10, one decimal. */
  value: number;
  /** Notes per second in the busiest 10 % of 2-second windows. */
  peakNotesPerSecond: number;
  /** Fastest single lane, notes per second over 1-second windows. */
  peakLaneNotesPerSecond: number;
  /** Fastest kick, notes per second (double bass raises it). */
  peakKickNotesPerSecond: number;
  /** Lanes with at least 2 % of the notes. */
  lanesUsed: number;
}

function windowRates(times: readonly number[], windowMs: number): number[] {
  const rates: number[] = [];
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    rates.push(((end - start + 1) * 1000) / windowMs);
  }
  return rates;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

export function estimateDifficulty(notes: readonly HitObject[]): DifficultyEstimate {
  if (notes.length === 0) {
    return {
      value: 1,
      peakNotesPerSecond: 0,
      peakLaneNotesPerSecond: 0,
      peakKickNotesPerSecond: 0,
      lanesUsed: 0,
    };
  }
  const times = notes.map((n) => n.Time).sort((a, b) => a - b);
  const peakNotesPerSecond = percentile(windowRates(times, 2000), 0.9);
  let peakLaneNotesPerSecond = 0;
  let lanesUsed = 0;
  for (let lane = 0; lane < LANE_COUNT; lane++) {
    const laneTimes = notes.filter((n) => n.Lane === lane).map((n) => n.Time);
    if (laneTimes.length >= 0.02 * notes.length) lanesUsed++;
    peakLaneNotesPerSecond = Math.max(peakLaneNotesPerSecond, percentile(windowRates(laneTimes, 1000), 0.95));
  }
  const kickTimes = notes.filter((n) => n.Component === "kick").map((n) => n.Time);
  const peakKickNotesPerSecond = percentile(windowRates(kickTimes, 1000), 0.95);
  const load =
    0.3 * peakNotesPerSecond +
    0.1 * peakLaneNotesPerSecond +
    0.12 * peakKickNotesPerSecond +
    0.4 * Math.max(0, lanesUsed - 3);
  const value = Math.round(Math.min(10, Math.max(1, 1 + load)) * 10) / 10;
  return { value, peakNotesPerSecond, peakLaneNotesPerSecond, peakKickNotesPerSecond, lanesUsed };
}
