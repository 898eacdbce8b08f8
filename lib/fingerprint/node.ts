// Node entry point: fingerprint a file on disk the way `fpcalc` does (FFmpeg decode → 11025 Hz mono
// → Chromaprint). Used by the CLI, the benchmark and the server's tools. Never import from browser code.
import { streamMono11025 } from "../audio/decode-node.ts";
import { CHROMAPRINT_SAMPLE_RATE } from "../audio/pcm.ts";
import { ChromaprintSession, DEFAULT_MAX_DURATION_SECONDS, type Fingerprint } from "./chromaprint.ts";
import { loadChromaprintNode } from "./wasm-source-node.ts";

export interface FileFingerprint extends Fingerprint {
  /** The file's duration in seconds as its container reports it (what fpcalc prints). */
  durationSeconds: number;
}

export interface FingerprintFileOptions {
  maxDurationSeconds?: number;
  signal?: AbortSignal;
  /** Keep an FFmpeg started for the next call (default true; the CLI, which exits, passes false). */
  keepDecoderWarm?: boolean;
}

export async function fingerprintFile(
  path: string,
  options: FingerprintFileOptions = {},
): Promise<FileFingerprint> {
  const maxDurationSeconds = options.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS;
  // FFmpeg starts while the engine compiles (the first call in a process, e.g. the CLI): decoded
  // chunks wait in `pending` until the session exists. The two together are what fpcalc does serially.
  let session: ChromaprintSession | undefined;
  const pending: Int16Array[] = [];
  const engineReady = loadChromaprintNode().then((engine) => {
    session = new ChromaprintSession(engine, {
      sampleRate: CHROMAPRINT_SAMPLE_RATE,
      channels: 1,
      maxDurationSeconds,
    });
    for (const chunk of pending.splice(0)) session.feed(chunk);
    return session;
  });
  try {
    const [{ durationSeconds }, ready] = await Promise.all([
      streamMono11025(path, (chunk) => (session ? session.feed(chunk) : void pending.push(chunk)), {
        maxSeconds: maxDurationSeconds,
        signal: options.signal,
        keepWarm: options.keepDecoderWarm,
      }),
      engineReady,
    ]);
    return { ...ready.finish(), durationSeconds };
  } finally {
    // finish() disposes already; this frees the engine's memory when decoding failed (idempotent).
    (await engineReady.catch(() => undefined))?.dispose();
  }
}
