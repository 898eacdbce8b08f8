// PCM shapes passed between decoders, resamplers and the fingerprinter, and the conversions between
// them. Pure; safe in a Worker, in Node and on the main thread.

/** The rate Chromaprint analyses audio at. */
export const CHROMAPRINT_SAMPLE_RATE = 11025;

/** Decoded audio as WebAudio hands it over: one Float32Array per channel, nominal range [-1, 1]. */
export interface PlanarFloatAudio {
  sampleRate: number;
  channels: Float32Array[];
  /** Whole-file duration in seconds, when the decoder knows it (may exceed what was decoded). */
  durationSeconds?: number;
}

/** Mono 16-bit PCM at 11025 Hz: what Chromaprint consumes without resampling. */
export interface Mono11025 {
  sampleRate: typeof CHROMAPRINT_SAMPLE_RATE;
  samples: Int16Array;
  /** Whole-file duration in seconds as the container reports it (fpcalc's DURATION). */
  durationSeconds: number;
}

/**
 * Downmix as libswresample does for stereo → mono into 16-bit output (each channel × ½); other
 * layouts are averaged. `maxFrames` trims before mixing so long files cost nothing extra.
 */
export function downmixToMono(channels: Float32Array[], maxFrames = Number.POSITIVE_INFINITY): Float32Array {
  const first = channels[0];
  if (!first) return new Float32Array(0);
  const frames = Math.min(first.length, maxFrames);
  if (channels.length === 1) return first.slice(0, frames);
  const out = new Float32Array(frames);
  const gain = 1 / channels.length;
  for (const channel of channels) {
    for (let i = 0; i < frames; i++) out[i]! += channel[i]! * gain;
  }
  return out;
}

/** Float [-1, 1] → Int16 the way swr converts (round to nearest, clip). */
export function floatToInt16(input: Float32Array): Int16Array {
  const out = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const v = Math.round(input[i]! * 32768);
    out[i] = Math.min(32767, Math.max(-32768, v));
  }
  return out;
}
