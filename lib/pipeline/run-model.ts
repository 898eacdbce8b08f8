// Runs a model over a whole song chunk by chunk (bounded memory), checking for cancellation between
// chunks and reporting the fraction done after each.
import { throwIfAborted, yieldToEventLoop } from "../inference/abort.ts";
import type { ModelSession, TensorData } from "../inference/backend.ts";
import { chunkInput, planChunks, stitchFrames, stitchSamples } from "../inference/chunking.ts";
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
  const chunks = planChunks(audio.length, chunkSamples(spec));
  for (const chunk of chunks) {
    throwIfAborted(signal);
    const outputs = await session.run({
      [spec.input]: { data: chunkInput(audio, chunk), dims: [1, chunk.length] },
    });
    const onsetChunk = output(outputs, spec.onsetOutput);
    if (onsetChunk.dims.at(-1) !== columns) {
      throw new Error(
        `${spec.name} returned ${onsetChunk.dims.at(-1)} classes; the manifest lists ${columns}`,
      );
    }
    // The last chunk's keep region reaches the end of the song: include the final centred frame.
    const keep = chunk.keepTo === audio.length ? { ...chunk, keepTo: audio.length + spec.hop } : chunk;
    stitchFrames(onset, onsetChunk.data, keep, spec.hop, columns);
    if (velocity && spec.velocityOutput) {
      stitchFrames(velocity, output(outputs, spec.velocityOutput).data, keep, spec.hop, columns);
    }
    onFraction?.((chunk.index + 1) / chunks.length);
    await yieldToEventLoop(signal);
  }
  return { fps: spec.sampleRate / spec.hop, classes: spec.classes, onset, ...(velocity ? { velocity } : {}) };
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
