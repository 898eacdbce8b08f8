// onnxruntime-web backend, used inside the inference Worker. WebGPU and WASM come from separate
// builds so a device that only needs WASM downloads the smaller runtime (14 MB vs 27 MB); the
// .wasm files are served from /ort/ (copied there at install, see scripts/postinstall.mjs).
import type { InferenceBackend } from "./backend.ts";
import { type OrtLike, type OrtSessionLike, wrapSession } from "./ort-common.ts";

export interface WebBackendOptions {
  /** URL prefix the runtime's .wasm files are served from. */
  wasmPaths: string;
  /** WASM threads (1 unless the page is cross-origin isolated). */
  threads: number;
}

export async function createWebBackend(
  name: "webgpu" | "wasm",
  options: WebBackendOptions,
): Promise<InferenceBackend> {
  const ort =
    name === "webgpu" ? await import("onnxruntime-web/webgpu") : await import("onnxruntime-web/wasm");
  // Only the .wasm is fetched from /ort/; the JS glue is inside the bundle already.
  ort.env.wasm.wasmPaths = {
    wasm: `${options.wasmPaths}${name === "webgpu" ? "ort-wasm-simd-threaded.asyncify.wasm" : "ort-wasm-simd-threaded.wasm"}`,
  };
  ort.env.wasm.numThreads = options.threads;
  ort.env.logLevel = "error";
  // Session creation compiles shaders / instantiates WASM: one at a time, as transformers.js does.
  let creating: Promise<unknown> = Promise.resolve();
  return {
    name,
    createSession(model) {
      const next = creating.then(async () => {
        const session = await ort.InferenceSession.create(model, {
          executionProviders: [name],
          graphOptimizationLevel: "all",
        });
        return wrapSession(ort as unknown as OrtLike, session as unknown as OrtSessionLike);
      });
      creating = next.catch(() => {});
      return next;
    },
  };
}
