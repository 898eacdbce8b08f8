// Messages between the page and the generation Worker (lib/pipeline/worker.ts).
import type { Beatmap } from "../beatmap/index.ts";
import type { ProbeRun } from "../inference/backend-choice.ts";
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

/** Times the models on this backend: warm-up, then one run on `probeSeconds` of audio each. */
export interface MeasureRequest {
  type: "measure";
  id: number;
  backend: "webgpu" | "wasm";
  threads: number;
  wasmPaths: string;
  models: PipelineModels;
  probeSeconds: number;
}

export interface CancelRequest {
  type: "cancel";
  id: number;
}

export type GenerationRequest = GenerateRequest | MeasureRequest | CancelRequest;

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
  | { type: "measured"; id: number; runs: ProbeRun[]; warmUpSeconds: number }
  | { type: "error"; id: number; name: string; message: string };
