// Public surface of lib/transcribe: drum-model activations → .bsm v1 chart. Pure TypeScript.
export {
  articulationChannels,
  assignArticulations,
  pitchClusters,
  TOM_MIN_SEPARATION,
} from "./articulations.ts";
export {
  BAR_POINTER_DEFAULTS,
  type BarPointerOptions,
  type BeatActivations,
  beatObservation,
  type DecodedBar,
  decodeBars,
} from "./bar-pointer.ts";
export { applyPiecewise, calibrated, piecewiseMapProblem } from "./calibration.ts";
export { type AudioInfo, type BuildChartInput, type BuildChartResult, buildChart } from "./chart.ts";
export { componentForClass, DEFAULT_CLASS_COMPONENTS, normalizeClassName } from "./classes.ts";
export { componentWeight } from "./envelope.ts";
export { TranscribeError, type TranscribeErrorCode } from "./errors.ts";
export { type DifficultyEstimate, estimateDifficulty } from "./estimate-difficulty.ts";
export { buildGrid, type ChartGrid, type GridOptions, type GridSection } from "./grid.ts";
export { type LimbOptions, type LimbResult, resolveSimultaneous } from "./limbs.ts";
export {
  type FlatMetadata,
  flattenGenerationInfo,
  type GenerationInfo,
  POSTPROCESS_VERSION,
  readGenerationInfo,
} from "./metadata.ts";
export { METERS, type MeterName } from "./meters.ts";
export {
  DEFAULT_MIN_GAP_MS,
  DEFAULT_THRESHOLD,
  type PeakPickResult,
  parabolicPeak,
  peakConfidence,
  pickPeaks,
} from "./peaks.ts";
export { applySnaps, DEFAULT_SNAP_DIVISORS, type SnapSuggestion, suggestSnaps } from "./snap.ts";
export { fitSections, type SectionOptions } from "./tempo-sections.ts";
export type {
  Activations,
  ArticulationActivations,
  ArticulationGroup,
  Calibration,
  Onset,
  PeakPickSettings,
  PiecewiseMap,
} from "./types.ts";
