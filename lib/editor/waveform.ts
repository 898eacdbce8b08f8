// Waveform overview: min / max per small time bucket, computed once per audio, then read per
// pixel column at any zoom by folding buckets (no pass over the samples while drawing).

export interface Peaks {
  bucketMs: number;
  min: Float32Array;
  max: Float32Array;
}

/** Peaks of the sum of `channels` (stems add up to the song), `bucketMs` wide. */
export function computePeaks(channels: readonly Float32Array[], sampleRate: number, bucketMs = 5): Peaks {
  const length = Math.max(0, ...channels.map((c) => c.length));
  const per = Math.max(1, Math.round((sampleRate * bucketMs) / 1000));
  const buckets = Math.ceil(length / per);
  const min = new Float32Array(buckets);
  const max = new Float32Array(buckets);
  for (let b = 0; b < buckets; b++) {
    let lo = 0;
    let hi = 0;
    const end = Math.min(length, (b + 1) * per);
    for (let i = b * per; i < end; i++) {
      let v = 0;
      for (const c of channels) v += c[i] ?? 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[b] = Math.max(-1, lo);
    max[b] = Math.min(1, hi);
  }
  return { bucketMs: (per * 1000) / sampleRate, min, max };
}

/** Min and max over [fromMs, toMs); zeros outside the audio. */
export function peakBetween(p: Peaks, fromMs: number, toMs: number): { min: number; max: number } {
  const a = Math.max(0, Math.floor(fromMs / p.bucketMs));
  const b = Math.min(p.min.length, Math.max(a + 1, Math.ceil(toMs / p.bucketMs)));
  let lo = 0;
  let hi = 0;
  for (let i = a; i < b; i++) {
    if (p.min[i]! < lo) lo = p.min[i]!;
    if (p.max[i]! > hi) hi = p.max[i]!;
  }
  return { min: lo, max: hi };
}
