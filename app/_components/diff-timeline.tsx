// A chart diff drawn on a timeline: one row per lane, added notes in green, removed in red, moved
// notes as a line from where they were to where they are. The per-lane table beside it says the
// same in words, for screen readers and for anyone who prefers numbers.
import type { ChartDiff, DiffSummary } from "@/lib/beatmap/diff.ts";
import { LANE_COUNT, LANE_LABELS, type Lane } from "@/lib/beatmap/lanes.ts";
import styles from "./diff-timeline.module.css";

const WIDTH = 1000;
const ROW = 14;
const LABEL = 70;

export function DiffTimeline({
  diff,
  summary,
  durationMs,
}: {
  diff: ChartDiff;
  summary: DiffSummary;
  durationMs: number;
}) {
  const span = Math.max(durationMs, 1);
  const x = (t: number) => LABEL + (Math.max(0, Math.min(t, span)) / span) * (WIDTH - LABEL - 4);
  const y = (lane: number) => lane * ROW + ROW / 2;
  const t = summary.total;
  const described = `${t.added} added, ${t.removed} removed, ${t.moved} moved, ${t.changed} changed${summary.timingChanged ? "; timing changed" : ""}${summary.uniformShiftMs !== null ? `; everything shifted by ${summary.uniformShiftMs} ms` : ""}.`;
  return (
    <figure className={styles.figure}>
      <svg
        viewBox={`0 0 ${WIDTH} ${LANE_COUNT * ROW}`}
        className={styles.svg}
        role="img"
        aria-label={`Changes on the timeline: ${described}`}
      >
        {Array.from({ length: LANE_COUNT }, (_, lane) => (
          <g key={`lane-${LANE_LABELS[lane as Lane]}`}>
            <line x1={LABEL} x2={WIDTH} y1={y(lane)} y2={y(lane)} className={styles.laneLine} />
            <text x={4} y={y(lane) + 4} className={styles.laneLabel}>
              {LANE_LABELS[lane as Lane]}
            </text>
          </g>
        ))}
        {diff.moved.map((m) => (
          <line
            key={`m-${m.from.Lane}-${m.from.Time}`}
            x1={x(m.from.Time)}
            y1={y(m.from.Lane)}
            x2={x(m.to.Time)}
            y2={y(m.to.Lane)}
            className={styles.moved}
          />
        ))}
        {diff.removed.map((n) => (
          <rect
            key={`r-${n.Lane}-${n.Time}`}
            x={x(n.Time) - 2}
            y={y(n.Lane) - 5}
            width={4}
            height={10}
            className={styles.removed}
          />
        ))}
        {diff.added.map((n) => (
          <circle
            key={`a-${n.Lane}-${n.Time}`}
            cx={x(n.Time)}
            cy={y(n.Lane)}
            r={3.5}
            className={styles.added}
          />
        ))}
        {diff.changed.map((c) => (
          <circle
            key={`c-${c.to.Lane}-${c.to.Time}`}
            cx={x(c.to.Time)}
            cy={y(c.to.Lane)}
            r={3}
            className={styles.changed}
          />
        ))}
      </svg>
      <figcaption className={styles.caption}>
        <span className={styles.keyAdded}>● added</span> <span className={styles.keyRemoved}>▮ removed</span>{" "}
        <span className={styles.keyMoved}>— moved</span> <span className={styles.keyChanged}>● changed</span>{" "}
        · {described}
      </figcaption>
      <table className={styles.table}>
        <caption className="visually-hidden">Changes per lane</caption>
        <thead>
          <tr>
            <th scope="col">Lane</th>
            <th scope="col">Added</th>
            <th scope="col">Removed</th>
            <th scope="col">Moved</th>
            <th scope="col">Changed</th>
          </tr>
        </thead>
        <tbody>
          {summary.lanes.map((l, lane) =>
            l.added + l.removed + l.moved + l.changed === 0 ? null : (
              <tr key={LANE_LABELS[lane as Lane]}>
                <th scope="row">{LANE_LABELS[lane as Lane]}</th>
                <td>{l.added}</td>
                <td>{l.removed}</td>
                <td>{l.moved}</td>
                <td>{l.changed}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </figure>
  );
}
