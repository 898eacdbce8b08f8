// Public surface of lib/beatmap. Import from "@/lib/beatmap".
export type { ExportResult, ImportResult } from "./build.ts";
export {
  canonicalize,
  canonicalJson,
  compareHitObjects,
  contentHash,
  serializeBeatmap,
} from "./canonical.ts";
export { CHART_DIFFICULTIES, CHART_NOTE, type ChartDifficulty, exportChart, importChart } from "./chart.ts";
export {
  applyDiff,
  type ChartDiff,
  ChartDiffSchema,
  type DiffConflict,
  DiffConflictError,
  type DiffSummary,
  diffCharts,
  isEmptyDiff,
  type NoteChange,
  type RebaseResult,
  rebaseDiff,
  summarizeDiff,
} from "./diff.ts";
export { type ReducedDifficulty, reduceDifficulty } from "./difficulty.ts";
export { BeatmapError, type BeatmapErrorCode, type BeatmapIssuePath, formatPath } from "./errors.ts";
export {
  type ChartFormat,
  type ExportedFiles,
  exportChartFile,
  exportChartFileAsync,
  formatFromFilename,
  IMPORT_EXTENSIONS,
  importChartFile,
  SUPPORTED_EXTENSIONS,
} from "./formats.ts";
export { COMPONENT_TO_GM_NOTE, GM_DRUM_CHANNEL, GM_NOTE_TO_COMPONENT } from "./gm.ts";
export * from "./lanes.ts";
export { LIMITS } from "./limits.ts";
export {
  LINT_DEFAULTS,
  type LintCode,
  type LintIssue,
  type LintOptions,
  type LintReport,
  lintBeatmap,
  PUSHED_NOTE_MS,
} from "./lint.ts";
export { exportMidi, importMidi } from "./midi.ts";
export { NOTES_MID } from "./notes-mid.ts";
export { exportOsu, importOsu } from "./osu.ts";
export { createBeatmap, parseBeatmap, parseBeatmapBytes, validateBeatmapObject } from "./parse.ts";
export {
  type Beatmap,
  type BeatmapInput,
  type BeatmapMetadata,
  BeatmapSchema,
  type Feel,
  type HitObject,
  HitObjectSchema,
  LOW_GRID_CONFIDENCE,
  MAX_TIME_MS,
  type Timing,
  type TimingPoint,
} from "./schema.ts";
export { shiftBeatmap } from "./shift.ts";
export { TempoMap, TickTempoMap } from "./tempo.ts";
