// What the pipeline needs to know about each model, read from public/models/manifest.json by
// specsFromManifest (lib/pipeline/manifest-adapter.ts). Features (STFT, mel) live inside the ONNX
// graphs, so a model's contract is: mono float PCM at `sampleRate` in, named outputs out.
import type { ModelFileRef } from "../inference/model-store.ts";
import type { ArticulationGroup, Calibration } from "../transcribe/index.ts";

interface BaseSpec extends ModelFileRef {
  name: string;
  version: string;
  sampleRate: number;
  /** Name of the [1, samples] float input. */
  input: string;
  /** Chunking that keeps memory bounded; chunk starts align to the model's hop. */
  chunkSeconds: number;
  overlapSeconds: number;
  hop: number;
}

export interface TranscriberSpec extends BaseSpec {
  task: "transcription";
  /** [1, frames, classes] onset probabilities. */
  onsetOutput: string;
  /** [1, frames, classes] velocities 0–1, when the model predicts them. */
  velocityOutput?: string;
  classes: string[];
  thresholds: Record<string, number>;
  /** What the model was trained to hear: the full mix, or the separated drum stem. */
  source: "mixture" | "drums";
  /** Of two onsets of a class closer than this, the weaker is dropped (the training's peak rule). */
  minGapMs: number;
  /**
   * [1, frames, channels] articulation probabilities (channels: the groups' components in order),
   * when the model predicts them; absent, every onset is its class's default component.
   */
  articulations?: { output: string; groups: ArticulationGroup[] };
  /** Per-class confidence and velocity maps (lib/transcribe/calibration.ts), when fitted. */
  calibration?: Calibration;
}

export interface SeparatorSpec extends BaseSpec {
  task: "separation";
  /** [1, samples] waveforms at `sampleRate`. */
  drumsOutput: string;
  accompanimentOutput: string;
}

/**
 * The beat model: per transcriber frame, the transcriber's onsets and the accompaniment's features
 * in (lib/pipeline/beat-model.ts), beat and downbeat probabilities out. Run once over the song.
 */
export interface BeatSpec extends ModelFileRef {
  task: "beats";
  name: string;
  version: string;
  /** Name of the [1, frames, inputChannels] float input. */
  input: string;
  inputChannels: number;
  /** The transcriber classes it reads, in this order (by name: the transcriber may have more). */
  inputClasses: string[];
  /** Must be the transcriber's frame rate. */
  frameRate: number;
  beatOutput: string;
  downbeatOutput: string;
}

export type ModelSpec = TranscriberSpec | SeparatorSpec | BeatSpec;

export interface PipelineModels {
  transcriber: TranscriberSpec;
  /** Absent: transcribe the full mix directly. */
  separator?: SeparatorSpec;
  /** Absent: the grid is decoded from the drum hits alone. */
  beats?: BeatSpec;
}

/** Every model file a generation downloads, in the order the pipeline loads them. */
export function pipelineModelFiles(models: PipelineModels): ModelSpec[] {
  return [models.separator, models.transcriber, models.beats].filter((m) => m !== undefined);
}

/** Chunk sizes in samples, rounded so they line up with the model's frames. */
export function chunkSamples(spec: BaseSpec): {
  chunkSamples: number;
  overlapSamples: number;
  align: number;
} {
  const align = spec.hop;
  const round = (seconds: number, multiple: number) =>
    Math.max(multiple, Math.round((seconds * spec.sampleRate) / multiple) * multiple);
  return {
    chunkSamples: round(spec.chunkSeconds, align),
    overlapSamples: round(spec.overlapSeconds, 2 * align),
    align,
  };
}
