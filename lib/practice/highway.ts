// Note-highway geometry: where a note is drawn for a song time, which notes are on screen
// (culling by binary search over the sorted note times), and how velocity shows. Pure; the
// canvas renderer in app/_components/play draws what these return.
import { TempoMap } from "../beatmap/tempo.ts";
import { beatsBetween } from "./transport.ts";

export interface HighwayLayout {
  width: number;
  height: number;
  /** y of the hit line, px from the top. */
  hitY: number;
  /** Real ms a note is visible before it reaches the hit line (the scroll speed). */
  leadMs: number;
  /** Playback rate: at 50 % song time passes half as fast, so notes keep their real speed. */
  rate: number;
}

/** Scroll speeds offered to the player: 1 (slow, notes visible 3 s ahead) … 10 (0.6 s). */
export const SCROLL_SPEEDS = [3000, 2400, 2000, 1700, 1450, 1250, 1050, 900, 750, 600] as const;
export const DEFAULT_SCROLL_SPEED = 5;

export function leadMsForSpeed(speed: number): number {
  const i = Math.min(SCROLL_SPEEDS.length, Math.max(1, Math.round(speed))) - 1;
  return SCROLL_SPEEDS[i]!;
}

/** Pixels per song ms. */
export function pxPerSongMs(layout: HighwayLayout): number {
  return layout.hitY / (layout.leadMs * layout.rate);
}

/** The y of a note at `noteMs` when the playhead is at `songMs`. */
export function noteY(layout: HighwayLayout, noteMs: number, songMs: number): number {
  return layout.hitY - (noteMs - songMs) * pxPerSongMs(layout);
}

/** Song-ms range visible on screen (with a margin of `marginPx` for note heads). */
export function visibleRange(
  layout: HighwayLayout,
  songMs: number,
  marginPx = 24,
): { fromMs: number; toMs: number } {
  const k = pxPerSongMs(layout);
  return {
    fromMs: songMs - (layout.height - layout.hitY + marginPx) / k,
    toMs: songMs + (layout.hitY + marginPx) / k,
  };
}

/** First index i with times[i] ≥ t (times sorted ascending). */
export function lowerBound(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [start, end) of the notes to draw. */
export function visibleNotes(
  times: ArrayLike<number>,
  layout: HighwayLayout,
  songMs: number,
): { start: number; end: number } {
  const { fromMs, toMs } = visibleRange(layout, songMs);
  return { start: lowerBound(times, fromMs), end: lowerBound(times, toMs) };
}

/** Note head size by velocity: ghosts small and faint, accents tall and bright. */
export function noteShape(velocity: number): { heightScale: number; widthScale: number; alpha: number } {
  const v = Math.min(1, Math.max(0, velocity));
  return { heightScale: 0.6 + 0.7 * v, widthScale: 0.55 + 0.45 * v, alpha: 0.45 + 0.55 * v };
}

export interface GridLine {
  ms: number;
  downbeat: boolean;
}

/**
 * Beat and measure lines from the chart's timing map, for the whole song once (the renderer
 * culls them like notes). Bars before the first beat are left out.
 */
export function gridLines(tempo: TempoMap, fromMs: number, toMs: number): GridLine[] {
  return beatsBetween(tempo, Math.max(fromMs, tempo.offsetMs), toMs);
}

export { TempoMap };
