"use client";
// Loops: A and B from the playhead (snapped to the beat), whole bars from the chart's grid, the
// count-in, the speed trainer and the chart's bookmarks. Works while a run plays: a new loop
// plays at once, Clear plays on from where the song is.
import { useState } from "react";
import { formatClock, type PracticeController } from "@/lib/practice/practice-controller.ts";
import { isRunning } from "@/lib/practice/transport-state.ts";
import { useValue } from "./use-value.ts";

export const COUNT_IN_CHOICES = [0, 2, 4, 8] as const;

export function LoopPanel(props: {
  controller: PracticeController;
  bookmarks: readonly number[];
  onCountIn: (beats: number) => void;
}) {
  const { controller, bookmarks, onCountIn } = props;
  const view = useValue(controller.view);
  const { loop, loopA } = view.transport;
  const running = isRunning(view.transport);
  const barCount = controller.barCount;
  const [bars, setBars] = useState(() => ({ first: 1, last: Math.min(4, barCount) }));
  const barField = (which: "first" | "last", label: string) => (
    <label>
      {label}{" "}
      <input
        type="number"
        min={1}
        max={barCount}
        step={1}
        inputMode="numeric"
        value={bars[which]}
        onChange={(e) => setBars((b) => ({ ...b, [which]: e.target.valueAsNumber }))}
      />
    </label>
  );
  return (
    <fieldset>
      <legend>Loop</legend>
      <div className="loop-ab">
        <button type="button" className="secondary" onClick={() => controller.setA()}>
          Set A
        </button>
        <button
          type="button"
          className="secondary"
          disabled={loopA === null}
          onClick={() => controller.setB()}
        >
          Set B
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!loop && loopA === null}
          onClick={() => controller.clearLoop()}
        >
          Clear
        </button>
        <span data-testid="loop" data-a={loop?.a} data-b={loop?.b}>
          {loop
            ? `${formatClock(loop.a)}–${formatClock(loop.b)}`
            : loopA !== null
              ? `A ${formatClock(loopA)}`
              : "off"}
        </span>
      </div>
      <form
        className="loop-bars"
        aria-label="Loop bars"
        onSubmit={(e) => {
          e.preventDefault();
          controller.loopBars(bars.first, bars.last);
        }}
      >
        {barField("first", "From bar")}
        {barField("last", "to bar")}
        <button type="submit" className="secondary">
          Loop bars
        </button>
        <span className="muted">of {barCount}</span>
      </form>
      <label>
        Count-in{" "}
        <select value={view.countInBeats} onChange={(e) => onCountIn(Number(e.target.value))}>
          {COUNT_IN_CHOICES.map((n) => (
            <option key={n} value={n}>
              {n === 0 ? "none" : `${n} beats`}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={view.trainerOn}
          disabled={running}
          onChange={(e) => controller.setTrainer(e.target.checked)}
        />{" "}
        Speed trainer{" "}
        <span className="muted">
          (from this tempo: +5 % after a clean pass, −5 % after 2 misses, up to 100 %)
        </span>
      </label>
      {view.trainerLog.length > 0 ? (
        <ol className="trainer-log" data-testid="trainer-log" aria-live="polite">
          {view.trainerLog.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ol>
      ) : null}
      {bookmarks.length > 0 ? (
        <div className="bookmarks">
          {bookmarks.map((b) => (
            <button key={b} type="button" className="secondary" onClick={() => controller.seek(b)}>
              ▸ {formatClock(b)}
            </button>
          ))}
        </div>
      ) : null}
    </fieldset>
  );
}
