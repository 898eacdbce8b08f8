// onnxruntime-node backend for the server's job worker and the CLI. CUDA is used when its
// execution provider is installed and a GPU is present (see docs/MODELS.md), else the CPU.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { InferenceBackend } from "./backend.ts";
import { type OrtLike, type OrtSessionLike, wrapSession } from "./ort-common.ts";

export interface NodeBackendOptions {
  /** "auto" tries CUDA first and falls back to the CPU. */
  device?: "auto" | "cuda" | "cpu";
  /** 0 lets onnxruntime choose. */
  intraOpThreads?: number;
}

export async function createNodeBackend(options: NodeBackendOptions = {}): Promise<InferenceBackend> {
  const ort = await import("onnxruntime-node");
  const device = options.device ?? "auto";
  if (device === "cuda" && !cudaInstalled()) {
    throw new Error(
      "CUDA inference was requested, but onnxruntime-node's CUDA provider is not installed or no NVIDIA GPU is visible (see docs/MODELS.md).",
    );
  }
  // Try CUDA only where it can work (trying elsewhere makes onnxruntime print a loader error);
  // the first session then settles it for the process.
  let useCuda = device !== "cpu" && cudaInstalled();

  const create = async (model: Uint8Array, provider: "cuda" | "cpu") => {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [provider],
      graphOptimizationLevel: "all",
      intraOpNumThreads: options.intraOpThreads ?? 0,
    });
    return wrapSession(ort as unknown as OrtLike, session as unknown as OrtSessionLike);
  };

  return {
    get name() {
      return useCuda ? "node-cuda" : "node-cpu";
    },
    async createSession(model) {
      if (useCuda) {
        try {
          return await create(model, "cuda");
        } catch (error) {
          if (device === "cuda")
            throw new Error(`CUDA inference was requested but is not available: ${String(error)}`);
          useCuda = false;
        }
      }
      return create(model, "cpu");
    },
  };
}

/** The CUDA provider library ships only when installed with ONNXRUNTIME_NODE_INSTALL=cuda12. */
function cudaInstalled(): boolean {
  try {
    const entry = createRequire(import.meta.url).resolve("onnxruntime-node");
    const bin = path.resolve(path.dirname(entry), "..", "bin", "napi-v6", process.platform, process.arch);
    return existsSync(path.join(bin, "libonnxruntime_providers_cuda.so")) && existsSync("/dev/nvidiactl");
  } catch {
    return false;
  }
}
