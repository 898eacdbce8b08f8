// Calibration maps fitted on held-out data (training/, the manifest's `calibration`): a peak's
// onset probability → the probability the note is real, and the velocity head's output → the
// played velocity (MIDI / 127), so a chart's ghost notes and accents land in the format's bands.
// Piecewise-linear and monotone (isotonic fits are), clamped outside the fitted range.
import type { Calibration, PiecewiseMap } from "./types.ts";

export const MIN_MAP_POINTS = 2;
export const MAX_MAP_POINTS = 32;

/**
 * Why a map is unusable, or null: 2–32 finite [x, y] points, x strictly increasing, y
 * non-decreasing and within 0–1 (both maps end in a probability or a velocity).
 */
export function piecewiseMapProblem(map: readonly (readonly number[])[]): string | null {
  if (map.length < MIN_MAP_POINTS || map.length > MAX_MAP_POINTS) {
    return `needs ${MIN_MAP_POINTS}–${MAX_MAP_POINTS} points, has ${map.length}`;
  }
  for (const [i, point] of map.entries()) {
    const [x, y] = point;
    if (point.length !== 2 || !Number.isFinite(x) || !Number.isFinite(y)) {
      return `point ${i} is not a pair of finite numbers`;
    }
    if (y! < 0 || y! > 1) return `point ${i} maps to ${y}, outside 0–1`;
    if (i === 0) continue;
    const [px, py] = map[i - 1]!;
    if (!(x! > px!)) return `x must increase strictly (point ${i}: ${x} after ${px})`;
    if (y! < py!) return `y must not decrease (point ${i}: ${y} after ${py})`;
  }
  return null;
}

/** The map at x: linear between points, the end values outside them. */
export function applyPiecewise(map: PiecewiseMap, x: number): number {
  const first = map[0]!;
  const last = map[map.length - 1]!;
  if (!(x > first[0])) return first[1];
  if (x >= last[0]) return last[1];
  let lo = 0;
  let hi = map.length - 1;
  // Binary search for the segment [lo, lo + 1] that holds x (maps have at most 32 points).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (map[mid]![0] <= x) lo = mid;
    else hi = mid;
  }
  const [x0, y0] = map[lo]!;
  const [x1, y1] = map[hi]!;
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/** The calibrated value of `raw` for a class, or undefined when the class has no map. */
export function calibrated(
  calibration: Calibration | undefined,
  kind: "confidence" | "velocity",
  className: string,
  raw: number,
): number | undefined {
  const map = calibration?.[kind]?.[className];
  return map ? applyPiecewise(map, raw) : undefined;
}
