// Snapping suggestions on the chart's own tempo map. Notes are never moved by default: a
// transcription that is 6 ms early may be a drummer pushing the beat, and only the user (or a
// caller with a tolerance) decides it is an error.
import { compareHitObjects, type HitObject, TempoMap, type Timing } from "../beatmap/index.ts";

/** Notes per beat: 1/4, 1/8, 1/8 triplet, 1/16, 1/16 triplet. */
export const DEFAULT_SNAP_DIVISORS: readonly number[] = [1, 2, 3, 4, 6];

export interface SnapSuggestion {
  /** Index of the note in the array given. */
  index: number;
  timeMs: number;
  /** The nearest grid line, ms. */
  gridMs: number;
  /** gridMs − timeMs: positive means the note is early. */
  deltaMs: number;
  /** Beats since the chart's Offset at the grid line. */
  beat: number;
  /** The coarsest divisor whose grid holds that line (1 = on the beat, 3 = a triplet …). */
  divisor: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The nearest grid line for every note, on the grids of `divisors` notes per beat. */
export function suggestSnaps(
  notes: readonly { Time: number }[],
  timing: Timing,
  divisors: readonly number[] = DEFAULT_SNAP_DIVISORS,
): SnapSuggestion[] {
  const tempo = TempoMap.fromTiming(timing);
  const sorted = [...divisors].sort((a, b) => a - b);
  return notes.map((note, index) => {
    const beat = tempo.msToBeat(note.Time);
    let best: SnapSuggestion | undefined;
    for (const d of sorted) {
      const steps = Math.round(beat * d);
      const gridMs = tempo.beatToMs(steps / d);
      const deltaMs = gridMs - note.Time;
      if (!best || Math.abs(deltaMs) < Math.abs(best.deltaMs) - 1e-6) {
        const g = gcd(Math.abs(steps), d);
        best = { index, timeMs: note.Time, gridMs, deltaMs, beat: steps / d, divisor: d / (g || d) };
      }
    }
    return best!;
  });
}

/**
 * Moves the notes whose suggestion is within `toleranceMs` onto their grid line; the others stay
 * where they were played. Two notes of one lane snapped onto the same line become one (the more
 * confident, else the louder). Returns a new, sorted array.
 */
export function applySnaps(
  notes: readonly HitObject[],
  suggestions: readonly SnapSuggestion[],
  toleranceMs: number,
): HitObject[] {
  const out = notes.map((n) => ({ ...n }));
  for (const s of suggestions) {
    const note = out[s.index];
    if (note && Math.abs(s.deltaMs) <= toleranceMs)
      note.Time = Math.max(0, Math.round(s.gridMs * 1000) / 1000);
  }
  out.sort(compareHitObjects);
  const kept: HitObject[] = [];
  for (const note of out) {
    const clash = kept.findLastIndex((k) => k.Time === note.Time && k.Lane === note.Lane);
    if (clash < 0) kept.push(note);
    else if (strength(note) > strength(kept[clash]!)) kept[clash] = note;
  }
  return kept;
}

const strength = (h: HitObject) => (h.Confidence ?? 1) * 10 + h.Velocity;
