// Page side of the generation Worker (on lib/workers/worker-bridge.ts): lazy start, one run at a
// time, typed results, AbortSignal. Cancelling asks the worker to stop between chunks, keeping its
// model sessions warm; only a worker that crashed is thrown away.
import type { Beatmap } from "../beatmap/index.ts";
import {
  type BackendTiming,
  PROBE_AUDIO_SECONDS,
  secondsPerAudioSecond,
} from "../inference/backend-choice.ts";
import type { DownloadProgress } from "../inference/model-store.ts";
import { createWorkerBridge } from "../workers/worker-bridge.ts";
import type { GenerateInput } from "./generate.ts";
import type { PipelineModels } from "./model-spec.ts";
import type { ProgressEvent, Stage } from "./progress.ts";
import type { GenerationRequest, GenerationResponse } from "./worker-protocol.ts";

export interface BrowserGenerateOptions {
  backend: "webgpu" | "wasm";
  threads: number;
  models: PipelineModels;
  wasmPaths?: string;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  onDownload?: (progress: DownloadProgress) => void;
}

export interface BrowserGenerateResult {
  beatmap: Beatmap;
  stems?: { sampleRate: number; drums: Float32Array; accompaniment: Float32Array };
  warnings: string[];
  stageSeconds: Partial<Record<Stage, number>>;
  backend: string;
}

export interface GenerationWorker {
  /** `input.audio` is transferred to the worker. */
  generate(input: GenerateInput, options: BrowserGenerateOptions): Promise<BrowserGenerateResult>;
  /** Times the models on a backend (downloading them first if needed); the sessions stay warm. */
  measure(options: Omit<BrowserGenerateOptions, "onProgress">): Promise<BackendTiming>;
  terminate(): void;
}

/** What every request to the worker names: the run's id, the backend and the models. */
function runtimeFields(id: number, options: Omit<BrowserGenerateOptions, "onProgress">) {
  return {
    id,
    backend: options.backend,
    threads: options.threads,
    wasmPaths: options.wasmPaths ?? "/ort/",
    models: options.models,
  };
}

/** The worker's error reply as the Error it was there (an AbortError stays one). */
function errorOf(reply: Extract<GenerationResponse, { type: "error" }>): Error {
  const error = new Error(reply.message);
  error.name = reply.name;
  return error;
}

export function createGenerationWorker(makeWorker: () => Worker): GenerationWorker {
  const bridge = createWorkerBridge<GenerationResponse>(makeWorker);
  return {
    generate(input, options) {
      return bridge.run<BrowserGenerateResult>({
        signal: options.signal,
        start(worker, id) {
          const request: GenerationRequest = { type: "generate", ...runtimeFields(id, options), input };
          worker.postMessage(request, [input.audio.buffer]);
        },
        onReply(reply) {
          if (reply.type === "progress") options.onProgress?.(reply.event);
          else if (reply.type === "download") options.onDownload?.(reply.progress);
          else if (reply.type === "done") {
            const { type: _t, id: _i, ...result } = reply;
            return { result };
          } else if (reply.type === "error") throw errorOf(reply);
          return undefined;
        },
        crashError: (event) =>
          new Error(
            `The generation worker crashed: ${event.message || "unknown error"}. Try again, or choose another backend.`,
          ),
        // The worker stops between chunks and keeps its model sessions warm for the next run.
        cancel: (worker, id) => worker.postMessage({ type: "cancel", id } satisfies GenerationRequest),
      });
    },
    measure(options) {
      return bridge.run<BackendTiming>({
        signal: options.signal,
        start(worker, id) {
          const request: GenerationRequest = {
            type: "measure",
            ...runtimeFields(id, options),
            probeSeconds: PROBE_AUDIO_SECONDS,
          };
          worker.postMessage(request);
        },
        onReply(reply) {
          if (reply.type === "download") options.onDownload?.(reply.progress);
          else if (reply.type === "measured") {
            return {
              result: {
                backend: options.backend,
                secondsPerAudioSecond: secondsPerAudioSecond(reply.runs),
                warmUpSeconds: reply.warmUpSeconds,
              },
            };
          } else if (reply.type === "error") throw errorOf(reply);
          return undefined;
        },
        crashError: (event) =>
          new Error(
            `The generation worker crashed while timing ${options.backend}: ${event.message || "unknown error"}. Choose a backend yourself.`,
          ),
        cancel: (worker, id) => worker.postMessage({ type: "cancel", id } satisfies GenerationRequest),
      });
    },
    terminate: () => bridge.terminate(),
  };
}
