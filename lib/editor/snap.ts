// Snapping to the chart's own timing map. A divisor d means d grid lines per quarter-note beat:
// 1, 2, 4, 8, 16 are straight (1/4 … 1/64 notes), 3, 6, 12 are triplets. All positions go through
// TempoMap, so the grid follows every BPM change and time-signature change in the chart.
import type { TempoMap } from "../beatmap/tempo.ts";

export const SNAP_DIVISORS = [1, 2, 3, 4, 6, 8, 12, 16] as const;
export type SnapDivisor = (typeof SNAP_DIVISORS)[number];

export function isSnapDivisor(value: number): value is SnapDivisor {
  return (SNAP_DIVISORS as readonly number[]).includes(value);
}

/** "1/4", "1/3 (triplets)": how the divisor reads in the UI (fractions of a beat). */
export function snapLabel(d: SnapDivisor): string {
  const triplet = d % 3 === 0;
  return `1/${d}${triplet ? " (triplet)" : ""}`;
}

/** The next finer (+1) or coarser (−1) divisor, staying at the ends. */
export function stepDivisor(d: SnapDivisor, dir: 1 | -1): SnapDivisor {
  const i = SNAP_DIVISORS.indexOf(d);
  return SNAP_DIVISORS[Math.max(0, Math.min(SNAP_DIVISORS.length - 1, i + dir))]!;
}

/** Grid steps are compared with this tolerance (beats) so float noise never skips a line. */
const EPS = 1e-6;

/** The grid line nearest to `ms`. */
export function snapMs(tempo: TempoMap, ms: number, d: SnapDivisor): number {
  return tempo.beatToMs(Math.round(tempo.msToBeat(ms) * d) / d);
}

/** The next grid line after (dir 1) or before (dir −1) `ms`; an off-grid time goes to the nearest line that way. */
export function stepMs(tempo: TempoMap, ms: number, d: SnapDivisor, dir: 1 | -1): number {
  const steps = tempo.msToBeat(ms) * d;
  const target = dir > 0 ? Math.floor(steps + EPS) + 1 : Math.ceil(steps - EPS) - 1;
  return tempo.beatToMs(target / d);
}

/**
 * How far to move a group dragged by `rawDeltaMs` so that its anchor note lands on the grid.
 * The group keeps its shape; only the anchor is snapped.
 */
export function snappedDelta(tempo: TempoMap, anchorMs: number, rawDeltaMs: number, d: SnapDivisor): number {
  return snapMs(tempo, anchorMs + rawDeltaMs, d) - anchorMs;
}

export type GridKind = "bar" | "beat" | "sub";

export interface GridLine {
  ms: number;
  kind: GridKind;
}

/** Grid lines in [fromMs, toMs] at divisor d (bars and beats marked), at most `max` of them. */
export function gridBetween(
  tempo: TempoMap,
  fromMs: number,
  toMs: number,
  d: SnapDivisor,
  max = 5000,
): GridLine[] {
  const out: GridLine[] = [];
  if (!(toMs >= fromMs)) return out;
  let step = Math.ceil(tempo.msToBeat(fromMs) * d - EPS);
  for (; out.length < max; step++) {
    const beat = step / d;
    const ms = tempo.beatToMs(beat);
    if (ms > toMs + 1e-6) break;
    const onBeat = Math.abs(beat - Math.round(beat)) < EPS;
    let kind: GridKind = onBeat ? "beat" : "sub";
    if (onBeat) {
      const { inMeasure, measureBeats } = tempo.measurePosition(Math.round(beat));
      if (inMeasure < EPS || measureBeats - inMeasure < EPS) kind = "bar";
    }
    out.push({ ms, kind });
  }
  return out;
}
