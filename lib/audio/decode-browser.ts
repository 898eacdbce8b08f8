// Browser main-thread decoding with WebAudio. decodeAudioData is not available inside Workers
// (no AudioContext there), but the browser decodes off the main thread anyway; we then hand the
// float channels to the fingerprint worker (transferred, not copied) for downmix + resampling.

import type { PlanarFloatAudio } from "./pcm.ts";

export interface WebAudioDecodeOptions {
  /**
   * The rate the browser decodes (and, if the file differs, resamples) to. 44100 keeps most music
   * at its native rate, so the worker's swr-compatible resampler sees what fpcalc's sees.
   */
  sampleRate?: number;
  /** Keep only this many seconds (plus a short margin for the resampler's filter). Default 120. */
  maxSeconds?: number;
  signal?: AbortSignal;
}

export class AudioDecodeError extends Error {
  override name = "AudioDecodeError";
}

/** Decodes any format the browser supports into planar float PCM, trimmed to `maxSeconds`. */
export async function decodeWithWebAudio(
  bytes: ArrayBuffer,
  options: WebAudioDecodeOptions = {},
): Promise<PlanarFloatAudio> {
  const sampleRate = options.sampleRate ?? 44100;
  const maxSeconds = options.maxSeconds ?? 120;
  options.signal?.throwIfAborted();
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate });
  let buffer: AudioBuffer;
  try {
    // decodeAudioData detaches `bytes`; callers that still need them must pass a copy.
    buffer = await context.decodeAudioData(bytes);
  } catch (error) {
    throw new AudioDecodeError("This file is not audio the browser can decode.", { cause: error });
  }
  options.signal?.throwIfAborted();
  const keep = Math.min(buffer.length, Math.ceil((maxSeconds + 1) * buffer.sampleRate));
  const channels: Float32Array[] = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const channel = new Float32Array(keep);
    buffer.copyFromChannel(channel, c);
    channels.push(channel);
  }
  return { sampleRate: buffer.sampleRate, channels, durationSeconds: buffer.duration };
}
