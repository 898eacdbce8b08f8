// The beat model (beatsight-beats): per-frame beat and downbeat probabilities from what the
// pipeline already has after transcription — the transcriber's onset activations on the drum
// stem and the accompaniment stem's band onsets and harmony change (beat-features.ts). A small
// dilated TCN (training/beats_model.py); its output is an extra observation of the bar-pointer
// decoder (lib/transcribe/bar-pointer.ts), beside the drum-pattern evidence.
import type { ModelSession } from "../inference/backend.ts";
import type { BeatActivations } from "../transcribe/index.ts";
import { BEAT_FEATURE_COUNT, beatFeatures } from "./beat-features.ts";
import type { BeatSpec } from "./model-spec.ts";
import type { TranscriberOutput } from "./run-model.ts";

export interface BeatModelInputs {
  frames: number;
  channels: number;
  /** frames × channels, row-major: the transcriber's classes, then the accompaniment features. */
  data: Float32Array;
}

/**
 * The model's input rows. Without an accompaniment (separation skipped) its features are zeros,
 * as in the training clips with drums only.
 */
export function beatModelInputs(
  activations: TranscriberOutput,
  accompaniment: Float32Array | undefined,
  sampleRate: number,
  hop: number,
): BeatModelInputs {
  const classes = activations.classes.length;
  const frames = activations.onset.length / classes;
  const channels = classes + BEAT_FEATURE_COUNT;
  const data = new Float32Array(frames * channels);
  const features = accompaniment ? beatFeatures(accompaniment, sampleRate, hop) : undefined;
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < classes; c++) data[t * channels + c] = activations.onset[t * classes + c]!;
    if (!features || t >= features.frames) continue;
    for (let f = 0; f < BEAT_FEATURE_COUNT; f++) {
      data[t * channels + classes + f] = features.data[t * BEAT_FEATURE_COUNT + f]!;
    }
  }
  return { frames, channels, data };
}

/** Runs the beat model over a whole song at once (a few MB even for 10 minutes). */
export async function runBeatModel(
  session: ModelSession,
  spec: BeatSpec,
  inputs: BeatModelInputs,
): Promise<BeatActivations> {
  if (inputs.channels !== spec.inputChannels) {
    throw new Error(
      `${spec.name} expects ${spec.inputChannels} input rows per frame; the pipeline has ${inputs.channels} (a transcriber with other classes?)`,
    );
  }
  const outputs = await session.run({
    [spec.input]: { data: inputs.data, dims: [1, inputs.frames, inputs.channels] },
  });
  const beat = outputs[spec.beatOutput];
  const downbeat = outputs[spec.downbeatOutput];
  if (!beat || !downbeat) {
    throw new Error(`${spec.name} has no "${spec.beatOutput}" or "${spec.downbeatOutput}" output`);
  }
  return {
    fps: spec.frameRate,
    beat: Float32Array.from(beat.data),
    downbeat: Float32Array.from(downbeat.data),
  };
}
