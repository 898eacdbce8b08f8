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

/**
 * The duration the file's container states, read by a media element without decoding anything
 * (Chromium asks FFmpeg, as fpcalc does). null when the browser cannot tell or cannot play the file.
 */
export function probeDurationSeconds(file: Blob, signal?: AbortSignal): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const media = new Audio();
    const done = (seconds: number | null) => {
      media.removeAttribute("src");
      media.load();
      URL.revokeObjectURL(url);
      signal?.removeEventListener("abort", aborted);
      resolve(seconds);
    };
    const aborted = () => done(null);
    signal?.addEventListener("abort", aborted, { once: true });
    media.preload = "metadata";
    media.addEventListener(
      "loadedmetadata",
      () => done(Number.isFinite(media.duration) ? media.duration : null),
      {
        once: true,
      },
    );
    media.addEventListener("error", () => done(null), { once: true });
    media.src = url;
  });
}

/** Below this many seconds beyond `maxSeconds` a whole-file decode costs too little to bother. */
const HEAD_WORTHWHILE_SECONDS = 20;
/** Bitrate varies (VBR); read this much more than the average bitrate says the head needs. */
const HEAD_BYTES_MARGIN = 1.1;

/**
 * Decodes only as much of the file as the first `maxSeconds` need, when the file is much longer:
 * a 4-minute song decodes in half the time and memory. Audio frames decode the same whatever
 * follows them, so the head's samples equal the whole file's (checked in e2e/intake.spec.ts).
 * Falls back to the whole file when the container cannot be cut (an m4a with its index at the
 * end) or the cut came out short; the reported duration is always the whole file's.
 */
export async function decodeFileHead(
  file: Blob,
  options: WebAudioDecodeOptions = {},
): Promise<PlanarFloatAudio> {
  const maxSeconds = options.maxSeconds ?? 120;
  const total = await probeDurationSeconds(file, options.signal);
  options.signal?.throwIfAborted();
  if (total !== null && total > maxSeconds + HEAD_WORTHWHILE_SECONDS) {
    const bytes = Math.ceil(((file.size * (maxSeconds + 5)) / total) * HEAD_BYTES_MARGIN) + 64 * 1024;
    if (bytes < file.size) {
      try {
        const head = await decodeWithWebAudio(await file.slice(0, bytes).arrayBuffer(), options);
        const decodedSeconds = (head.channels[0]?.length ?? 0) / head.sampleRate;
        if (decodedSeconds >= Math.min(maxSeconds + 1, total)) return { ...head, durationSeconds: total };
      } catch (error) {
        if (!(error instanceof AudioDecodeError)) throw error;
      }
    }
  }
  return decodeWithWebAudio(await file.arrayBuffer(), options);
}
