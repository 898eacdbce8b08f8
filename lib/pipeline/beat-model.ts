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
 * The model's input rows: the onsets of `inputClasses` (the classes it was trained on, by name; a
 * later transcriber may add classes after them), then the accompaniment's features. Without an
 * accompaniment (separation skipped) the features are zeros, as in the training clips with drums
 * only.
 */
export function beatModelInputs(
  activations: TranscriberOutput,
  accompaniment: Float32Array | undefined,
  sampleRate: number,
  hop: number,
  inputClasses: readonly string[] = activations.classes,
): BeatModelInputs {
  const all = activations.classes.length;
  const columns = inputClasses.map((name) => {
    const c = activations.classes.indexOf(name);
    if (c < 0) {
      throw new Error(
        `The beat model reads the transcriber class "${name}", which this transcriber (${activations.classes.join(", ")}) does not have.`,
      );
    }
    return c;
  });
  const classes = columns.length;
  const frames = activations.onset.length / all;
  const channels = classes + BEAT_FEATURE_COUNT;
  const data = new Float32Array(frames * channels);
  const features = accompaniment ? beatFeatures(accompaniment, sampleRate, hop) : undefined;
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < classes; c++) data[t * channels + c] = activations.onset[t * all + columns[c]!]!;
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
