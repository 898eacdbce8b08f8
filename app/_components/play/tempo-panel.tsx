"use client";
// Tempo: changes the next run, not the running one. How the highway looks is in highway-panel.tsx.
import type { PracticeController } from "@/lib/practice/practice-controller.ts";
import { isRunning } from "@/lib/practice/transport-state.ts";
import type { PracticePrefs } from "./practice-settings.ts";
import { useValue } from "./use-value.ts";

export function TempoPanel(props: {
  controller: PracticeController;
  onPrefs: (change: Partial<Omit<PracticePrefs, "mix">>) => void;
}) {
  const { controller, onPrefs } = props;
  const view = useValue(controller.view);
  const percent = Math.round(view.rate * 100);
  return (
    <fieldset>
      <legend>Tempo</legend>
      <label>
        <input
          type="range"
          min={25}
          max={150}
          step={5}
          value={percent}
          aria-label="Tempo"
          aria-valuetext={`${percent} %`}
          disabled={isRunning(view.transport)}
          onChange={(e) => onPrefs({ rate: Number(e.target.value) / 100 })}
        />{" "}
        <span data-testid="rate">{percent} %</span>
      </label>
      {view.pitchNote ? (
        <p className="muted" data-testid="pitch-note">
          {view.pitchNote}
        </p>
      ) : null}
    </fieldset>
  );
}
