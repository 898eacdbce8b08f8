// Timeline geometry: time runs left to right, lanes are rows under a ruler. Pure, so hit tests,
// culling and box selection are unit-tested without a canvas.
import { LANE_COUNT } from "../beatmap/lanes.ts";
import type { EditorNote } from "./document.ts";

export interface Viewport {
  /** Song ms at the left edge. */
  startMs: number;
  pxPerMs: number;
  /** CSS pixels. */
  width: number;
  height: number;
  /** The strip on top with times, the playhead handle and comment markers. */
  rulerHeight: number;
}

export const MIN_PX_PER_MS = 0.02;
export const MAX_PX_PER_MS = 2;

export function laneHeight(vp: Viewport): number {
  return Math.max(1, (vp.height - vp.rulerHeight) / LANE_COUNT);
}

export const msToX = (vp: Viewport, ms: number): number => (ms - vp.startMs) * vp.pxPerMs;
export const xToMs = (vp: Viewport, x: number): number => vp.startMs + x / vp.pxPerMs;
export const endMsOf = (vp: Viewport): number => xToMs(vp, vp.width);

export function laneY(vp: Viewport, lane: number): number {
  return vp.rulerHeight + (lane + 0.5) * laneHeight(vp);
}

/** The lane under y, or null on the ruler. */
export function laneAt(vp: Viewport, y: number): number | null {
  if (y < vp.rulerHeight) return null;
  return Math.max(0, Math.min(LANE_COUNT - 1, Math.floor((y - vp.rulerHeight) / laneHeight(vp))));
}

/** Index of the first note at or after `ms` (notes sorted by time). */
export function lowerBound(notes: readonly { Time: number }[], ms: number): number {
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (notes[mid]!.Time < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [from, to) of notes drawn in the viewport (with a margin for the note's radius). */
export function visibleRange(
  notes: readonly { Time: number }[],
  vp: Viewport,
  marginPx = 12,
): [number, number] {
  const margin = marginPx / vp.pxPerMs;
  return [lowerBound(notes, vp.startMs - margin), lowerBound(notes, endMsOf(vp) + margin)];
}

/** Note radius in px: readable when zoomed out, not huge when zoomed in. */
export function noteRadius(vp: Viewport): number {
  return Math.max(4, Math.min(9, laneHeight(vp) * 0.32));
}

/** The note under a point, the nearest in time if several (pointer on the timeline). */
export function hitTest(notes: readonly EditorNote[], vp: Viewport, x: number, y: number): EditorNote | null {
  const lane = laneAt(vp, y);
  if (lane === null) return null;
  const r = noteRadius(vp) + 3;
  const ms = xToMs(vp, x);
  const slack = r / vp.pxPerMs;
  let best: EditorNote | null = null;
  for (let i = lowerBound(notes, ms - slack); i < notes.length; i++) {
    const n = notes[i]!;
    if (n.Time > ms + slack) break;
    if (n.Lane !== lane) continue;
    if (!best || Math.abs(n.Time - ms) < Math.abs(best.Time - ms)) best = n;
  }
  return best;
}

/** Keeps `ms` on screen: returns the new start, paging forward or back when it leaves the view. */
export function follow(vp: Viewport, ms: number, edge = 0.85): number {
  const span = vp.width / vp.pxPerMs;
  if (ms < vp.startMs || ms > vp.startMs + span * edge) return Math.max(0, ms - span * 0.15);
  return vp.startMs;
}

/** Zooms by `factor` keeping the time under `anchorX` in place. */
export function zoom(vp: Viewport, factor: number, anchorX: number): Viewport {
  const pxPerMs = Math.max(MIN_PX_PER_MS, Math.min(MAX_PX_PER_MS, vp.pxPerMs * factor));
  const anchorMs = xToMs(vp, anchorX);
  return { ...vp, pxPerMs, startMs: Math.max(0, anchorMs - anchorX / pxPerMs) };
}
