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
}

export async function fingerprintFile(
  path: string,
  options: FingerprintFileOptions = {},
): Promise<FileFingerprint> {
  const maxDurationSeconds = options.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS;
  const engine = await loadChromaprintNode();
  const session = new ChromaprintSession(engine, {
    sampleRate: CHROMAPRINT_SAMPLE_RATE,
    channels: 1,
    maxDurationSeconds,
  });
  try {
    const { durationSeconds } = await streamMono11025(path, (chunk) => session.feed(chunk), {
      maxSeconds: maxDurationSeconds,
      signal: options.signal,
    });
    return { ...session.finish(), durationSeconds };
  } finally {
    session.dispose();
  }
}
