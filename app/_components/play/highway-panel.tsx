"use client";
import {
  APPROACH_MS,
  isLaneOrder,
  LANE_ORDERS,
  type LaneOrder,
  lookaheadBeats,
} from "@/lib/practice/highway.ts";
// How the highway looks: lane colours, motion, the notes' travel time, lane order and lefty flip,
// bar numbers. Kept on the device with the other practice settings; shown from the next frame.
import type { PracticeController } from "@/lib/practice/practice-controller.ts";
import { type PracticePrefs, reducedMotion } from "./practice-settings.ts";
import { useValue } from "./use-value.ts";

export function HighwayPanel(props: {
  controller: PracticeController;
  prefs: PracticePrefs;
  onPrefs: (change: Partial<Omit<PracticePrefs, "mix">>) => void;
}) {
  const { controller, prefs, onPrefs } = props;
  const { rate } = useValue(controller.view);
  const tempo = controller.prepared.tempo;
  const bpm = tempo.bpmAt(tempo.offsetMs);
  const seconds = (prefs.approachMs / 1000).toFixed(1);
  const beats = lookaheadBeats(prefs.approachMs, bpm, rate);
  return (
    <fieldset>
      <legend>Highway</legend>
      <label>
        Note travel time{" "}
        <input
          type="range"
          min={APPROACH_MS.min}
          max={APPROACH_MS.max}
          step={APPROACH_MS.step}
          value={prefs.approachMs}
          aria-valuetext={`${seconds} seconds`}
          onChange={(e) => onPrefs({ approachMs: Number(e.target.value) })}
        />{" "}
        <span data-testid="approach">
          {seconds} s · {beats.toFixed(1)} beats ahead at {Math.round(bpm * rate)} BPM
        </span>
      </label>
      <label>
        Lane order{" "}
        <select
          // A long option must not widen the panel past a 320 px screen.
          style={{ maxWidth: "100%" }}
          value={prefs.laneOrder}
          onChange={(e) => {
            const v = e.target.value;
            if (isLaneOrder(v)) onPrefs({ laneOrder: v });
          }}
        >
          {(Object.keys(LANE_ORDERS) as LaneOrder[]).map((o) => (
            <option key={o} value={o}>
              {LANE_ORDERS[o].label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={prefs.lefty} onChange={(e) => onPrefs({ lefty: e.target.checked })} />{" "}
        Left-handed kit (mirror the lanes)
      </label>
      <label>
        <input
          type="checkbox"
          checked={prefs.barNumbers}
          onChange={(e) => onPrefs({ barNumbers: e.target.checked })}
        />{" "}
        Bar numbers
      </label>
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
    </fieldset>
  );
}
