// Page side of the fingerprint worker: lazy start, one job at a time, typed results, AbortSignal.
// Usage (app code):
//   const fingerprinter = createFingerprintWorker(
//     () => new Worker(new URL("../../lib/fingerprint/worker.ts", import.meta.url), { type: "module" }));
//   const audio = await decodeWithWebAudio(await file.arrayBuffer(), { signal });
//   const fp = await fingerprinter.fingerprint(audio, { signal, onProgress });
import type { PlanarFloatAudio } from "../audio/pcm.ts";
import { FingerprintError } from "./errors.ts";
import type { FingerprintRequest, FingerprintResponse, FingerprintStage } from "./worker-protocol.ts";

export interface BrowserFingerprint {
  raw: Uint32Array;
  compressed: string;
  algorithm: number;
  durationSeconds: number;
  fingerprintedSeconds: number;
}

export interface FingerprintJobOptions {
  signal?: AbortSignal;
  onProgress?: (stage: FingerprintStage) => void;
  maxDurationSeconds?: number;
}

export interface FingerprintWorker {
  /** The audio's channel buffers are transferred to the worker (unusable here afterwards). */
  fingerprint(audio: PlanarFloatAudio, options?: FingerprintJobOptions): Promise<BrowserFingerprint>;
  /** Starts the worker (and its engine) ahead of the first job. */
  warmUp(): void;
  terminate(): void;
}

export function createFingerprintWorker(makeWorker: () => Worker): FingerprintWorker {
  let worker: Worker | undefined;
  let nextId = 1;
  let busy: Promise<unknown> = Promise.resolve();

  const run = (audio: PlanarFloatAudio, options: FingerprintJobOptions): Promise<BrowserFingerprint> =>
    new Promise((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      worker ??= makeWorker();
      const current = worker;
      const id = nextId++;
      const cleanup = () => {
        current.removeEventListener("message", onMessage);
        current.removeEventListener("error", onError);
        signal?.removeEventListener("abort", onAbort);
      };
      const onMessage = (event: MessageEvent<FingerprintResponse>) => {
        const message = event.data;
        if (message.id !== id) return;
        if (message.type === "progress") {
          options.onProgress?.(message.stage);
          return;
        }
        cleanup();
        if (message.type === "result") {
          const { type: _type, id: _id, ...result } = message;
          resolve(result);
        } else {
          reject(new FingerprintError(message.code, message.message));
        }
      };
      const onError = (event: ErrorEvent) => {
        cleanup();
        worker = undefined;
        current.terminate();
        reject(new FingerprintError("engine", `The fingerprint worker failed: ${event.message}`));
      };
      // Fingerprinting is short and the engine cheap to rebuild, so cancelling terminates the worker.
      const onAbort = () => {
        cleanup();
        worker = undefined;
        current.terminate();
        reject(signal?.reason ?? new DOMException("Aborted", "AbortError"));
      };
      current.addEventListener("message", onMessage);
      current.addEventListener("error", onError);
      signal?.addEventListener("abort", onAbort, { once: true });
      const request: FingerprintRequest = {
        type: "fingerprint",
        id,
        audio,
        maxDurationSeconds: options.maxDurationSeconds,
      };
      current.postMessage(
        request,
        audio.channels.map((c) => c.buffer as ArrayBuffer),
      );
    });

  return {
    fingerprint(audio, options = {}) {
      const job = busy.then(
        () => run(audio, options),
        () => run(audio, options),
      );
      busy = job.catch(() => undefined);
      return job;
    },
    warmUp() {
      worker ??= makeWorker();
    },
    terminate() {
      worker?.terminate();
      worker = undefined;
    },
  };
}
