// Page side of the generation Worker (squoosh's worker-bridge shape): lazy start, one run at a
// time, typed results, AbortSignal. Cancelling asks the worker to stop between chunks, keeping its
// model sessions warm; only a worker that crashed is thrown away.
import type { Beatmap } from "../beatmap/index.ts";
import type { DownloadProgress } from "../inference/model-store.ts";
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
  terminate(): void;
}

export function createGenerationWorker(makeWorker: () => Worker): GenerationWorker {
  let worker: Worker | undefined;
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  const run = (input: GenerateInput, options: BrowserGenerateOptions) =>
    new Promise<BrowserGenerateResult>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      worker ??= makeWorker();
      const current = worker;
      const id = nextId++;
      const send = (message: GenerationRequest, transfer: Transferable[] = []) =>
        current.postMessage(message, transfer);
      const cleanup = () => {
        current.removeEventListener("message", onMessage);
        current.removeEventListener("error", onError);
        signal?.removeEventListener("abort", onAbort);
      };
      const onMessage = (event: MessageEvent<GenerationResponse>) => {
        const message = event.data;
        if (message.id !== id) return;
        if (message.type === "progress") return options.onProgress?.(message.event);
        if (message.type === "download") return options.onDownload?.(message.progress);
        cleanup();
        if (message.type === "done") {
          const { type: _t, id: _i, ...result } = message;
          resolve(result);
        } else {
          const error = new Error(message.message);
          error.name = message.name;
          reject(error);
        }
      };
      const onError = (event: ErrorEvent) => {
        cleanup();
        worker = undefined;
        current.terminate();
        reject(
          new Error(
            `The generation worker crashed: ${event.message || "unknown error"}. Try again, or choose another backend.`,
          ),
        );
      };
      const onAbort = () => {
        send({ type: "cancel", id });
        cleanup();
        reject(signal?.reason ?? new DOMException("The operation was cancelled.", "AbortError"));
      };
      current.addEventListener("message", onMessage);
      current.addEventListener("error", onError);
      signal?.addEventListener("abort", onAbort, { once: true });
      send(
        {
          type: "generate",
          id,
          backend: options.backend,
          threads: options.threads,
          wasmPaths: options.wasmPaths ?? "/ort/",
          models: options.models,
          input,
        },
        [input.audio.buffer],
      );
    });

  return {
    generate(input, options) {
      const next = queue.then(() => run(input, options));
      queue = next.catch(() => {});
      return next;
    },
    terminate() {
      worker?.terminate();
      worker = undefined;
    },
  };
}
