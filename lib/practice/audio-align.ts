// Lines a drummer's own recording up with a chart to the millisecond. Song identity places the file
// on the chart's timeline only to one fingerprint item (~124 ms), and decoders add their own delay
// (an AAC file starts ~48 ms late, MP3 ~25 ms, unless the decoder trims it), while a "perfect" hit
// is ±25 ms. So the player refines that coarse offset: it searches a window around it for the
// shift at which the recording's drum attacks fall on the chart's notes: kicks scored on the
// low band's attacks, everything else on the high band's.
import { COMPONENT_LANE, LANE } from "../beatmap/index.ts";
import type { HitObject } from "../beatmap/schema.ts";
import { componentWeight } from "../transcribe/envelope.ts";

/** Frames of the attack envelopes per second: 2 ms, finer than any hit window. */
export const ALIGN_FRAME_RATE = 500;
/** How far from the coarse offset the search looks, ms: the fingerprint's half item plus codec delays. */
export const ALIGN_SEARCH_MS = 120;
/**
 * The best shift must beat the median one by this ratio, or the coarse offset stays (silence,
 * ambient noise). Measured (MDB Drums): the right chart 3.5–6.3 on full mixes, 8–32 on drum
 * tracks; a chart of another song 1.4–2.8, so this is no identity check (song identity is).
 */
const MIN_PEAK_RATIO = 2;
const MIN_NOTES = 8;

export interface AttackEnvelopes {
  /** Rises of log energy below ~150 Hz (kicks), one value per frame. */
  low: Float32Array;
  /** Rises of log energy of the signal's first difference (snares, toms, cymbals). */
  high: Float32Array;
  frameRate: number;
}

/** Attack envelopes of a recording (its channels are averaged). */
export function attackEnvelopes(channels: readonly Float32Array[], sampleRate: number): AttackEnvelopes {
  const length = channels[0]?.length ?? 0;
  const hop = sampleRate / ALIGN_FRAME_RATE;
  const frames = Math.floor(length / hop);
  const lowEnergy = new Float64Array(frames);
  const highEnergy = new Float64Array(frames);
  // One-pole low-pass at ~150 Hz for the kick band; the first difference weighs highs up.
  const a = Math.exp((-2 * Math.PI * 150) / sampleRate);
  let lp = 0;
  let previous = 0;
  for (let f = 0; f < frames; f++) {
    const from = Math.round(f * hop);
    const to = Math.round((f + 1) * hop);
    let lowSum = 0;
    let highSum = 0;
    for (let i = from; i < to; i++) {
      let x = 0;
      for (const channel of channels) x += channel[i]!;
      x /= channels.length;
      lp = (1 - a) * x + a * lp;
      const d = x - previous;
      previous = x;
      lowSum += lp * lp;
      highSum += d * d;
    }
    lowEnergy[f] = lowSum / Math.max(1, to - from);
    highEnergy[f] = highSum / Math.max(1, to - from);
  }
  return { low: rises(lowEnergy), high: rises(highEnergy), frameRate: ALIGN_FRAME_RATE };
}

/**
 * How much the (3-frame smoothed) log energy rose over the last 4 frames (8 ms), floored at 0: a
 * peak right after an attack starts, whatever its loudness (logs compare ratios).
 */
function rises(energy: Float64Array): Float32Array {
  const n = energy.length;
  const level = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    const sum = energy[Math.max(0, f - 1)]! + energy[f]! + energy[Math.min(n - 1, f + 1)]!;
    level[f] = Math.log(1e-10 + sum / 3);
  }
  const out = new Float32Array(n);
  for (let f = 4; f < n; f++) out[f] = Math.max(0, level[f]! - level[f - 4]!);
  return out;
}

export interface Alignment {
  /** Where the recording's audio is on the chart: recording time = chart time + offsetMs. */
  offsetMs: number;
  /** True when the envelopes confirmed a shift; false: too few notes or no clear peak (coarse kept). */
  refined: boolean;
  /** Best shift's score over the median shift's (≥ MIN_PEAK_RATIO when refined). */
  peakRatio: number;
}

/**
 * The shift within ±searchMs of `coarseMs` (1 ms steps) at which the chart's notes land on the
 * recording's attacks, each note weighed by its lane as the beat tracker weighs them (kick and
 * snare carry the groove; hi-hats repeat every subdivision and would make a shift by one of them
 * look as good).
 */
export function alignToChart(
  envelopes: AttackEnvelopes,
  notes: readonly Pick<HitObject, "Time" | "Component">[],
  coarseMs: number,
  searchMs = ALIGN_SEARCH_MS,
): Alignment {
  if (notes.length < MIN_NOTES) return { offsetMs: coarseMs, refined: false, peakRatio: 0 };
  const placed = notes.map((note) => {
    return {
      ms: note.Time + coarseMs,
      weight: componentWeight(note.Component),
      envelope: COMPONENT_LANE[note.Component] === LANE.kick ? envelopes.low : envelopes.high,
    };
  });
  const scores: number[] = [];
  for (let d = -searchMs; d <= searchMs; d++) {
    let score = 0;
    for (const p of placed)
      score += p.weight * sampleAt(p.envelope, ((p.ms + d) * envelopes.frameRate) / 1000);
    scores.push(score);
  }
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  const median = [...scores].sort((x, y) => x - y)[scores.length >> 1]!;
  const peakRatio = median > 0 ? scores[best]! / median : scores[best]! > 0 ? Number.POSITIVE_INFINITY : 0;
  if (!(peakRatio >= MIN_PEAK_RATIO)) return { offsetMs: coarseMs, refined: false, peakRatio };
  return { offsetMs: coarseMs + best - searchMs, refined: true, peakRatio };
}

/** The envelope's largest value within a frame of `frame` (attacks are a frame or two wide). */
function sampleAt(envelope: Float32Array, frame: number): number {
  const i = Math.round(frame);
  if (i < 1 || i >= envelope.length - 1) return 0;
  return Math.max(envelope[i - 1]!, envelope[i]!, envelope[i + 1]!);
}

/**
 * One channel moved onto the chart's timeline: recording time = chart time + offsetMs, so a
 * positive offset drops the recording's first offsetMs, a negative one puts silence before it.
 */
export function shiftSamples(samples: Float32Array, offsetMs: number, sampleRate: number): Float32Array {
  const shift = Math.round((offsetMs * sampleRate) / 1000);
  if (shift === 0) return samples;
  if (shift > 0) return samples.slice(Math.min(shift, samples.length));
  const out = new Float32Array(samples.length - shift);
  out.set(samples, -shift);
  return out;
}
