// The message contract between the page and lib/fingerprint/worker.ts, and the worker's handler as
// a plain function (so it is tested in Node without a Worker).
import type { PlanarFloatAudio } from "../audio/pcm.ts";
import { planarToMono11025 } from "../audio/to-mono-11025.ts";
import { ChromaprintSession, DEFAULT_MAX_DURATION_SECONDS } from "./chromaprint.ts";
import type { ChromaprintExports } from "./chromaprint-wasm.ts";
import { type FingerprintErrorCode, isFingerprintError } from "./errors.ts";

export interface FingerprintRequest {
  type: "fingerprint";
  id: number;
  audio: PlanarFloatAudio;
  maxDurationSeconds?: number;
}

export type FingerprintStage = "resample" | "fingerprint";

export type FingerprintResponse =
  | { type: "progress"; id: number; stage: FingerprintStage }
  | {
      type: "result";
      id: number;
      raw: Uint32Array;
      compressed: string;
      algorithm: number;
      durationSeconds: number;
      fingerprintedSeconds: number;
    }
  | { type: "error"; id: number; code: FingerprintErrorCode; message: string };

/** Builds the worker's message handler; `loadEngine` is called once, on the first request. */
export function createFingerprintHandler(
  loadEngine: () => Promise<ChromaprintExports>,
  post: (message: FingerprintResponse, transfer: Transferable[]) => void,
): (request: FingerprintRequest) => Promise<void> {
  let engine: Promise<ChromaprintExports> | undefined;
  return async (request) => {
    const { id } = request;
    try {
      engine ??= loadEngine();
      const maxDurationSeconds = request.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS;
      post({ type: "progress", id, stage: "resample" }, []);
      const pcm = planarToMono11025(request.audio, maxDurationSeconds);
      post({ type: "progress", id, stage: "fingerprint" }, []);
      const session = new ChromaprintSession(await engine, {
        sampleRate: pcm.sampleRate,
        channels: 1,
        maxDurationSeconds,
      });
      try {
        session.feed(pcm.samples);
      } catch (error) {
        session.dispose();
        throw error;
      }
      const fp = session.finish();
      post(
        {
          type: "result",
          id,
          raw: fp.raw,
          compressed: fp.compressed,
          algorithm: fp.algorithm,
          durationSeconds: pcm.durationSeconds,
          fingerprintedSeconds: fp.fingerprintedSeconds,
        },
        [fp.raw.buffer],
      );
    } catch (error) {
      engine = isFingerprintError(error) ? engine : undefined; // reload a broken engine next time
      post(
        {
          type: "error",
          id,
          code: isFingerprintError(error) ? error.code : "engine",
          message: error instanceof Error ? error.message : String(error),
        },
        [],
      );
    }
  };
}
