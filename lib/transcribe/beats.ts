// Beat tracking by dynamic programming (Ellis 2007, "Beat tracking by dynamic programming"), with
// the target period taken from the local tempo path at every frame instead of one global tempo,
// so the beats follow ramps and steps. Beats are then refined to the envelope's sub-frame peaks,
// and beats with no onset under them are interpolated from their neighbours.
import { localTempo, meanStd, periodPerFrame, type TempoOptions } from "./tempo.ts";

export interface BeatTrackOptions extends TempoOptions {
  /**
   * How strongly beat spacing is held to the local period (Ellis's α). Higher: steadier beats
   * that ignore off-beat accents; lower: beats that chase every onset.
   */
  tightness?: number;
}

export const BEAT_DEFAULTS = { tightness: 100 };

export interface RawBeats {
  /** Beat times, ms. */
  beatsMs: number[];
  /** Per raw beat: whether an onset was found under it (false: interpolated through a gap). */
  supported: boolean[];
  /** Tempo path per analysis window, BPM (for diagnostics). */
  tempoPath: number[];
}

/** Beats of an onset-strength envelope sampled at `fps`. */
export function trackBeats(env: Float32Array, fps: number, options: BeatTrackOptions = {}): RawBeats {
  const n = env.length;
  // Most frames hold no onset, so the median is the noise floor; beats should not be found in it.
  const floor = quantile(env, 0.5);
  const o = new Float64Array(n);
  for (let i = 0; i < n; i++) o[i] = Math.max(0, env[i]! - floor);
  const { std } = meanStd(o);
  if (n < 4 || !(std > 1e-9)) return { beatsMs: [], supported: [], tempoPath: [] };
  for (let i = 0; i < n; i++) o[i] = o[i]! / std;
  const tempo = localTempo(Float32Array.from(o), fps, options);
  const period = periodPerFrame(tempo, n, fps);
  const alpha = options.tightness ?? BEAT_DEFAULTS.tightness;

  // C[t] = o[t] + max(0, max_p C[p] − α·log²((t−p)/τ(t))) over p in [t − 2τ, t − τ/2].
  const cum = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  for (let t = 0; t < n; t++) {
    const tau = period[t]!;
    const lo = Math.max(0, t - Math.round(2 * tau));
    const hi = t - Math.max(1, Math.round(tau / 2));
    let best = 0;
    for (let p = lo; p <= hi; p++) {
      const l = Math.log((t - p) / tau);
      const s = cum[p]! - alpha * l * l;
      if (s > best) {
        best = s;
        back[t] = p;
      }
    }
    cum[t] = o[t]! + best;
  }
  // End on the best-scoring frame within the last period, as Ellis does.
  const lastPeriod = Math.round(period[n - 1]!);
  let end = n - 1;
  for (let t = Math.max(0, n - lastPeriod); t < n; t++) if (cum[t]! > cum[end]!) end = t;
  const frames: number[] = [];
  for (let t = end; t >= 0; t = back[t]!) frames.push(t);
  frames.reverse();

  const strength = frames.map((f) => localMax(o, f - 2, f + 2).value);
  const trimmed = trimWeakEdges(frames, strength);
  return { ...refineBeats(o, trimmed, period, fps), tempoPath: tempo.path };
}

/** The largest value of `x` in frames [from, to] (clamped) and where it is; index −1 if none is above 0. */
export function localMax(x: ArrayLike<number>, from: number, to: number): { index: number; value: number } {
  let index = -1;
  let value = 0;
  for (let i = Math.max(0, from); i <= Math.min(x.length - 1, to); i++) {
    if (x[i]! > value) {
      value = x[i]!;
      index = i;
    }
  }
  return { index, value };
}

function quantile(x: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(x).sort();
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
}

/** Median of the positive values (0 if there are none). */
export function median(values: number[]): number {
  const s = values.filter((v) => v > 0).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : 0;
}

/** Drops leading and trailing beats with (almost) nothing under them: the DP runs on into silence. */
function trimWeakEdges(frames: number[], strength: number[]): number[] {
  const floor = 0.1 * quantile(strength, 0.9);
  let first = 0;
  let last = frames.length - 1;
  while (first <= last && strength[first]! <= floor) first++;
  while (last >= first && strength[last]! <= floor) last--;
  return frames.slice(first, last + 1);
}

/**
 * Moves each beat to the sub-frame peak of the envelope near it (within a tenth of a beat), and
 * places beats with no peak there by linear interpolation between the nearest supported beats:
 * a tracked beat is then as precise as the onsets, and a missing hit does not bend the grid.
 */
function refineBeats(
  o: Float64Array,
  frames: number[],
  period: Float64Array,
  fps: number,
): { beatsMs: number[]; supported: boolean[] } {
  const strengths = frames.map((f) => localMax(o, f - 2, f + 2).value);
  const floor = 0.25 * median(strengths);
  const pos: number[] = [];
  const supported: boolean[] = [];
  for (const f of frames) {
    const r = Math.max(1, Math.round(0.1 * period[f]!));
    const m = localMax(o, f - r, f + r);
    const isPeak = m.index > 0 && m.index < o.length - 1 && m.value >= floor;
    if (isPeak && o[m.index]! >= o[m.index - 1]! && o[m.index]! >= o[m.index + 1]!) {
      const left = o[m.index - 1]!;
      const right = o[m.index + 1]!;
      const denom = left - 2 * m.value + right;
      const offset = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / denom)) : 0;
      pos.push(m.index + offset);
      supported.push(true);
    } else {
      pos.push(f);
      supported.push(false);
    }
  }
  for (let i = 0; i < pos.length; i++) {
    if (supported[i]) continue;
    let a = i - 1;
    while (a >= 0 && !supported[a]) a--;
    let b = i + 1;
    while (b < pos.length && !supported[b]) b++;
    if (a >= 0 && b < pos.length) pos[i] = pos[a]! + ((pos[b]! - pos[a]!) * (i - a)) / (b - a);
  }
  return { beatsMs: pos.map((p) => (p * 1000) / fps), supported };
}
