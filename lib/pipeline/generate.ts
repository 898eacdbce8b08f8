// The generation pipeline as stages, each taking the AbortSignal first: load models → separate →
// transcribe (the mix or the drum stem, as the model was trained) → post-process into a chart. Decoding happens before (in the
// page, the job worker or the CLI), because only there is a decoder. The same function runs in the
// browser's inference Worker and in Node.
import type { Beatmap } from "../beatmap/index.ts";
import { throwIfAborted } from "../inference/abort.ts";
import type { InferenceBackend, ModelSession } from "../inference/backend.ts";
import { type BuildChartInput, buildChart } from "../transcribe/index.ts";
import { beatModelInputs, runBeatModel } from "./beat-model.ts";
import type { ModelSpec, PipelineModels } from "./model-spec.ts";
import { type ProgressEvent, ProgressTracker, type Stage } from "./progress.ts";
import { runSeparator, runTranscriber, type Stems } from "./run-model.ts";

export interface GenerateInput {
  /** Mono float PCM at the models' sample rate. */
  audio: Float32Array;
  sampleRate: number;
  /** About the original file, for the chart's Audio section. */
  source: { durationMs: number; sampleRate: number; filename?: string; hash?: string; fingerprint?: string };
  metadata?: { title?: string; artist?: string };
  /** Seconds already spent before the pipeline (e.g. decoding), recorded in the chart. */
  priorStageSeconds?: Partial<Record<Stage, number>>;
}

export interface GenerateDeps {
  backend: InferenceBackend;
  models: PipelineModels;
  /** Returns a ready session for a model (downloading and caching as needed). */
  session(signal: AbortSignal, spec: ModelSpec, onFraction: (f: number) => void): Promise<ModelSession>;
  /** Skip separation even when a separator exists (e.g. the input is already a drum stem). */
  skipSeparation?: boolean;
  /** Sees the post-processing's exact input before it runs (scripts/evaluate-grid.ts caches it). */
  onChartInput?: (input: BuildChartInput) => void;
}

export interface GenerateResult {
  beatmap: Beatmap;
  /** The model-rate stems, when separation ran. */
  stems?: Stems;
  warnings: string[];
  stageSeconds: Partial<Record<Stage, number>>;
  backend: string;
}

export async function generateChart(
  signal: AbortSignal,
  input: GenerateInput,
  deps: GenerateDeps,
  onProgress?: (event: ProgressEvent) => void,
): Promise<GenerateResult> {
  const { transcriber, beats } = deps.models;
  const separator = deps.skipSeparation ? undefined : deps.models.separator;
  if (beats && beats.frameRate !== transcriber.sampleRate / transcriber.hop) {
    throw new Error(
      `${beats.name} reads ${beats.frameRate} frames per second; ${transcriber.name} writes ${transcriber.sampleRate / transcriber.hop}`,
    );
  }
  for (const spec of [transcriber, separator]) {
    if (spec && spec.sampleRate !== input.sampleRate) {
      throw new Error(
        `${spec.name} expects ${spec.sampleRate} Hz audio; the pipeline was given ${input.sampleRate} Hz`,
      );
    }
  }
  const stages: Stage[] = [
    "load-models",
    ...(separator ? (["separate"] as const) : []),
    "transcribe",
    "post-process",
  ];
  const tracker = new ProgressTracker((e) => onProgress?.(e), stages);

  const sessions = await tracker.stage("load-models", async (report) => {
    const specs: ModelSpec[] = [...(separator ? [separator] : []), transcriber, ...(beats ? [beats] : [])];
    const loaded: ModelSession[] = [];
    for (const [i, spec] of specs.entries()) {
      loaded.push(await deps.session(signal, spec, (f) => report((i + f) / specs.length)));
    }
    return loaded;
  });
  const transcriberSession = sessions[separator ? 1 : 0]!;
  const beatSession = beats ? sessions.at(-1) : undefined;

  let stems: Stems | undefined;
  if (separator) {
    stems = await tracker.stage("separate", (report) =>
      runSeparator(signal, sessions[0]!, separator, input.audio, report),
    );
  }
  const heard = transcriber.source === "drums" && stems ? stems.drums : input.audio;
  const activations = await tracker.stage("transcribe", (report) =>
    runTranscriber(signal, transcriberSession, transcriber, heard, report),
  );
  throwIfAborted(signal);

  const result = await tracker.stage("post-process", async () => {
    // The beat model is small (well under a second for a song): part of post-processing.
    const beatActivations =
      beats && beatSession
        ? await runBeatModel(
            beatSession,
            beats,
            beatModelInputs(
              activations,
              stems?.accompaniment,
              transcriber.sampleRate,
              transcriber.hop,
              beats.inputClasses,
            ),
          )
        : undefined;
    throwIfAborted(signal);
    const chartInput: BuildChartInput = {
      activations,
      ...(beatActivations ? { beats: beatActivations } : {}),
      settings: {
        thresholds: transcriber.thresholds,
        minGapMs: transcriber.minGapMs,
        ...(transcriber.calibration ? { calibration: transcriber.calibration } : {}),
      },
      audio: {
        durationMs: input.source.durationMs,
        sampleRate: input.source.sampleRate,
        ...(input.source.filename ? { filename: input.source.filename } : {}),
        ...(input.source.hash ? { hash: input.source.hash } : {}),
        ...(input.source.fingerprint ? { fingerprint: input.source.fingerprint } : {}),
      },
      generation: {
        models: [transcriber, ...(separator ? [separator] : []), ...(beats ? [beats] : [])].map((m) => ({
          name: m.name,
          version: m.version,
        })),
        backend: deps.backend.name,
        stageSeconds: { ...input.priorStageSeconds, ...tracker.stageSeconds },
        thresholds: transcriber.thresholds,
        createdAt: new Date().toISOString(),
      },
      ...(input.metadata ? { metadata: input.metadata } : {}),
    };
    deps.onChartInput?.(chartInput);
    return buildChart(chartInput);
  });
  return {
    beatmap: result.beatmap,
    ...(stems ? { stems } : {}),
    warnings: result.warnings,
    stageSeconds: { ...input.priorStageSeconds, ...tracker.stageSeconds },
    backend: deps.backend.name,
  };
}
