// Hit windows and how they scale with the practice tempo. One definition for judge, UI and docs.

export type Judgment = "perfect" | "great" | "good" | "miss";
export const JUDGMENTS: readonly Judgment[] = ["perfect", "great", "good", "miss"];

export interface HitWindows {
  /** Half-widths in ms of the player's own (real) time: ±perfect, ±great, ±good; beyond is a miss. */
  perfect: number;
  great: number;
  good: number;
}

export const HIT_WINDOWS_MS: Readonly<HitWindows> = { perfect: 25, great: 50, good: 90 };

export const MIN_RATE = 0.25;
export const MAX_RATE = 1.5;

export function clampRate(rate: number): number {
  if (!Number.isFinite(rate)) return 1;
  return Math.min(MAX_RATE, Math.max(MIN_RATE, rate));
}

/**
 * Windows in chart (song) ms at a playback rate. The player's hands work in real time: at 50 % a
 * note 20 ms late in real time is only 10 ms late in song time, so the windows shrink in song time
 * and stay the same in real time — slowing down never makes timing looser or stricter to the ear.
 */
export function songWindows(rate: number, base: HitWindows = HIT_WINDOWS_MS): HitWindows {
  const r = clampRate(rate);
  return { perfect: base.perfect * r, great: base.great * r, good: base.good * r };
}

/** Classifies a timing error in real ms (sign ignored). */
export function classify(errorRealMs: number, windows: HitWindows = HIT_WINDOWS_MS): Judgment {
  const e = Math.abs(errorRealMs);
  if (e <= windows.perfect) return "perfect";
  if (e <= windows.great) return "great";
  if (e <= windows.good) return "good";
  return "miss";
}
