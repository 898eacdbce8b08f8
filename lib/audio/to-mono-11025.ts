// Planar float PCM (what WebAudio decodes) → mono 16-bit 11025 Hz, as fpcalc's FFmpeg path would
// produce it: downmix, swr-compatible resample, round to 16 bits. Pure; runs in the fingerprint
// worker, so the page never blocks on it.
import {
  CHROMAPRINT_SAMPLE_RATE,
  downmixToMono,
  floatToInt16,
  type Mono11025,
  type PlanarFloatAudio,
} from "./pcm.ts";
import { resampleSwrCompat } from "./resample.ts";

export function planarToMono11025(audio: PlanarFloatAudio, maxSeconds = 120): Mono11025 {
  // Resample a little past the limit so the filter sees real audio at the cut, as FFmpeg does.
  const mono = downmixToMono(audio.channels, Math.ceil((maxSeconds + 1) * audio.sampleRate));
  const resampled = resampleSwrCompat(mono, audio.sampleRate, CHROMAPRINT_SAMPLE_RATE);
  const samples = floatToInt16(resampled.subarray(0, Math.floor(maxSeconds * CHROMAPRINT_SAMPLE_RATE)));
  const decoded = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
  return { sampleRate: CHROMAPRINT_SAMPLE_RATE, samples, durationSeconds: audio.durationSeconds ?? decoded };
}
