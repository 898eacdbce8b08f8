// Synthetic drum-model activations with known answers, for tests here and fixtures elsewhere:
// a drum pattern laid on a known beat grid (steady, ramped, stepped, swung), rendered as the
// narrow Gaussian bumps an onset head produces, with optional noise, bleed and dropped hits.
import type { Activations } from "./types.ts";

/** Deterministic PRNG (mulberry32), so every test sees the same "random" signal. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Beat times from a tempo that may change with time: each beat follows the previous one by
 * 60 000 / bpmAt(previous beat) ms.
 */
export function beatGrid(startMs: number, endMs: number, bpmAt: (ms: number) => number): number[] {
  const beats: number[] = [];
  for (let t = startMs; t < endMs; t += 60_000 / bpmAt(t)) beats.push(t);
  return beats;
}

export interface PatternHit {
  /** Position within the bar in beats (0 = downbeat, 1.5 = the "and" of 2). */
  at: number;
  cls: string;
  /** Peak height of the activation, 0–1. */
  height?: number;
  velocity?: number;
}

/** kick 1 and 3 (and the "and" of 3 optional), snare 2 and 4, closed hi-hat 8ths. */
export function rockBar(
  options: { kickAndOf3?: boolean; hihat?: "8ths" | "16ths" | "none" } = {},
): PatternHit[] {
  const hits: PatternHit[] = [
    { at: 0, cls: "kick", height: 0.95, velocity: 0.9 },
    { at: 1, cls: "snare", height: 0.9, velocity: 0.85 },
    { at: 2, cls: "kick", height: 0.9, velocity: 0.8 },
    { at: 3, cls: "snare", height: 0.92, velocity: 0.9 },
  ];
  if (options.kickAndOf3) hits.push({ at: 2.5, cls: "kick", height: 0.8, velocity: 0.6 });
  const hh = options.hihat ?? "8ths";
  const step = hh === "16ths" ? 0.25 : 0.5;
  if (hh !== "none") {
    for (let x = 0; x < 4; x += step) {
      hits.push({
        at: x,
        cls: "hihat_closed",
        height: x % 1 === 0 ? 0.85 : 0.7,
        velocity: x % 1 === 0 ? 0.8 : 0.5,
      });
    }
  }
  return hits;
}

export interface KnownHit {
  timeMs: number;
  cls: string;
  height: number;
  velocity: number;
}

/**
 * Lays a bar pattern on a beat grid (bars start at beats[0], every `beatsPerBar` beats).
 * Fractional positions are interpolated within the beat; `swing` (0.5 straight … 0.667 triplet)
 * moves every off-beat 8th.
 */
export function layPattern(
  beats: readonly number[],
  bar: readonly PatternHit[],
  options: { beatsPerBar?: number; swing?: number } = {},
): KnownHit[] {
  const perBar = options.beatsPerBar ?? 4;
  const swing = options.swing ?? 0.5;
  const hits: KnownHit[] = [];
  for (let b0 = 0; b0 + perBar <= beats.length - 1; b0 += perBar) {
    for (const h of bar) {
      const whole = Math.floor(h.at);
      let frac = h.at - whole;
      if (frac === 0.5) frac = swing;
      const i = b0 + whole;
      const t = beats[i]! + frac * (beats[i + 1]! - beats[i]!);
      hits.push({ timeMs: t, cls: h.cls, height: h.height ?? 0.9, velocity: h.velocity ?? 0.7 });
    }
  }
  return hits.sort((a, b) => a.timeMs - b.timeMs);
}

export interface SynthOptions {
  fps?: number;
  classes: string[];
  durationMs: number;
  /** Bump width, frames (standard deviation of the Gaussian). */
  widthFrames?: number;
  /** Uniform noise amplitude added everywhere (0–1). */
  noise?: number;
  /** Fraction of each hit's height leaking into every other class (model confusion). */
  bleed?: number;
  seed?: number;
  /** Write a velocity head too. */
  withVelocity?: boolean;
}

/** Renders hits into an Activations object. */
export function synthesizeActivations(hits: readonly KnownHit[], options: SynthOptions): Activations {
  const fps = options.fps ?? 100;
  const classes = options.classes;
  const stride = classes.length;
  const frames = Math.ceil((options.durationMs / 1000) * fps);
  const width = options.widthFrames ?? 0.8;
  const onset = new Float32Array(frames * stride);
  const velocity = options.withVelocity ? new Float32Array(frames * stride) : undefined;
  const random = rng(options.seed ?? 1);
  const put = (f: number, c: number, v: number, vel: number) => {
    const i = f * stride + c;
    if (v > onset[i]!) {
      onset[i] = v;
      if (velocity) velocity[i] = vel;
    }
  };
  for (const h of hits) {
    const c = classes.indexOf(h.cls);
    if (c < 0) throw new Error(`unknown class ${h.cls}`);
    const centre = (h.timeMs / 1000) * fps;
    for (let f = Math.floor(centre - 4 * width); f <= Math.ceil(centre + 4 * width); f++) {
      if (f < 0 || f >= frames) continue;
      const v = h.height * Math.exp(-0.5 * ((f - centre) / width) ** 2);
      put(f, c, v, h.velocity);
      if (options.bleed) for (let k = 0; k < stride; k++) if (k !== c) put(f, k, v * options.bleed, 0);
    }
  }
  if (options.noise) {
    for (let i = 0; i < onset.length; i++) onset[i] = Math.min(1, onset[i]! + options.noise * random());
  }
  return velocity ? { fps, classes, onset, velocity } : { fps, classes, onset };
}

export interface SongOptions {
  bpmAt: (ms: number) => number;
  startMs?: number;
  /** Last beat before this, ms; the audio lasts 1 s longer. */
  endMs?: number;
  bar?: PatternHit[];
  swing?: number;
  noise?: number;
  bleed?: number;
  seed?: number;
  /** Remove every hit in [from, to) ms (a break; the beat goes on silently). */
  silence?: [number, number][];
  /** Drop this fraction of hits at random (missed detections). */
  dropFraction?: number;
  /** A crash on the downbeat of every n-th bar, from the first (0: none). */
  crashEveryBars?: number;
  /** Random timing jitter of each hit, ± ms (a human drummer). */
  jitterMs?: number;
  fps?: number;
  classes?: string[];
  withVelocity?: boolean;
}

export interface Song {
  activations: Activations;
  /** The beats the pattern was laid on, ms (only those with a full bar of pattern). */
  beatsMs: number[];
  /** Downbeat times, ms. */
  downbeatsMs: number[];
  hits: KnownHit[];
  durationMs: number;
}

export const DEFAULT_SYNTH_CLASSES = ["kick", "snare", "hihat_closed", "hihat_open", "tom_high", "crash"];

/** A whole synthetic song with its known beats and hits. */
export function synthSong(o: SongOptions): Song {
  const startMs = o.startMs ?? 1000;
  const endMs = o.endMs ?? 31_000;
  const grid = beatGrid(startMs, endMs, o.bpmAt);
  const usable = grid.length - ((grid.length - 1) % 4);
  const beatsMs = grid.slice(0, usable);
  const random = rng((o.seed ?? 1) * 7919);
  let hits = layPattern(grid, o.bar ?? rockBar({ kickAndOf3: true }), { swing: o.swing ?? 0.5 });
  if (o.crashEveryBars) {
    for (let b = 0; b + 4 < grid.length; b += 4 * o.crashEveryBars) {
      hits.push({ timeMs: grid[b]!, cls: "crash", height: 0.9, velocity: 0.95 });
    }
  }
  if (o.jitterMs) hits = hits.map((h) => ({ ...h, timeMs: h.timeMs + (random() * 2 - 1) * o.jitterMs! }));
  for (const [from, to] of o.silence ?? []) hits = hits.filter((h) => h.timeMs < from || h.timeMs >= to);
  if (o.dropFraction) hits = hits.filter(() => random() >= o.dropFraction!);
  hits.sort((a, b) => a.timeMs - b.timeMs);
  const durationMs = endMs + 1000;
  const activations = synthesizeActivations(hits, {
    classes: o.classes ?? DEFAULT_SYNTH_CLASSES,
    durationMs,
    fps: o.fps ?? 100,
    noise: o.noise ?? 0,
    bleed: o.bleed ?? 0,
    seed: o.seed ?? 1,
    withVelocity: o.withVelocity ?? false,
  });
  const downbeatsMs = beatsMs.filter((_, i) => i % 4 === 0);
  return {
    activations,
    beatsMs: beatsMs.slice(0, -1),
    downbeatsMs: downbeatsMs.slice(0, -1),
    hits,
    durationMs,
  };
}
