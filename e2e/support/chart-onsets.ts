import type { Beatmap } from "../../lib/beatmap/index.ts";

/** The chart's notes as onsets in the groove fixture's classes (articulations folded). */
export function chartOnsets(chart: Beatmap): { timeMs: number; cls: string }[] {
  const fold = (c: string) =>
    c.startsWith("hihat")
      ? "hihat_closed"
      : c.startsWith("crash") || c === "china" || c === "splash"
        ? "crash"
        : c;
  return chart.HitObjects.map((h) => ({ timeMs: h.Time, cls: fold(h.Component) }));
}
