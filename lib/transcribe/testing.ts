// Shared by this folder's tests: run the post-processing on a synthetic song and measure it.
import { type BuildChartInput, type BuildChartResult, buildChart } from "./chart.ts";
import type { Song } from "./synthetic.ts";

export const TEST_GENERATION = {
  models: [{ name: "adt-test", version: "0.0.1" }],
  backend: "test",
  stageSeconds: { transcribe: 1.5 },
  thresholds: { kick: 0.5, snare: 0.5, hihat_closed: 0.4 },
  createdAt: "2026-01-01T00:00:00.000Z",
};

export function chartOf(song: Song, extra: Partial<BuildChartInput> = {}): BuildChartResult {
  return buildChart({
    activations: song.activations,
    settings: { thresholds: TEST_GENERATION.thresholds, defaultThreshold: 0.5 },
    audio: { durationMs: song.durationMs, sampleRate: 44_100 },
    generation: TEST_GENERATION,
    ...extra,
  });
}

export interface BeatMatch {
  /** Largest distance from a true beat to the nearest tracked beat, ms. */
  maxErrorMs: number;
  meanErrorMs: number;
  /** True beats with no tracked beat within the tolerance. */
  missed: number;
  /** Tracked beats inside the true beats' span with no true beat within the tolerance. */
  extra: number;
}

export function matchBeats(
  tracked: readonly number[],
  truth: readonly number[],
  toleranceMs: number,
): BeatMatch {
  const nearest = (t: number, list: readonly number[]) => Math.min(...list.map((x) => Math.abs(x - t)));
  const errors = truth.map((t) => nearest(t, tracked));
  const inside = tracked.filter(
    (x) => x >= truth[0]! - toleranceMs && x <= truth[truth.length - 1]! + toleranceMs,
  );
  return {
    maxErrorMs: Math.max(...errors),
    meanErrorMs: errors.reduce((s, e) => s + e, 0) / errors.length,
    missed: errors.filter((e) => e > toleranceMs).length,
    extra: inside.filter((x) => nearest(x, truth) > toleranceMs).length,
  };
}
