"use client";
// The end-of-run report: score, grade, judgments, early/late, per-lane and per-limb timing, the
// bars missed most (each with a drill loop) and the trend over earlier runs of this chart at the
// same difficulty level.
import { LANE_LABELS, type Lane } from "@/lib/beatmap/lanes.ts";
import { JUDGMENTS } from "@/lib/practice/hit-windows.ts";
import { LEVEL_LABELS, type Level } from "@/lib/practice/levels.ts";
import { grade, type RunSummary, type TimingStats } from "@/lib/practice/stats.ts";
import type { StoredResult } from "@/lib/store/db.ts";

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const timing = (t: TimingStats) =>
  t.count ? `${t.meanMs >= 0 ? "+" : "−"}${Math.abs(t.meanMs).toFixed(0)} ms ± ${t.sdMs.toFixed(0)}` : "—";

export function ResultsView(props: {
  summary: RunSummary;
  rate: number;
  level: Level;
  /** Runs of this chart at this level, newest (this one) first. */
  history: StoredResult[];
  onAgain: () => void;
  onDrill: (bar: number) => void;
}) {
  const { summary: s, rate, level, history, onAgain, onDrill } = props;
  const earlier = history.slice(1, 8).map((h) => h.summary as RunSummary);
  return (
    <section className="results card" aria-labelledby="results-title" data-testid="results">
      <h2 id="results-title">Results</h2>
      <p className="results-grade">
        <strong data-testid="grade">{grade(s.accuracy, s.counts)}</strong>{" "}
        <span data-testid="accuracy">{pct(s.accuracy)}</span> · score{" "}
        <span data-testid="score">{s.score}</span> · max combo {s.maxCombo} · {Math.round(rate * 100)} % tempo
        · <span data-testid="result-level">{LEVEL_LABELS[level]}</span>
      </p>
      <dl className="facts judgments">
        {JUDGMENTS.map((j) => (
          <div key={j} className="fact">
            <dt>{j}</dt>
            <dd data-testid={`count-${j}`}>{s.counts[j]}</dd>
          </div>
        ))}
        <div className="fact">
          <dt>early / late</dt>
          <dd data-testid="early-late">
            {s.early} / {s.late}
          </dd>
        </div>
        <div className="fact">
          <dt>extra hits</dt>
          <dd>{s.strays}</dd>
        </div>
      </dl>
      {s.dynamics && s.dynamics.ok + s.dynamics["too-loud"] + s.dynamics["too-soft"] > 0 ? (
        <p data-testid="dynamics">
          Dynamics: {s.dynamics.ok} right, {s.dynamics["too-loud"]} too loud, {s.dynamics["too-soft"]} too
          soft <span className="muted">(ghost notes and accents, from your kit&apos;s velocity)</span>
        </p>
      ) : null}
      <h3>Timing by limb</h3>
      <p>
        Hands {timing(s.limbs.hands)} · Feet {timing(s.limbs.feet)}{" "}
        <span className="muted">(mean error: + late, − early; ± spread)</span>
      </p>
      <table className="lane-stats">
        <caption className="visually-hidden">Per-lane judgments and timing</caption>
        <thead>
          <tr>
            <th scope="col">Lane</th>
            {JUDGMENTS.map((j) => (
              <th key={j} scope="col">
                {j}
              </th>
            ))}
            <th scope="col">timing</th>
          </tr>
        </thead>
        <tbody>
          {s.lanes
            .filter((l) => JUDGMENTS.some((j) => l.counts[j] > 0))
            .map((l) => (
              <tr key={l.lane}>
                <th scope="row">{LANE_LABELS[l.lane as Lane]}</th>
                {JUDGMENTS.map((j) => (
                  <td key={j}>{l.counts[j]}</td>
                ))}
                <td>{timing(l)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {s.missedBars.length > 0 ? (
        <>
          <h3>Bars to practise</h3>
          <ul className="missed-bars">
            {s.missedBars.slice(0, 4).map((b) => (
              <li key={b.bar}>
                Bar {b.bar + 1}: {b.misses} missed{" "}
                <button type="button" className="secondary" onClick={() => onDrill(b.bar)}>
                  Drill bar {b.bar + 1}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {earlier.length > 0 ? (
        <p className="muted" data-testid="history">
          Earlier runs at {LEVEL_LABELS[level]}: {earlier.map((e) => pct(e.accuracy)).join(" · ")}
        </p>
      ) : null}
      <button type="button" onClick={onAgain}>
        Play again
      </button>
    </section>
  );
}
