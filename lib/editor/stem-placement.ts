// Where stems of another recording of the song sit on the chart being edited: roughly, by the two
// charts' fingerprints (each chart carries its recording's, Audio.Fingerprint), then to the
// millisecond by the drum stem's attacks against the chart's notes (lib/practice/audio-align.ts),
// the same refinement the player gives a drummer's own file. No worker and no decode of the whole
// song for the fingerprint: both are already in the charts.
import type { Beatmap } from "../beatmap/schema.ts";
import {
  bestAlignment,
  decompressFingerprint,
  ITEMS_PER_SECOND,
  MATCH_MAX_BER,
} from "../fingerprint/index.ts";
import { type Alignment, alignToChart, attackEnvelopes } from "../practice/audio-align.ts";

/**
 * Recording time = chart time + offset (ms) from two compressed fingerprints: `recording`'s (the
 * stems') against `chart`'s; null when either is missing or damaged, or they do not match.
 */
export function fingerprintOffsetMs(recording: string | undefined, chart: string | undefined): number | null {
  if (!recording || !chart) return null;
  try {
    const best = bestAlignment(decompressFingerprint(recording).raw, decompressFingerprint(chart).raw);
    if (best.bitErrorRate > MATCH_MAX_BER) return null;
    return Math.round((best.offset / ITEMS_PER_SECOND) * 1000);
  } catch {
    return null; // a damaged field in an imported chart: place by the notes only
  }
}

/** Where the stems (their drum stem's channels) sit on `chart`, from the stems' own chart's fingerprint. */
export function placeStems(
  drums: readonly Float32Array[],
  sampleRate: number,
  chart: Pick<Beatmap, "HitObjects" | "Audio">,
  stemsFingerprint: string | undefined,
): Alignment {
  const coarseMs = fingerprintOffsetMs(stemsFingerprint, chart.Audio?.Fingerprint) ?? 0;
  return alignToChart(attackEnvelopes(drums, sampleRate), chart.HitObjects, coarseMs);
}
