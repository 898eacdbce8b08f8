// The seam between the pipeline and an ONNX runtime. The same pipeline runs in a browser Worker
// (onnxruntime-web: webgpu or wasm), in the server's job worker and in the CLI (onnxruntime-node:
// cuda or cpu); each runtime is one implementation of this interface.

export type BackendName = "webgpu" | "wasm" | "node-cuda" | "node-cpu";

/** A float32 tensor as plain data, so stages never depend on a runtime's tensor class. */
export interface TensorData {
  data: Float32Array;
  dims: readonly number[];
}

export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export interface InferenceBackend {
  readonly name: BackendName;
  /** Builds a session from the model's bytes (already integrity-checked). */
  createSession(model: Uint8Array): Promise<ModelSession>;
}

export function tensor(data: Float32Array, dims: readonly number[]): TensorData {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new Error(`Tensor of ${data.length} values cannot have shape [${dims.join(", ")}]`);
  return { data, dims };
}
