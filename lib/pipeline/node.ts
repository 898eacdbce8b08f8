// The generation pipeline in Node (CLI, server job worker): models read from public/models and
// checked against the manifest, onnxruntime-node sessions (CUDA when present, else CPU), audio
// decoded by FFmpeg.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { decodeFileFloat } from "../audio/decode-node-float.ts";
import type { Beatmap } from "../beatmap/index.ts";
import type { InferenceBackend, ModelSession } from "../inference/backend.ts";
import { ModelIntegrityError, sha256Hex } from "../inference/model-store.ts";
import { createNodeBackend, type NodeBackendOptions } from "../inference/ort-node.ts";
import type { BuildChartInput } from "../transcribe/index.ts";
import { generateChart } from "./generate.ts";
import { type LoadedManifest, pipelineModelsFromManifest } from "./manifest-adapter.ts";
import { BROWSER_DECODE_RATE, toModelAudio } from "./model-audio.ts";
import type { ModelSpec } from "./model-spec.ts";
import type { ProgressEvent, Stage } from "./progress.ts";
import { runSeparator, type Stems } from "./run-model.ts";
import { type StemsAtRate, stemsAtSourceRate } from "./stems.ts";

export const defaultModelsDir = (): string =>
  path.resolve(import.meta.dirname, "..", "..", "public", "models");

export interface NodePipeline {
  manifest: LoadedManifest;
  backend: InferenceBackend;
  session(spec: ModelSpec): Promise<ModelSession>;
}

export async function createNodePipeline(
  modelsDir = defaultModelsDir(),
  backendOptions: NodeBackendOptions = {},
): Promise<NodePipeline> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path.join(modelsDir, "manifest.json"), "utf8"));
  } catch (error) {
    throw new Error(`No readable model manifest in ${modelsDir}: ${(error as Error).message}`);
  }
  const manifest = pipelineModelsFromManifest(json);
  const backend = await createNodeBackend(backendOptions);
  const sessions = new Map<string, Promise<ModelSession>>();
  return {
    manifest,
    backend,
    session(spec) {
      let session = sessions.get(spec.sha256);
      if (!session) {
        session = (async () => {
          const bytes = new Uint8Array(await readFile(path.join(modelsDir, path.basename(spec.url))));
          if (bytes.length !== spec.bytes || (await sha256Hex(bytes)) !== spec.sha256) {
            throw new ModelIntegrityError(`${spec.url} does not match its manifest entry (size or sha256).`);
          }
          return backend.createSession(bytes);
        })();
        sessions.set(spec.sha256, session);
      }
      return session;
    },
  };
}

export interface TranscribeFileResult {
  beatmap: Beatmap;
  warnings: string[];
  stageSeconds: Partial<Record<Stage, number>>;
  backend: string;
  stems?: Stems;
}

export async function transcribeFile(
  signal: AbortSignal,
  pipeline: NodePipeline,
  file: string,
  options: {
    onProgress?: (e: ProgressEvent) => void;
    skipSeparation?: boolean;
    audioHash?: string;
    /** Sees buildChart's exact input (activations, settings, …) before post-processing runs. */
    onChartInput?: (input: BuildChartInput) => void;
  } = {},
): Promise<TranscribeFileResult> {
  const rate = pipeline.manifest.models.transcriber.sampleRate;
  const t0 = performance.now();
  // Decoded at 44.1 kHz and resampled here, exactly as the browser does (lib/pipeline/model-audio.ts).
  const decoded = await decodeFileFloat(file, { sampleRate: BROWSER_DECODE_RATE, signal });
  const audio = toModelAudio(decoded.channels, decoded.sampleRate, rate);
  const decodeSeconds = Math.round(performance.now() - t0) / 1000;
  const hash = options.audioHash ?? (await sha256Hex(new Uint8Array(await readFile(file))));
  return generateChart(
    signal,
    {
      audio,
      sampleRate: rate,
      source: {
        durationMs: Math.round(decoded.durationSeconds * 1000),
        sampleRate: decoded.sourceSampleRate,
        filename: path.basename(file),
        hash,
      },
      metadata: { title: path.basename(file).replace(/\.[^.]+$/, "") },
      priorStageSeconds: { decode: decodeSeconds },
    },
    {
      backend: pipeline.backend,
      models: pipeline.manifest.models,
      session: async (_signal, spec, report) => {
        const s = await pipeline.session(spec);
        report(1);
        return s;
      },
      ...(options.skipSeparation ? { skipSeparation: true } : {}),
      ...(options.onChartInput ? { onChartInput: options.onChartInput } : {}),
    },
    options.onProgress,
  );
}

/** Separates a file into drums and accompaniment at the file's own rate and channel count. */
export async function separateFile(
  signal: AbortSignal,
  pipeline: NodePipeline,
  file: string,
): Promise<StemsAtRate> {
  const separator = pipeline.manifest.models.separator;
  if (!separator) throw new Error("The installed models include no separation model.");
  const original = await decodeFileFloat(file, { signal });
  const channels = original.channels;
  const audio = toModelAudio(original.channels, original.sampleRate, separator.sampleRate);
  const stems = await runSeparator(signal, await pipeline.session(separator), separator, audio);
  return stemsAtSourceRate(channels, original.sampleRate, stems);
}
