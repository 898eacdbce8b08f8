// How much each lane's hits say about where the music's time is (lining a recording up with a
// chart in lib/practice/audio-align.ts). Kick and snare carry the pulse in almost all drum music,
// so they weigh most; hi-hat and ride subdivide the beat; crashes are rare.
import { COMPONENT_LANE, type Component, LANE } from "../beatmap/index.ts";

/** Weight of each lane. */
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
