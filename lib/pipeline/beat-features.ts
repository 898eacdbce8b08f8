// What the beat model hears besides the drum activations: onset strength of the accompaniment in
// a few bands (bass, low mids, mids, presence, air) and how fast its harmony changes, one frame
// per transcriber frame. Bass notes and chord changes mark beats and bar lines where the drums are
// sparse, fill or rest. Computed here, not in the ONNX graph, and used verbatim for the training
// data (training/beat_inputs.ts runs this very function), so training and the app agree exactly.

/** Band edges, Hz: each band's log energy is differenced frame to frame (half-wave rectified). */
export const BEAT_BANDS_HZ: readonly (readonly [number, number])[] = [
  [30, 150],
  [150, 400],
  [400, 1200],
  [1200, 4000],
  [4000, 11_000],
];
/** Feature rows per frame: one per band, then the harmonic change. */
export const BEAT_FEATURE_COUNT = BEAT_BANDS_HZ.length + 1;

const N_FFT = 1024;
/** Frames of chroma averaged before and after a frame to measure a harmony change. */
const CHROMA_SPAN = 6;

/** In-place radix-2 FFT of (re, im), length a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a]! += xr;
        im[a]! += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

export interface BeatFeatures {
  fps: number;
  frames: number;
  /** frames × BEAT_FEATURE_COUNT, row-major. */
  data: Float32Array;
}

/**
 * Features of `audio` (mono, `sampleRate`) on frames centred on t·hop, t = 0 … floor(N / hop):
 * the transcriber's frames. Band energies are differenced in the log domain (log(1 + 1000 E)), so
 * a gain change of the whole song changes nothing above a whisper, and silence gives zeros; the
 * harmony change is an L1 distance of normalised chroma (0–2).
 */
export function beatFeatures(audio: Float32Array, sampleRate: number, hop: number): BeatFeatures {
  const frames = Math.floor(audio.length / hop) + 1;
  const nb = BEAT_BANDS_HZ.length;
  const bins = N_FFT / 2 + 1;
  const bandOf = new Int8Array(bins).fill(-1);
  const pitchOf = new Int8Array(bins).fill(-1);
  for (let k = 0; k < bins; k++) {
    const hz = (k * sampleRate) / N_FFT;
    bandOf[k] = BEAT_BANDS_HZ.findIndex(([lo, hi]) => hz >= lo && hz < hi);
    if (hz >= 100 && hz < 2000) pitchOf[k] = ((Math.round(12 * Math.log2(hz / 440)) % 12) + 12) % 12;
  }
  const window = Float64Array.from(
    { length: N_FFT },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT),
  );
  const logBand = new Float64Array(frames * nb);
  const chroma = new Float64Array(frames * 12);
  const re = new Float64Array(N_FFT);
  const im = new Float64Array(N_FFT);
  for (let t = 0; t < frames; t++) {
    const start = t * hop - N_FFT / 2;
    for (let i = 0; i < N_FFT; i++) {
      const j = start + i;
      re[i] = j >= 0 && j < audio.length ? audio[j]! * window[i]! : 0;
      im[i] = 0;
    }
    fft(re, im);
    const energy = new Float64Array(nb);
    for (let k = 0; k < bins; k++) {
      const p = re[k]! * re[k]! + im[k]! * im[k]!;
      const b = bandOf[k]!;
      if (b >= 0) energy[b]! += p;
      const c = pitchOf[k]!;
      if (c >= 0) chroma[t * 12 + c]! += Math.sqrt(p);
    }
    for (let b = 0; b < nb; b++) logBand[t * nb + b] = Math.log1p(1000 * energy[b]!);
  }
  const data = new Float32Array(frames * BEAT_FEATURE_COUNT);
  const F = BEAT_FEATURE_COUNT;
  for (let t = 1; t < frames; t++) {
    for (let b = 0; b < nb; b++) {
      data[t * F + b] = Math.max(0, logBand[t * nb + b]! - logBand[(t - 1) * nb + b]!);
    }
  }
  // Harmony change: distance between the normalised mean chroma just before and just after.
  const prefix = new Float64Array((frames + 1) * 12);
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < 12; c++) prefix[(t + 1) * 12 + c] = prefix[t * 12 + c]! + chroma[t * 12 + c]!;
  }
  const mean = (from: number, to: number, out: Float64Array) => {
    let sum = 0;
    for (let c = 0; c < 12; c++) {
      out[c] = prefix[to * 12 + c]! - prefix[from * 12 + c]!;
      sum += out[c]!;
    }
    if (sum > 0) for (let c = 0; c < 12; c++) out[c]! /= sum;
    return sum;
  };
  const before = new Float64Array(12);
  const after = new Float64Array(12);
  for (let t = 1; t < frames; t++) {
    const a = mean(Math.max(0, t - CHROMA_SPAN), t, before);
    const b = mean(t, Math.min(frames, t + CHROMA_SPAN), after);
    if (a <= 0 || b <= 0) continue;
    let d = 0;
    for (let c = 0; c < 12; c++) d += Math.abs(after[c]! - before[c]!);
    data[t * F + nb] = d;
  }
  return { fps: sampleRate / hop, frames, data };
}
