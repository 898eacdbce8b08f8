// The onset-strength envelope the beat tracker listens to: a weighted sum of the model's own
// activations. Kick and snare carry the pulse in almost all drum music, so they weigh most;
// hi-hat and ride subdivide the beat and would pull the tracker to double time if they weighed as
// much; crashes mark downbeats but are rare.
import { COMPONENT_LANE, type Component, LANE } from "../beatmap/index.ts";
import { componentForClass } from "./classes.ts";
import { assertActivations, DEFAULT_THRESHOLD } from "./peaks.ts";
import type { Activations, PeakPickSettings } from "./types.ts";

/** Weight of each lane in the envelope. */
export const ENVELOPE_LANE_WEIGHTS: Readonly<Record<number, number>> = {
  [LANE.kick]: 1,
  [LANE.snare]: 1,
  [LANE.tom]: 0.6,
  [LANE.crash]: 0.6,
  [LANE.hihat]: 0.35,
  [LANE.ride]: 0.35,
  [LANE.splash]: 0.3,
};

export function componentWeight(
  component: Component,
  laneWeights: Readonly<Record<number, number>> = ENVELOPE_LANE_WEIGHTS,
): number {
  return laneWeights[COMPONENT_LANE[component]] ?? 0.3;
}

/**
 * Per-frame weighted sum of the onset activations (unmapped classes ignored). Raw activations, not
 * picked peaks, so the tracker also hears hits somewhat below the picking threshold; but the part
 * below half a class's threshold is cut off, because summed over classes that floor of model noise
 * is as loud as a quiet hi-hat.
 */
export function onsetEnvelope(
  a: Activations,
  settings: Pick<PeakPickSettings, "classToComponent" | "thresholds" | "defaultThreshold">,
  laneWeights: Readonly<Record<number, number>> = ENVELOPE_LANE_WEIGHTS,
): Float32Array {
  const frames = assertActivations(a);
  const stride = a.classes.length;
  const weights = a.classes.map((name) => {
    const component = componentForClass(name, settings.classToComponent);
    return component ? componentWeight(component, laneWeights) : 0;
  });
  const floors = a.classes.map(
    (name) => 0.5 * (settings.thresholds[name] ?? settings.defaultThreshold ?? DEFAULT_THRESHOLD),
  );
  const env = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < stride; c++) sum += weights[c]! * Math.max(0, a.onset[f * stride + c]! - floors[c]!);
    env[f] = sum;
  }
  return env;
}
