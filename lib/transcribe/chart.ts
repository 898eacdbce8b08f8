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
import { trackChartBeats } from "./beat-choice.ts";
import { type BeatTrackOptions, type RawBeats, trackBeats } from "./beats.ts";
import { TranscribeError } from "./errors.ts";
import { type DifficultyEstimate, estimateDifficulty } from "./estimate-difficulty.ts";
import { type LimbOptions, type LimbResult, resolveSimultaneous } from "./limbs.ts";
import { flattenGenerationInfo, type GenerationInfo } from "./metadata.ts";
import { chooseMeter, type MeterOptions } from "./meter.ts";
import { pickPeaks } from "./peaks.ts";
import { applySnaps, DEFAULT_SNAP_DIVISORS, type SnapSuggestion, suggestSnaps } from "./snap.ts";
import { beatsToTiming, type ChartTiming, type TimingOptions } from "./timing.ts";
import type { Activations, BeatTrack, Onset, PeakPickSettings } from "./types.ts";

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
  settings: PeakPickSettings;
  audio: AudioInfo;
  generation: GenerationInfo;
  metadata?: { title?: string; artist?: string; creator?: string; tags?: string[] };
  /**
   * A novelty curve to track beats on instead of the activations' own envelope (e.g. spectral
   * flux of the full mix, which also hears the beat where the drums rest).
   */
  novelty?: { values: Float32Array; fps: number };
  /** Checked between stages; the work is synchronous and takes about a second for 10 minutes. */
  signal?: AbortSignal;
  beat?: BeatTrackOptions;
  meter?: MeterOptions;
  timing?: Pick<TimingOptions, "toleranceMs">;
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
  rawBeats: RawBeats;
  /** Beats after octave and bar-phase correction. */
  beats: BeatTrack;
  chartTiming: ChartTiming | undefined;
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
  const { novelty } = input;
  if (novelty && !(novelty.fps > 0)) {
    throw new TranscribeError(
      "invalid_activations",
      `The novelty curve's frame rate must be positive, got ${novelty.fps}.`,
    );
  }
  const rawBeats = novelty
    ? trackBeats(novelty.values, novelty.fps, input.beat)
    : trackChartBeats(activations, settings, input.beat).beats;
  signal?.throwIfAborted();
  const beats = chooseMeter(
    rawBeats.beatsMs,
    limbs.kept.map((o) => ({ timeMs: o.timeMs, component: o.component, weight: o.confidence })),
    input.meter,
  );
  let notes: HitObject[] = limbs.kept
    .map((o) => ({
      Time: round3(o.timeMs),
      Component: o.component,
      Lane: COMPONENT_LANE[o.component],
      Velocity: round4(o.velocity),
      Confidence: round4(o.confidence),
    }))
    .sort(compareHitObjects);
  const chartTiming = beatsToTiming(beats, {
    ...input.timing,
    firstNoteMs: notes[0]?.Time,
  });
  let timing: Timing;
  if (chartTiming) timing = chartTiming.timing;
  else {
    warnings.push("No steady beat was found; the chart uses 120 BPM from the first note.");
    timing = { Bpm: 120, Offset: notes[0]?.Time ?? 0, TimeSignature: "4/4", TimingPoints: [] };
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
    Editor: { SnapDivisor: 4, AiGenerationMetadata: flattenGenerationInfo(input.generation) },
  });
  return {
    beatmap,
    onsets,
    limbs,
    rawBeats,
    beats,
    chartTiming,
    snaps,
    difficulty,
    lint: lintBeatmap(beatmap),
    warnings,
  };
}
