// Local tempo: an autocorrelation tempogram over sliding windows of the onset envelope, and the
// smoothest high-scoring tempo path through it (Viterbi). The path lets the beat tracker follow
// ramps and steps instead of assuming one tempo for the whole song.

export interface TempoOptions {
  minBpm?: number;
  maxBpm?: number;
  /** Centre of the log-Gaussian tempo prior, BPM. */
  priorBpm?: number;
  /** Width of the prior, octaves (one standard deviation). */
  priorOctaves?: number;
  /** Analysis window, seconds: long enough for several bars, short enough to follow a ramp. */
  windowSec?: number;
  /** Window hop, seconds. */
  hopSec?: number;
  /** Tempo resolution. */
  binsPerOctave?: number;
  /** Tempo change per hop that costs nothing much, octaves (a ramp). */
  driftOctaves?: number;
  /** Cost of a jump (tempo step), in units of log-evidence. */
  jumpCost?: number;
}

export const TEMPO_DEFAULTS: Required<TempoOptions> = {
  minBpm: 40,
  maxBpm: 240,
  priorBpm: 120,
  priorOctaves: 1,
  windowSec: 8,
  hopSec: 0.5,
  binsPerOctave: 48,
  driftOctaves: 0.02,
  jumpCost: 6,
};

export interface LocalTempo {
  /** Tempo candidates, BPM, increasing. */
  bpms: Float64Array;
  /** Window centres, frames. */
  centers: number[];
  /** Normalised comb score per window and candidate (rows: windows). */
  scores: Float32Array[];
  /** The chosen tempo per window, BPM. */
  path: number[];
}

/** Mean and standard deviation, for normalising envelopes. */
export function meanStd(x: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  const mean = x.length ? sum / x.length : 0;
  let sq = 0;
  for (let i = 0; i < x.length; i++) sq += (x[i]! - mean) ** 2;
  return { mean, std: x.length ? Math.sqrt(sq / x.length) : 0 };
}

/** log-Gaussian prior in log2 units: 0 at the centre. */
export function logTempoPrior(bpm: number, centre: number, octaves: number): number {
  const d = Math.log2(bpm / centre) / octaves;
  return -0.5 * d * d;
}

/**
 * Windowed autocorrelation tempogram and its tempo path. Each candidate period τ scores
 * r(τ) + ½·r(2τ): a real beat repeats at both lags, a chance correlation rarely does. The octave
 * (τ against τ/2 or 2τ) stays ambiguous here; meter.ts settles it from the drum pattern.
 */
export function localTempo(env: Float32Array, fps: number, options: TempoOptions = {}): LocalTempo {
  const o = { ...TEMPO_DEFAULTS, ...options };
  const octaves = Math.log2(o.maxBpm / o.minBpm);
  const binCount = Math.max(2, Math.round(octaves * o.binsPerOctave) + 1);
  const bpms = new Float64Array(binCount);
  for (let b = 0; b < binCount; b++) bpms[b] = o.minBpm * 2 ** (b / o.binsPerOctave);
  const periods = Array.from(bpms, (bpm) => (60 * fps) / bpm);
  const maxLag = Math.ceil(2 * periods[0]!) + 1;
  const minLag = Math.max(1, Math.floor(periods[binCount - 1]!) - 1);
  const win = Math.max(maxLag + 2, Math.round(o.windowSec * fps));
  const hop = Math.max(1, Math.round(o.hopSec * fps));
  const n = env.length;
  const centers: number[] = [];
  for (let c = 0; c < n; c += hop) centers.push(c);
  if (centers.length === 0) centers.push(0);

  const scores: Float32Array[] = [];
  const acf = new Float64Array(maxLag + 2);
  const seg = new Float64Array(win);
  for (const centre of centers) {
    const start = Math.max(0, Math.min(n - win, centre - (win >> 1)));
    const end = Math.min(n, start + win);
    const len = end - start;
    let mean = 0;
    for (let i = 0; i < len; i++) mean += env[start + i]!;
    mean = len ? mean / len : 0;
    // A Hann taper: the window's centre dominates, so the path reacts to a tempo step within about
    // a quarter of the window rather than half of it.
    for (let i = 0; i < len; i++)
      seg[i] = (env[start + i]! - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / len));
    let energy = 0;
    for (let i = 0; i < len; i++) energy += seg[i]! * seg[i]!;
    acf.fill(0);
    if (energy > 1e-9) {
      for (let lag = minLag; lag <= maxLag + 1 && lag < len; lag++) {
        let s = 0;
        for (let i = lag; i < len; i++) s += seg[i]! * seg[i - lag]!;
        // Unbiased (per overlapping sample), relative to the window's energy per sample.
        acf[lag] = s / (len - lag) / (energy / len);
      }
    }
    const at = (lag: number) => {
      const i = Math.floor(lag);
      const w = lag - i;
      return (acf[i] ?? 0) * (1 - w) + (acf[i + 1] ?? 0) * w;
    };
    const row = new Float32Array(binCount);
    for (let b = 0; b < binCount; b++) {
      const p = periods[b]!;
      row[b] = Math.max(0, at(p) + 0.5 * at(2 * p));
    }
    scores.push(row);
  }

  // Viterbi over windows. Emission: log of the score relative to the window's best, plus the
  // prior; silent windows carry only the prior, too weak to move the path through a break.
  const prior = Array.from(bpms, (bpm) => logTempoPrior(bpm, o.priorBpm, o.priorOctaves));
  const emission = scores.map((row) => {
    let max = 0;
    for (const v of row) max = Math.max(max, v);
    return Array.from(row, (v, b) => Math.log(0.05 + (max > 0 ? v / max : 0)) + prior[b]!);
  });
  const driftBins = o.driftOctaves * o.binsPerOctave;
  const transition = (d: number) => Math.min((d / driftBins) ** 2 * 0.5, o.jumpCost);
  const maxSmooth = Math.ceil(driftBins * Math.sqrt(2 * o.jumpCost));
  let score = emission[0]!.slice();
  const back: Int32Array[] = [];
  for (let w = 1; w < emission.length; w++) {
    // Best predecessor is either nearby (smooth cost) or anywhere at the jump cost.
    let bestAll = 0;
    for (let b = 1; b < binCount; b++) if (score[b]! > score[bestAll]!) bestAll = b;
    const next = new Array<number>(binCount);
    const bk = new Int32Array(binCount);
    for (let b = 0; b < binCount; b++) {
      let best = score[bestAll]! - o.jumpCost;
      let arg = bestAll;
      for (let p = Math.max(0, b - maxSmooth); p <= Math.min(binCount - 1, b + maxSmooth); p++) {
        const s = score[p]! - transition(Math.abs(b - p));
        if (s > best) {
          best = s;
          arg = p;
        }
      }
      next[b] = best + emission[w]![b]!;
      bk[b] = arg;
    }
    back.push(bk);
    score = next;
  }
  let last = 0;
  for (let b = 1; b < binCount; b++) if (score[b]! > score[last]!) last = b;
  const pathBins = new Array<number>(emission.length);
  pathBins[emission.length - 1] = last;
  for (let w = emission.length - 1; w > 0; w--) pathBins[w - 1] = back[w - 1]![pathBins[w]!]!;
  return { bpms, centers, scores, path: pathBins.map((b) => bpms[b]!) };
}

/** The path's tempo at every frame (log-linear between window centres), as a period in frames. */
export function periodPerFrame(local: LocalTempo, frames: number, fps: number): Float64Array {
  const out = new Float64Array(frames);
  const { centers, path } = local;
  let w = 0;
  for (let f = 0; f < frames; f++) {
    while (w + 1 < centers.length && centers[w + 1]! <= f) w++;
    let bpm: number;
    if (w + 1 >= centers.length || f <= centers[0]!) bpm = path[w]!;
    else {
      const t = (f - centers[w]!) / (centers[w + 1]! - centers[w]!);
      bpm = path[w]! * (path[w + 1]! / path[w]!) ** t;
    }
    out[f] = (60 * fps) / bpm;
  }
  return out;
}
