// Which beat grid a chart gets. Ellis's tracker follows the strongest onsets, and a double kick
// that plays 8ths a 16th off the beat (speed metal) is as strong as the snare and hi-hat keeping
// time, so the grid can settle on the kicks. Weighing the kick less everywhere fixes that and
// breaks fast punk, where the kick is what holds the grid together. So both grids are tracked and
// the lighter-kick one is kept only when it is the same tempo slipped by a fraction of a beat (a
// 16th or so; a shift by half the tracked period is the question of which beat is "one", which
// meter.ts answers) and its beats land clearly better on the time-keepers (all but the kick).
import { LANE } from "../beatmap/index.ts";
import { type BeatTrackOptions, localMax, median, type RawBeats, trackBeats } from "./beats.ts";
import { ENVELOPE_LANE_WEIGHTS, onsetEnvelope } from "./envelope.ts";
import type { Activations, PeakPickSettings } from "./types.ts";

/** Kick weight of the alternative grid (measured on MDB Drums' SpeedMetal: 0.7 tracks it exactly). */
export const LIGHT_KICK_WEIGHT = 0.7;
/** How much better the alternative must sit on the time-keepers to replace the default grid. */
export const TIME_KEEPER_MARGIN = 1.15;
/** Share of the song the grids must disagree on by a slip (8 bars of a 32-bar song). */
export const MIN_SLIPPED_SHARE = 0.25;

export interface BeatChoice {
  beats: RawBeats;
  /** Which envelope the chosen grid came from. */
  envelope: "default" | "light_kick";
  /** Mean time-keeper strength under the beats of each grid (diagnostics). */
  support: { default: number; lightKick: number };
}

type EnvelopeSettings = Pick<PeakPickSettings, "classToComponent" | "thresholds" | "defaultThreshold">;

export function trackChartBeats(
  a: Activations,
  settings: EnvelopeSettings,
  options?: BeatTrackOptions,
): BeatChoice {
  const standard = trackBeats(onsetEnvelope(a, settings), a.fps, options);
  const light = trackBeats(
    onsetEnvelope(a, settings, { ...ENVELOPE_LANE_WEIGHTS, [LANE.kick]: LIGHT_KICK_WEIGHT }),
    a.fps,
    options,
  );
  const keepers = onsetEnvelope(a, settings, { ...ENVELOPE_LANE_WEIGHTS, [LANE.kick]: 0 });
  const support = {
    default: meanSupport(keepers, standard.beatsMs, a.fps),
    lightKick: meanSupport(keepers, light.beatsMs, a.fps),
  };
  const period = medianInterval(standard.beatsMs);
  const sameTempo = Math.abs(medianInterval(light.beatsMs) / period - 1) < 0.05;
  const slipped = slippedShare(light.beatsMs, standard.beatsMs, period);
  const better =
    sameTempo && slipped >= MIN_SLIPPED_SHARE && support.lightKick > TIME_KEEPER_MARGIN * support.default;
  return better
    ? { beats: light, envelope: "light_kick", support }
    : { beats: standard, envelope: "default", support };
}

/** Mean of the envelope's maximum within ±2 frames of each beat. */
function meanSupport(env: Float32Array, beatsMs: readonly number[], fps: number): number {
  if (!beatsMs.length) return 0;
  let sum = 0;
  for (const ms of beatsMs) {
    const f = Math.round((ms * fps) / 1000);
    sum += localMax(env, f - 2, f + 2).value;
  }
  return sum / beatsMs.length;
}

function medianInterval(beatsMs: readonly number[]): number {
  return median(beatsMs.slice(1).map((t, i) => t - beatsMs[i]!));
}

/**
 * Share of the beats of `a` that sit a fraction of a beat (⅛ to ⅜ of `period`) from the nearest
 * beat of `b` (both sorted): the part of the song where the two grids disagree by a slip.
 */
function slippedShare(a: readonly number[], b: readonly number[], period: number): number {
  if (!a.length || !b.length) return 0;
  let j = 0;
  let slipped = 0;
  for (const t of a) {
    while (j + 1 < b.length && Math.abs(b[j + 1]! - t) <= Math.abs(b[j]! - t)) j++;
    const d = Math.abs(b[j]! - t) / period;
    if (d > 0.125 && d < 0.375) slipped++;
  }
  return slipped / a.length;
}
