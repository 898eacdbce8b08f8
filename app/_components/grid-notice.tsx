// How sure the generator was of a chart's beat grid (lib/beatmap/grid-sections.ts): a clear
// "Check the tempo" notice naming the doubtful bars, times and BPM, or one quiet line when the
// grid is fine. Shown on the generate result, the map page, the player and in the editor.
import Link from "next/link";
import { type ReactNode, useId } from "react";
import { type GridSummary, summarizeGrid } from "@/lib/beatmap/grid-sections.ts";
import type { Timing } from "@/lib/beatmap/index.ts";
import styles from "./grid-notice.module.css";

export function GridNotice({
  timing,
  endMs,
  summary,
  fixHref,
  fixAction,
}: {
  timing?: Timing | undefined;
  endMs?: number;
  /** Already computed (the editor keeps one); otherwise built from `timing` and `endMs`. */
  summary?: GridSummary;
  /** Where "Fix the grid" goes (the editor's timing tools). */
  fixHref?: string;
  /** Or what it does, in place of a link. */
  fixAction?: ReactNode;
}) {
  const titleId = useId();
  const s = summary ?? summarizeGrid(timing, endMs ?? 0);
  const fix = fixAction ?? (fixHref ? <Link href={fixHref}>Fix the grid</Link> : null);
  if (s.low.length === 0) {
    return (
      <p className={styles.quiet} data-testid="grid-summary">
        {s.line}.{fix ? <> {fix}</> : null}
      </p>
    );
  }
  const one = s.low.length === 1;
  return (
    <div className={styles.low} role="note" aria-labelledby={titleId} data-testid="grid-notice">
      <p>
        <strong id={titleId}>Check the tempo.</strong> The generator is not sure the beat grid is right in{" "}
        {one ? "this section" : "these sections"}:
      </p>
      <ul>
        {s.lowLines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p className={styles.fix}>
        <span>
          Notes sit where the drums are heard, but bar lines, the metronome and snapping follow the grid.
        </span>
        {fix}
      </p>
    </div>
  );
}
