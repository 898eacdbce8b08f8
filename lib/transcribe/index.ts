// Public surface of lib/transcribe: drum-model activations → .bsm v1 chart. Pure TypeScript.
export { type BeatTrackOptions, type RawBeats, trackBeats } from "./beats.ts";
export { type AudioInfo, type BuildChartInput, type BuildChartResult, buildChart } from "./chart.ts";
export { componentForClass, DEFAULT_CLASS_COMPONENTS, normalizeClassName } from "./classes.ts";
export { componentWeight, onsetEnvelope } from "./envelope.ts";
export { TranscribeError, type TranscribeErrorCode } from "./errors.ts";
export { type DifficultyEstimate, estimateDifficulty } from "./estimate-difficulty.ts";
export { type LimbOptions, type LimbResult, resolveSimultaneous } from "./limbs.ts";
export {
  type FlatMetadata,
  flattenGenerationInfo,
  type GenerationInfo,
  POSTPROCESS_VERSION,
  readGenerationInfo,
} from "./metadata.ts";
export {
  backbeatScores,
  barStarts,
  beatPosition,
  chooseMeter,
  type MeterOptions,
  medianBpm,
  type PatternNote,
} from "./meter.ts";
export {
  DEFAULT_MIN_GAP_MS,
  DEFAULT_THRESHOLD,
  type PeakPickResult,
  parabolicPeak,
  peakConfidence,
  pickPeaks,
} from "./peaks.ts";
export { applySnaps, DEFAULT_SNAP_DIVISORS, type SnapSuggestion, suggestSnaps } from "./snap.ts";
export { type LocalTempo, localTempo, type TempoOptions } from "./tempo.ts";
export { beatsToTiming, type ChartTiming, type TimingOptions } from "./timing.ts";
export type { Activations, BeatTrack, Onset, PeakPickSettings } from "./types.ts";
