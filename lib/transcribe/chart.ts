// The whole post-processing: activations → onsets → playable notes, beats → tempo map, and a
// validated .bsm v1 chart with its generation metadata.
import {
  type Beatmap,
  COMPONENT_LANE,
  COMPONENTS,
  compareHitObjects,
  createBeatmap,
  type HitObject,
  type LintReport,
  lintBeatmap,
  type Timing,
} from "../beatmap/index.ts";
import type { BeatActivations } from "./bar-pointer.ts";
import { type DifficultyEstimate, estimateDifficulty } from "./estimate-difficulty.ts";
import { buildGrid, type ChartGrid, type GridOptions } from "./grid.ts";
import { type LimbOptions, type LimbResult, resolveSimultaneous } from "./limbs.ts";
import { flattenGenerationInfo, type GenerationInfo } from "./metadata.ts";
import { pickPeaks } from "./peaks.ts";
import { applySnaps, DEFAULT_SNAP_DIVISORS, type SnapSuggestion, suggestSnaps } from "./snap.ts";
import type { Activations, Onset, PeakPickSettings } from "./types.ts";

export interface AudioInfo {
  /** ms. Notes at or past it are dropped (models pad the last chunk). */
  durationMs: number;
  sampleRate: number;
  filename?: string;
  /** sha256 of the audio file, lowercase hex. */
  hash?: string;
  fingerprint?: string;
}

export interface BuildChartInput {
  activations: Activations;
  /** A beat model's beat and downbeat activations: an extra observation of the grid decoder. */
  beats?: BeatActivations;
  settings: PeakPickSettings;
  audio: AudioInfo;
  generation: GenerationInfo;
  metadata?: { title?: string; artist?: string; creator?: string; tags?: string[] };
  /** Checked between stages; the work is synchronous and takes about two seconds for 10 minutes. */
  signal?: AbortSignal;
  grid?: GridOptions;
  limbs?: LimbOptions;
  snap?: {
    divisors?: readonly number[];
    /** Move notes within this many ms of a grid line onto it. Default 0: never move notes. */
    applyWithinMs?: number;
  };
}

export interface BuildChartResult {
  beatmap: Beatmap;
  /** Every picked onset, before the limb rules. */
  onsets: Onset[];
  limbs: LimbResult;
  /** Beats, bars, tempo sections with their confidence (undefined: too few notes for a beat). */
  grid: ChartGrid | undefined;
  /** One per hit object of `beatmap` (same order), against the chart's own tempo map. */
  snaps: SnapSuggestion[];
  difficulty: DifficultyEstimate;
  lint: LintReport;
  /** Sentences for logs: ignored classes, no beat found, … */
  warnings: string[];
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** Runs the post-processing and returns a chart that passes the .bsm schema. */
export function buildChart(input: BuildChartInput): BuildChartResult {
  const { activations, settings, audio, signal } = input;
  const warnings: string[] = [];
  signal?.throwIfAborted();
  const { onsets, ignoredClasses } = pickPeaks(activations, settings);
  if (ignoredClasses.length) {
    warnings.push(`Model classes with no drum component were ignored: ${ignoredClasses.join(", ")}.`);
  }
  const inAudio = onsets.filter((o) => o.timeMs >= 0 && o.timeMs < audio.durationMs);
  const limbs = resolveSimultaneous(inAudio, input.limbs);

  signal?.throwIfAborted();
  let notes: HitObject[] = limbs.kept
    .map((o) => ({
      Time: round3(o.timeMs),
      Component: o.component,
      Lane: COMPONENT_LANE[o.component],
      Velocity: round4(o.velocity),
      Confidence: round4(o.confidence),
    }))
    .sort(compareHitObjects);
  const grid = buildGrid(
    limbs.kept.map((o) => ({
      timeMs: o.timeMs,
      component: o.component,
      weight: o.confidence,
      velocity: o.velocity,
    })),
    audio.durationMs,
    input.grid,
    input.beats,
  );
  let timing: Timing;
  if (grid) timing = grid.timing;
  else {
    warnings.push("No steady beat was found; the chart uses 120 BPM from the first note.");
    timing = { Bpm: 120, Offset: notes[0]?.Time ?? 0, TimeSignature: "4/4", TimingPoints: [], Confidence: 0 };
  }

  const divisors = input.snap?.divisors ?? DEFAULT_SNAP_DIVISORS;
  let snaps = suggestSnaps(notes, timing, divisors);
  const within = input.snap?.applyWithinMs ?? 0;
  if (within > 0) {
    notes = applySnaps(notes, snaps, within).filter((n) => n.Time < audio.durationMs);
    snaps = suggestSnaps(notes, timing, divisors);
  }
  const difficulty = estimateDifficulty(notes);
  const used = new Set(notes.map((n) => n.Component));

  const beatmap = createBeatmap({
    Metadata: {
      Title: input.metadata?.title ?? "",
      Artist: input.metadata?.artist ?? "",
      Creator: input.metadata?.creator ?? "BeatSight AI",
      Tags: input.metadata?.tags ?? [],
      Difficulty: difficulty.value,
    },
    Audio: {
      Filename: audio.filename ?? "",
      Duration: round3(audio.durationMs),
      SampleRate: audio.sampleRate,
      ...(audio.hash ? { Hash: audio.hash } : {}),
      ...(audio.fingerprint ? { Fingerprint: audio.fingerprint } : {}),
    },
    Timing: timing,
    DrumKit: { Components: COMPONENTS.filter((c) => used.has(c)), Layout: "standard-7" },
    HitObjects: notes,
    Editor: {
      SnapDivisor: grid?.snapDivisor ?? 4,
      AiGenerationMetadata: flattenGenerationInfo(input.generation),
    },
  });
  return {
    beatmap,
    onsets,
    limbs,
    grid,
    snaps,
    difficulty,
    lint: lintBeatmap(beatmap),
    warnings,
  };
}
