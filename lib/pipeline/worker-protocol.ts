// Messages between the page and the generation Worker (lib/pipeline/worker.ts).
import type { Beatmap } from "../beatmap/index.ts";
import type { DownloadProgress } from "../inference/model-store.ts";
import type { GenerateInput } from "./generate.ts";
import type { PipelineModels } from "./model-spec.ts";
import type { ProgressEvent, Stage } from "./progress.ts";

export interface GenerateRequest {
  type: "generate";
  id: number;
  backend: "webgpu" | "wasm";
  threads: number;
  /** URL prefix of onnxruntime-web's .wasm files. */
  wasmPaths: string;
  models: PipelineModels;
  /** `input.audio`'s buffer is transferred. */
  input: GenerateInput;
}

export interface CancelRequest {
  type: "cancel";
  id: number;
}

export type GenerationRequest = GenerateRequest | CancelRequest;

export type GenerationResponse =
  | { type: "progress"; id: number; event: ProgressEvent }
  | { type: "download"; id: number; progress: DownloadProgress }
  | {
      type: "done";
      id: number;
      beatmap: Beatmap;
      /** Model-rate stems (buffers transferred). */
      stems?: { sampleRate: number; drums: Float32Array; accompaniment: Float32Array };
      warnings: string[];
      stageSeconds: Partial<Record<Stage, number>>;
      backend: string;
    }
  | { type: "error"; id: number; name: string; message: string };
