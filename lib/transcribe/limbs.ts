// What one drummer can play at one instant. A model scores each class independently, so it will
// happily report a closed and an open hi-hat (or two toms) for one stroke; a lane shows one note at
// a time, and a drummer has two hands. The weaker reading goes.
import { COMPONENT_LANE, isFootComponent } from "../beatmap/index.ts";
import type { Onset } from "./types.ts";

export interface LimbOptions {
  /** Notes closer than this are one instant, ms. Below a 1/32 at 200 BPM (75 ms). */
  windowMs?: number;
  /** Most hand-played lanes at one instant. */
  maxHands?: number;
}

export const LIMB_DEFAULTS: Required<LimbOptions> = { windowMs: 20, maxHands: 2 };

export interface LimbResult {
  kept: Onset[];
  /** Dropped onsets with the reason, for diagnostics. */
  dropped: { onset: Onset; reason: "same_lane" | "too_many_hands" }[];
}

const stronger = (a: Onset, b: Onset) => b.confidence - a.confidence || b.velocity - a.velocity;

/** Onsets (sorted by time) → the playable subset, still sorted. */
export function resolveSimultaneous(onsets: readonly Onset[], options: LimbOptions = {}): LimbResult {
  const o = { ...LIMB_DEFAULTS, ...options };
  const kept: Onset[] = [];
  const dropped: LimbResult["dropped"] = [];
  let i = 0;
  while (i < onsets.length) {
    let j = i + 1;
    while (j < onsets.length && onsets[j]!.timeMs - onsets[i]!.timeMs <= o.windowMs) j++;
    const group = onsets.slice(i, j).sort(stronger);
    i = j;
    const lanes = new Set<number>();
    let hands = 0;
    for (const onset of group) {
      const lane = COMPONENT_LANE[onset.component];
      if (lanes.has(lane)) {
        dropped.push({ onset, reason: "same_lane" });
        continue;
      }
      const foot = isFootComponent(onset.component);
      if (!foot && hands >= o.maxHands) {
        dropped.push({ onset, reason: "too_many_hands" });
        continue;
      }
      lanes.add(lane);
      if (!foot) hands++;
      kept.push(onset);
    }
  }
  kept.sort((a, b) => a.timeMs - b.timeMs || a.classIndex - b.classIndex);
  return { kept, dropped };
}
