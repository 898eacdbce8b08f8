// Beats, downbeats and meter decoded jointly from the drum hits with a bar-pointer model: a hidden
// Markov model whose state is (meter, tempo, position within the bar), as in Whiteley et al. 2006
// and Krebs, Böck & Widmer 2015 (madmom's DBNDownBeatTracker), with the observation model of
// Krebs et al. 2013 ("Rhythmic pattern modelling"): a hit scores by where it falls in the bar
// (meters.ts), so the backbeat, the kick on 1 and the subdivision choose the metrical level that
// periodicity alone cannot (4:3, 3:2 and 2:1 errors).
//
// Within a bar the position advances one frame per frame at a fixed tempo; only at a bar line may
// the tempo (a little, cheaply; a lot, at a fixed cost) or the meter (at a cost) change. So a
// state's predecessor is unique except at a bar start, and the Viterbi pass needs back-pointers
// for bar starts only: one per frame and bar type (a meter at a tempo), not per state.
import { hitScore, METERS, type Meter, type MeterName, ROLES, type Role } from "./meters.ts";

export interface GridHit {
  timeMs: number;
  role: Role;
  /** Evidence weight (the note's confidence, say). */
  weight: number;
}

/**
 * A beat model's output (lib/pipeline/beat-model.ts): beat and downbeat probabilities per frame.
 * An extra observation of the decoder beside the drum hits (`beatObservation`).
 */
export interface BeatActivations {
  fps: number;
  beat: Float32Array;
  downbeat: Float32Array;
}

export interface BarPointerOptions {
  /** Frames per second of the decoder's time grid. */
  fps?: number;
  meters?: readonly MeterName[];
  /** Range of the counted beat in simple meters, BPM (compound meters: two thirds of it). */
  minBpm?: number;
  maxBpm?: number;
  /** Ratio between neighbouring tempo states, minus 1. */
  tempoStep?: number;
  /** Cost of a tempo change at a bar line, per unit of |ln(ratio)| (madmom's λ). */
  driftCost?: number;
  /** Largest tempo change that costs only drift, in tempo steps; larger ones cost `jumpCost`. */
  maxDriftSteps?: number;
  jumpCost?: number;
  meterChangeCost?: number;
  /** Tempo prior: centre (simple meters' beat; compound meters' dotted beat is ⅔ of it), BPM. */
  priorBpm?: number;
  priorOctaves?: number;
  /** Weight of the tempo prior per second of music. */
  priorPerSecond?: number;
  /** Longest stretch decoded at once, s (longer audio is decoded in overlapping blocks). */
  blockSeconds?: number;
  /** Weight of the beat model's beat activation on every beat position (0: ignore it). */
  beatWeight?: number;
  /** Weight of its downbeat activation on bar lines, relative to the beat's. */
  downbeatWeight?: number;
}

export const BAR_POINTER_DEFAULTS: Required<BarPointerOptions> = {
  fps: 50,
  meters: ["4/4", "3/4", "6/8", "2/4"],
  minBpm: 50,
  maxBpm: 230,
  tempoStep: 0.01,
  driftCost: 30,
  maxDriftSteps: 3,
  jumpCost: 8,
  meterChangeCost: 5,
  priorBpm: 115,
  priorOctaves: 1,
  priorPerSecond: 0.6,
  blockSeconds: 600,
  beatWeight: 0.2,
  downbeatWeight: 0.3,
};

/**
 * madmom's observation model in log-odds form: a beat state scores log P(beat) against a non-beat
 * state's log((1 − P) / (λ − 1)), λ = 16 (madmom's observation_lambda): P = 1/16 is neutral, a clear
 * peak earns up to +3 and a frame the model is sure holds no beat costs up to −4. Clipped, so one
 * confident frame cannot outvote the drums.
 */
const BEAT_LAMBDA = 16;
const LOGIT_RANGE = { min: -4, max: 3 };
const logit = (p: number) => Math.log((p + 1e-4) / (1 - p + 1e-4));
const clip = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/**
 * Per decoder frame: the score of a beat there (`beat`) and the extra score of that beat being a
 * bar line (`downbeat`: the downbeat's log-odds against the beat's, so a beat the model calls
 * "not a downbeat" costs and a bar line where it hears none costs). Already weighted.
 */
export function beatObservation(
  act: BeatActivations,
  startMs: number,
  frames: number,
  fps: number,
  beatWeight: number,
  downbeatWeight: number,
): { beat: Float32Array; downbeat: Float32Array } {
  const beat = new Float32Array(frames);
  const downbeat = new Float32Array(frames);
  const n = Math.min(act.beat.length, act.downbeat.length);
  for (let t = 0; t < frames; t++) {
    const j = Math.round(((startMs + (t * 1000) / fps) * act.fps) / 1000);
    if (j < 0 || j >= n) continue;
    const pb = act.beat[j]!;
    const pd = act.downbeat[j]!;
    beat[t] = beatWeight * clip(logit(pb) + Math.log(BEAT_LAMBDA - 1), LOGIT_RANGE.min, LOGIT_RANGE.max);
    downbeat[t] = beatWeight * downbeatWeight * clip(logit(pd) - logit(pb), -3, 2);
  }
  return { beat, downbeat };
}

export interface DecodedBar {
  /** Bar line, ms (the first bar may start before 0: a pickup). */
  startMs: number;
  meter: MeterName;
  /** Length of a counted beat, ms. */
  beatMs: number;
}

interface BarType {
  meter: Meter;
  /** Index of the tempo within its meter's tempo list. */
  tempo: number;
  bpm: number;
  /** Bar length, frames. */
  frames: number;
  /** Score of a hit of each role at each position, [role][position]. */
  table: Float32Array[];
  /** Prior cost of one bar of this type. */
  barCost: number;
}

function barTypes(o: Required<BarPointerOptions>): BarType[] {
  const types: BarType[] = [];
  for (const name of o.meters) {
    const meter = METERS[name];
    const scale = meter.compound ? 2 / 3 : 1;
    const lo = o.minBpm * scale;
    const hi = o.maxBpm * scale;
    const count = Math.floor(Math.log(hi / lo) / Math.log(1 + o.tempoStep)) + 1;
    for (let k = 0; k < count; k++) {
      const bpm = lo * (1 + o.tempoStep) ** k;
      const frames = Math.max(2, Math.round((meter.beats * 60 * o.fps) / bpm));
      const beatMs = (frames * 1000) / o.fps / meter.beats;
      const table = ROLES.map((role) => {
        const row = new Float32Array(frames);
        for (let p = 0; p < frames; p++) row[p] = hitScore(role, (p / frames) * meter.beats, meter, beatMs);
        return row;
      });
      const seconds = frames / o.fps;
      const d = Math.log2(bpm / (o.priorBpm * scale)) / o.priorOctaves;
      const barCost = seconds * (o.priorPerSecond * 0.5 * d * d + meter.costPerSecond);
      types.push({ meter, tempo: k, bpm, frames, table, barCost });
    }
  }
  return types;
}

/**
 * Where a bar of each type may follow from: the same meter at a nearby tempo (drift, cheap), the
 * same beat in another meter of the same family (an odd bar), or anywhere at `jumpCost` (plus
 * `meterChangeCost` for another meter): `jumpCosts[to meter][from meter]`, taken from the best-
 * scoring type of that meter.
 */
function transitions(types: readonly BarType[], o: Required<BarPointerOptions>) {
  const names = [...new Set(types.map((t) => t.meter.name))];
  const meterOf = Int32Array.from(types, (t) => names.indexOf(t.meter.name));
  const index = new Map(types.map((t, i) => [`${t.meter.name}@${t.tempo}`, i]));
  const stepCost = o.driftCost * Math.log(1 + o.tempoStep);
  const fixed = types.map((t) => {
    const from: number[] = [];
    const cost: number[] = [];
    for (let d = -o.maxDriftSteps; d <= o.maxDriftSteps; d++) {
      const j = index.get(`${t.meter.name}@${t.tempo + d}`);
      if (j !== undefined) {
        from.push(j);
        cost.push(stepCost * Math.abs(d));
      }
    }
    for (const name of names) {
      const other = METERS[name];
      if (name === t.meter.name || other.compound !== t.meter.compound) continue;
      const j = index.get(`${name}@${t.tempo}`);
      if (j !== undefined) {
        from.push(j);
        cost.push(o.meterChangeCost);
      }
    }
    return { from: Int32Array.from(from), cost: Float64Array.from(cost) };
  });
  const jumpCosts = names.map((to) =>
    Float64Array.from(names, (from) => o.jumpCost + (from === to ? 0 : o.meterChangeCost)),
  );
  return { fixed, meterOf, meterCount: names.length, jumpCosts };
}

/** Decodes the bars of a piece from its drum hits (and a beat model's activations, when given). */
export function decodeBars(
  hits: readonly GridHit[],
  durationMs: number,
  options: BarPointerOptions = {},
  beats?: BeatActivations,
): DecodedBar[] {
  const o = { ...BAR_POINTER_DEFAULTS, ...options };
  const types = barTypes(o);
  const blockMs = o.blockSeconds * 1000;
  if (durationMs <= blockMs * 1.25) return decodeBlock(hits, 0, durationMs, types, o, beats);
  // Long audio: overlapping blocks, each keeping the bars that start in its middle part.
  const overlap = 30_000;
  const bars: DecodedBar[] = [];
  for (let from = 0; from < durationMs; from += blockMs) {
    const lo = Math.max(0, from - overlap);
    const hi = Math.min(durationMs, from + blockMs + overlap);
    const inBlock = hits.filter((h) => h.timeMs >= lo && h.timeMs < hi);
    const decoded = decodeBlock(inBlock, lo, hi, types, o, beats);
    const keepFrom = from === 0 ? Number.NEGATIVE_INFINITY : from;
    const keepTo = from + blockMs >= durationMs ? Number.POSITIVE_INFINITY : from + blockMs;
    for (const b of decoded) if (b.startMs >= keepFrom && b.startMs < keepTo) bars.push(b);
  }
  return bars;
}

function decodeBlock(
  hits: readonly GridHit[],
  startMs: number,
  endMs: number,
  types: readonly BarType[],
  o: Required<BarPointerOptions>,
  beats: BeatActivations | undefined,
): DecodedBar[] {
  const fps = o.fps;
  const frames = Math.max(1, Math.ceil(((endMs - startMs) * fps) / 1000));
  const nTypes = types.length;
  // Evidence per frame and role.
  // Evidence per frame and role: the weight, and the weighted offset of the hits from the frame's
  // centre (frames), so a hit is scored where it is, not 10 ms away on the frame grid.
  const evidence = new Map<number, Float64Array>();
  const R = ROLES.length;
  for (const h of hits) {
    const exact = ((h.timeMs - startMs) * fps) / 1000;
    const f = Math.round(exact);
    if (f < 0 || f >= frames || !(h.weight > 0)) continue;
    const row = evidence.get(f) ?? new Float64Array(2 * R);
    evidence.set(f, row);
    const r = ROLES.indexOf(h.role);
    row[r]! += h.weight;
    row[R + r]! += h.weight * (exact - f);
  }

  // scores[i][k]: best score of a path whose current bar of type i started at a frame ≡ k (mod
  // the bar's length). At frame 0 every position of every type is open (a pickup bar).
  const scores = types.map((t) => new Float64Array(t.frames).fill(-t.barCost));
  const back = new Int16Array(frames * nTypes).fill(-1);
  const ends = new Float64Array(nTypes);
  const { fixed, meterOf, meterCount, jumpCosts } = transitions(types, o);
  const bestOf = new Int32Array(meterCount);
  const observed =
    beats && o.beatWeight > 0
      ? beatObservation(beats, startMs, frames, fps, o.beatWeight, o.downbeatWeight)
      : undefined;
  // Beat positions of each bar type (frames from its bar line).
  const beatPositions = types.map((ty) =>
    Int32Array.from({ length: ty.meter.beats }, (_, j) => Math.round((j * ty.frames) / ty.meter.beats)),
  );

  for (let t = 0; t < frames; t++) {
    if (t > 0) {
      // Bar starts at frame t: the best way to have ended a bar at frame t − 1.
      bestOf.fill(-1);
      for (let i = 0; i < nTypes; i++) {
        ends[i] = scores[i]![t % types[i]!.frames]!;
        const m = meterOf[i]!;
        if (bestOf[m]! < 0 || ends[i]! > ends[bestOf[m]!]!) bestOf[m] = i;
      }
      for (let i = 0; i < nTypes; i++) {
        let best = Number.NEGATIVE_INFINITY;
        let arg = -1;
        const jumps = jumpCosts[meterOf[i]!]!;
        for (let m = 0; m < meterCount; m++) {
          const s = ends[bestOf[m]!]! - jumps[m]!;
          if (s > best) {
            best = s;
            arg = bestOf[m]!;
          }
        }
        const { from, cost } = fixed[i]!;
        for (let c = 0; c < from.length; c++) {
          const s = ends[from[c]!]! - cost[c]!;
          if (s > best) {
            best = s;
            arg = from[c]!;
          }
        }
        const ty = types[i]!;
        scores[i]![t % ty.frames] = best - ty.barCost;
        back[t * nTypes + i] = arg;
      }
    }
    if (observed) {
      const ob = observed.beat[t]!;
      const od = observed.downbeat[t]!;
      for (let i = 0; i < nTypes; i++) {
        const n = types[i]!.frames;
        const s = scores[i]!;
        const positions = beatPositions[i]!;
        const base = t % n;
        // The bar whose beat j falls on frame t started at slot (t − position) mod n.
        for (let j = 0; j < positions.length; j++) {
          const k = (base - positions[j]! + n) % n;
          s[k]! += j === 0 ? ob + od : ob;
        }
      }
    }
    const row = evidence.get(t);
    if (!row) continue;
    for (let r = 0; r < R; r++) {
      const w = row[r]!;
      if (w === 0) continue;
      // The table read between positions p and p ± 1, at the hits' sub-frame offset.
      const offset = row[R + r]! / w;
      const step = offset < 0 ? -1 : 1;
      const a = w * (1 - Math.abs(offset));
      const b = w * Math.abs(offset);
      for (let i = 0; i < nTypes; i++) {
        const ty = types[i]!;
        const s = scores[i]!;
        const table = ty.table[r]!;
        const n = ty.frames;
        const base = t % n;
        // Slot k holds the bar that started at a frame ≡ k, now at position (t − k) mod n.
        for (let p = 0; p < n; p++) {
          const k = base - p < 0 ? base - p + n : base - p;
          const q = p + step;
          s[k]! += a * table[p]! + b * table[q < 0 ? n - 1 : q >= n ? 0 : q]!;
        }
      }
    }
  }

  // The best state at the last frame, then bar by bar backwards.
  let bestType = 0;
  let bestSlot = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < nTypes; i++) {
    const s = scores[i]!;
    for (let k = 0; k < s.length; k++) {
      if (s[k]! > bestScore) {
        bestScore = s[k]!;
        bestType = i;
        bestSlot = k;
      }
    }
  }
  const bars: DecodedBar[] = [];
  const last = frames - 1;
  let type = bestType;
  let start =
    last - ((((last - bestSlot) % types[type]!.frames) + types[type]!.frames) % types[type]!.frames);
  for (;;) {
    const ty = types[type]!;
    bars.push({
      startMs: startMs + (start * 1000) / fps,
      meter: ty.meter.name,
      beatMs: (ty.frames * 1000) / fps / ty.meter.beats,
    });
    if (start <= 0) break;
    const prev = back[start * nTypes + type]!;
    if (prev < 0) break;
    type = prev;
    start -= types[type]!.frames;
  }
  return bars.reverse();
}

/**
 * How well the drum hits alone explain decoded bars, in the decoder's own units: the hits' scores
 * where they fall in their bars, less the bars' tempo and meter priors and the cost of each change
 * between bars. grid.ts compares two decodings' bar lines by it.
 */
export function hitPathScore(
  hits: readonly GridHit[],
  bars: readonly DecodedBar[],
  options: BarPointerOptions = {},
): number {
  const o = { ...BAR_POINTER_DEFAULTS, ...options };
  const types = barTypes(o);
  const fps = o.fps;
  // Each bar's type: its meter at the tempo state whose bar length it has.
  const typeOf = bars.map((b) => {
    const frames = Math.round((b.beatMs * METERS[b.meter].beats * fps) / 1000);
    let best = -1;
    for (let i = 0; i < types.length; i++) {
      const ty = types[i]!;
      if (ty.meter.name !== b.meter) continue;
      if (best < 0 || Math.abs(ty.frames - frames) < Math.abs(types[best]!.frames - frames)) best = i;
    }
    return best;
  });
  if (bars.length === 0 || typeOf.some((i) => i < 0)) return Number.NEGATIVE_INFINITY;
  const stepCost = o.driftCost * Math.log(1 + o.tempoStep);
  let score = 0;
  typeOf.forEach((i, k) => {
    const ty = types[i]!;
    score -= ty.barCost;
    if (k === 0) return;
    const prev = types[typeOf[k - 1]!]!;
    if (prev.meter.name === ty.meter.name && Math.abs(prev.tempo - ty.tempo) <= o.maxDriftSteps) {
      score -= stepCost * Math.abs(prev.tempo - ty.tempo);
    } else if (prev.meter.compound === ty.meter.compound && prev.tempo === ty.tempo) {
      score -= o.meterChangeCost;
    } else {
      score -= o.jumpCost + (prev.meter.name === ty.meter.name ? 0 : o.meterChangeCost);
    }
  });
  // Each hit scored as decodeBlock scores it: the table read at its sub-frame place in its bar.
  const starts = bars.map((b) => Math.round((b.startMs * fps) / 1000));
  let k = 0;
  for (const h of [...hits].sort((a, b) => a.timeMs - b.timeMs)) {
    if (!(h.weight > 0)) continue;
    const exact = (h.timeMs * fps) / 1000;
    const f = Math.round(exact);
    while (k + 1 < bars.length && starts[k + 1]! <= f) k++;
    const ty = types[typeOf[k]!]!;
    const p = f - starts[k]!;
    if (p < 0 || p >= ty.frames) continue;
    const offset = exact - f;
    const q = p + (offset < 0 ? -1 : 1);
    const table = ty.table[ROLES.indexOf(h.role)]!;
    const next = table[q < 0 ? ty.frames - 1 : q >= ty.frames ? 0 : q]!;
    score += h.weight * ((1 - Math.abs(offset)) * table[p]! + Math.abs(offset) * next);
  }
  return score;
}

/** Beat times of decoded bars, with each beat's index within its bar. */
export function barsToBeats(bars: readonly DecodedBar[]): { timeMs: number; inBar: number; bar: number }[] {
  const beats: { timeMs: number; inBar: number; bar: number }[] = [];
  bars.forEach((b, bar) => {
    const n = METERS[b.meter].beats;
    for (let k = 0; k < n; k++) beats.push({ timeMs: b.startMs + k * b.beatMs, inBar: k, bar });
  });
  return beats;
}
