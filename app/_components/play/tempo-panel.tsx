"use client";
// Tempo and how the highway looks: these change the next run, not the running one.
import type { PracticeController } from "@/lib/practice/practice-controller.ts";
import { isRunning } from "@/lib/practice/transport-state.ts";
import { type PracticePrefs, reducedMotion } from "./practice-settings.ts";
import { useValue } from "./use-value.ts";

export function TempoPanel(props: {
  controller: PracticeController;
  prefs: PracticePrefs;
  onPrefs: (change: Partial<Omit<PracticePrefs, "mix">>) => void;
}) {
  const { controller, prefs, onPrefs } = props;
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
      <label>
        <input
          type="checkbox"
          checked={prefs.palette === "colour-blind"}
          onChange={(e) => onPrefs({ palette: e.target.checked ? "colour-blind" : "standard" })}
        />{" "}
        Colour-blind-safe lane colours
      </label>
      <label>
        <input
          type="checkbox"
          checked={reducedMotion(prefs)}
          onChange={(e) => onPrefs({ reduceMotion: e.target.checked })}
        />{" "}
        Reduce motion (steady hit marks, no fading)
      </label>
      <label>
        Scroll speed{" "}
        <input
          type="range"
          min={1}
          max={10}
          value={prefs.scrollSpeed}
          onChange={(e) => onPrefs({ scrollSpeed: Number(e.target.value) })}
        />{" "}
        {prefs.scrollSpeed}
      </label>
    </fieldset>
  );
}
