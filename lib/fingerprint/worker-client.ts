// Page side of the fingerprint worker: lazy start, one job at a time, typed results, AbortSignal.
// Usage (app code):
//   const fingerprinter = createFingerprintWorker(
//     () => new Worker(new URL("../../lib/fingerprint/worker.ts", import.meta.url), { type: "module" }));
//   const audio = await decodeWithWebAudio(await file.arrayBuffer(), { signal });
//   const fp = await fingerprinter.fingerprint(audio, { signal, onProgress });
import type { PlanarFloatAudio } from "../audio/pcm.ts";
import { createWorkerBridge } from "../workers/worker-bridge.ts";
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
  const bridge = createWorkerBridge<FingerprintResponse>(makeWorker);
  return {
    fingerprint(audio, options = {}) {
      return bridge.run<BrowserFingerprint>({
        signal: options.signal,
        start(worker, id) {
          const request: FingerprintRequest = {
            type: "fingerprint",
            id,
            audio,
            maxDurationSeconds: options.maxDurationSeconds,
          };
          worker.postMessage(
            request,
            audio.channels.map((c) => c.buffer as ArrayBuffer),
          );
        },
        onReply(reply) {
          if (reply.type === "progress") {
            options.onProgress?.(reply.stage);
            return undefined;
          }
          if (reply.type === "error") throw new FingerprintError(reply.code, reply.message);
          const { type: _type, id: _id, ...result } = reply;
          return { result };
        },
        crashError: (event) =>
          new FingerprintError("engine", `The fingerprint worker failed: ${event.message}`),
        // Fingerprinting is short and the engine cheap to rebuild, so cancelling ends the worker.
        cancel: "terminate",
      });
    },
    warmUp: () => bridge.warmUp(),
    terminate: () => bridge.terminate(),
  };
}
