// The models' input: mono float PCM at their rate. Browser and Node both decode at the song's
// rate and come here, so they feed the models the very same samples (a browser's built-in
// resampler and FFmpeg's differ slightly, which moved notes near a threshold between the two).
import { downmixToMono } from "../audio/pcm.ts";
import { resampleSwrCompat, type SwrCompatOptions } from "../audio/resample.ts";

/** The browser decodes at this rate (the song's own rate for most music); Node does the same for parity. */
export const BROWSER_DECODE_RATE = 44_100;

/** libswresample's defaults (what `ffmpeg -ar` uses), the quality the training data was resampled with. */
export const MODEL_RESAMPLE: SwrCompatOptions = {
  filterSize: 32,
  phaseShift: 10,
  linearInterp: false,
  cutoff: 0.97,
  kaiserBeta: 9,
};

export function toModelAudio(channels: Float32Array[], sampleRate: number, modelRate: number): Float32Array {
  const mono = downmixToMono(channels);
  return sampleRate === modelRate ? mono : resampleSwrCompat(mono, sampleRate, modelRate, MODEL_RESAMPLE);
}
