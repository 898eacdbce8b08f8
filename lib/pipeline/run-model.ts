// Runs a model over a whole song chunk by chunk (bounded memory), checking for cancellation between
// chunks and reporting the fraction done after each.
import { throwIfAborted, yieldToEventLoop } from "../inference/abort.ts";
import type { ModelSession, TensorData } from "../inference/backend.ts";
import { chunkInput, planChunks, stitchFrames, stitchSamples } from "../inference/chunking.ts";
import { type ArticulationActivations, articulationChannels } from "../transcribe/index.ts";
import { chunkSamples, type SeparatorSpec, type TranscriberSpec } from "./model-spec.ts";

export type FractionCallback = (fraction: number) => void;

function output(outputs: Record<string, TensorData>, name: string): TensorData {
  const t = outputs[name];
  if (!t) throw new Error(`The model has no output "${name}" (it has ${Object.keys(outputs).join(", ")})`);
  return t;
}

export interface TranscriberOutput {
  fps: number;
  classes: string[];
  onset: Float32Array;
  velocity?: Float32Array;
  articulation?: ArticulationActivations;
}

/** Checks that a chunk's output has `columns` values per frame (its last dimension). */
function assertColumns(
  spec: TranscriberSpec,
  name: string,
  t: TensorData,
  columns: number,
  what: string,
): void {
  if (t.dims.at(-1) !== columns) {
    throw new Error(
      `${spec.name} returned ${t.dims.at(-1)} ${what}; the manifest lists ${columns} (output "${name}")`,
    );
  }
}

export async function runTranscriber(
  signal: AbortSignal,
  session: ModelSession,
  spec: TranscriberSpec,
  audio: Float32Array,
  onFraction?: FractionCallback,
): Promise<TranscriberOutput> {
  const columns = spec.classes.length;
  // Frame t is centred on sample t·hop (centre padding): floor(N / hop) + 1 frames.
  const totalFrames = Math.floor(audio.length / spec.hop) + 1;
  const onset = new Float32Array(totalFrames * columns);
  const velocity = spec.velocityOutput ? new Float32Array(totalFrames * columns) : undefined;
  const groups = spec.articulations?.groups;
  const channels = groups ? articulationChannels(groups) : 0;
  const articulation = groups ? new Float32Array(totalFrames * channels) : undefined;
  const chunks = planChunks(audio.length, chunkSamples(spec));
  for (const chunk of chunks) {
    throwIfAborted(signal);
    const outputs = await session.run({
      [spec.input]: { data: chunkInput(audio, chunk), dims: [1, chunk.length] },
    });
    const onsetChunk = output(outputs, spec.onsetOutput);
    assertColumns(spec, spec.onsetOutput, onsetChunk, columns, "classes");
    // The last chunk's keep region reaches the end of the song: include the final centred frame.
    const keep = chunk.keepTo === audio.length ? { ...chunk, keepTo: audio.length + spec.hop } : chunk;
    stitchFrames(onset, onsetChunk.data, keep, spec.hop, columns);
    if (velocity && spec.velocityOutput) {
      stitchFrames(velocity, output(outputs, spec.velocityOutput).data, keep, spec.hop, columns);
    }
    if (articulation && spec.articulations) {
      // Frame-aligned like the onsets, so the same keep region and stitching apply.
      const chunkOut = output(outputs, spec.articulations.output);
      assertColumns(spec, spec.articulations.output, chunkOut, channels, "articulation channels");
      stitchFrames(articulation, chunkOut.data, keep, spec.hop, channels);
    }
    onFraction?.((chunk.index + 1) / chunks.length);
    await yieldToEventLoop(signal);
  }
  return {
    fps: spec.sampleRate / spec.hop,
    classes: spec.classes,
    onset,
    ...(velocity ? { velocity } : {}),
    ...(articulation && groups ? { articulation: { groups, data: articulation } } : {}),
  };
}

export interface Stems {
  sampleRate: number;
  drums: Float32Array;
  accompaniment: Float32Array;
}

export async function runSeparator(
  signal: AbortSignal,
  session: ModelSession,
  spec: SeparatorSpec,
  audio: Float32Array,
  onFraction?: FractionCallback,
): Promise<Stems> {
  const drums = new Float32Array(audio.length);
  const accompaniment = new Float32Array(audio.length);
  const chunks = planChunks(audio.length, chunkSamples(spec));
  for (const chunk of chunks) {
    throwIfAborted(signal);
    const outputs = await session.run({
      [spec.input]: { data: chunkInput(audio, chunk), dims: [1, chunk.length] },
    });
    stitchSamples(drums, output(outputs, spec.drumsOutput).data, chunk);
    stitchSamples(accompaniment, output(outputs, spec.accompanimentOutput).data, chunk);
    onFraction?.((chunk.index + 1) / chunks.length);
    await yieldToEventLoop(signal);
  }
  return { sampleRate: spec.sampleRate, drums, accompaniment };
}
