// Shared adapter from an onnxruntime (web or node) InferenceSession to ModelSession. Both packages
// expose the same API (onnxruntime-common); only how the module is loaded differs.
import type { ModelSession, TensorData } from "./backend.ts";

interface OrtTensor {
  data: unknown;
  dims: readonly number[];
  type: string;
}

export interface OrtLike {
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensor;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export function wrapSession(ort: OrtLike, session: OrtSessionLike): ModelSession {
  // ORT sessions are not re-entrant; runs are serialised so chunks never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run(feeds) {
      const next = queue.then(async () => {
        const ortFeeds: Record<string, OrtTensor> = {};
        for (const [name, t] of Object.entries(feeds))
          ortFeeds[name] = new ort.Tensor("float32", t.data, t.dims);
        const out = await session.run(ortFeeds);
        const result: Record<string, TensorData> = {};
        for (const [name, t] of Object.entries(out)) {
          if (t.type !== "float32")
            throw new Error(`Model output ${name} is ${t.type}; the pipeline expects float32`);
          // Copy: runtimes may reuse output buffers on the next run.
          result[name] = { data: new Float32Array(t.data as Float32Array), dims: [...t.dims] };
        }
        return result;
      });
      queue = next.catch(() => {});
      return next;
    },
    release: () => session.release(),
  };
}
