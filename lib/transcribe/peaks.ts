// Peak picking: activations → onsets. A local maximum above the class threshold is a hit; the
// refractory window keeps the strongest of peaks that are too close to be two strokes.
import type { Component } from "../beatmap/index.ts";
import { assertArticulations, assignArticulations } from "./articulations.ts";
import { calibrated } from "./calibration.ts";
import { componentForClass } from "./classes.ts";
import { TranscribeError } from "./errors.ts";
import type { Activations, Calibration, Onset, PeakPickSettings } from "./types.ts";

export const DEFAULT_THRESHOLD = 0.5;
export const DEFAULT_MIN_GAP_MS = 30;

/** Throws TranscribeError unless the arrays match fps × classes. */
export function assertActivations(a: Activations): number {
  const classCount = a.classes.length;
  if (!(a.fps > 0) || !Number.isFinite(a.fps)) {
    throw new TranscribeError("invalid_activations", `Frame rate must be a positive number, got ${a.fps}.`);
  }
  if (classCount === 0) throw new TranscribeError("invalid_activations", "The model reported no classes.");
  if (a.onset.length % classCount !== 0) {
    throw new TranscribeError(
      "invalid_activations",
      `Onset activations hold ${a.onset.length} values, not a multiple of ${classCount} classes.`,
    );
  }
  if (a.velocity && a.velocity.length !== a.onset.length) {
    throw new TranscribeError(
      "invalid_activations",
      `Velocity activations hold ${a.velocity.length} values; onset activations hold ${a.onset.length}.`,
    );
  }
  const frames = a.onset.length / classCount;
  assertArticulations(a, frames);
  return frames;
}

/**
 * Vertex of the parabola through three equally spaced samples: offset in (-0.5, 0.5) frames from
 * the middle one, and the height there. Activation peaks are a few frames wide, so this recovers
 * the onset to a fraction of a frame (a 10 ms hop gives ~1 ms).
 */
export function parabolicPeak(left: number, mid: number, right: number): { offset: number; height: number } {
  const denom = left - 2 * mid + right;
  if (!(denom < 0)) return { offset: 0, height: mid };
  const offset = Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / denom));
  return { offset, height: mid - 0.25 * (left - right) * offset };
}

/**
 * Certainty from how far a peak is above its threshold, in log-odds: exactly at the threshold
 * is a coin flip (0.5), and each unit of log-odds above it counts as one unit of evidence. If the
 * model's outputs are calibrated probabilities and the threshold is 0.5, this is the peak itself.
 */
export function peakConfidence(height: number, threshold: number): number {
  const logit = (p: number) => {
    const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
    return Math.log(q / (1 - q));
  };
  return 1 / (1 + Math.exp(-(logit(height) - logit(threshold))));
}

function settingFor<T>(value: T | Record<string, T> | undefined, name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === "object" && value !== null) return (value as Record<string, T>)[name] ?? fallback;
  return value as T;
}

export interface PeakPickResult {
  onsets: Onset[];
  /** Model classes with no component (ignored), for the caller to log. */
  ignoredClasses: string[];
}

/**
 * Onsets of every mapped class, sorted by time, with the component the articulation head chose
 * (lib/transcribe/articulations.ts) and calibrated confidence and velocity where the settings have
 * maps for the class.
 */
export function pickPeaks(a: Activations, settings: PeakPickSettings): PeakPickResult {
  const frames = assertActivations(a);
  const classCount = a.classes.length;
  const onsets: Onset[] = [];
  const ignoredClasses: string[] = [];
  for (let c = 0; c < classCount; c++) {
    const className = a.classes[c]!;
    const component = componentForClass(className, settings.classToComponent);
    if (!component) {
      ignoredClasses.push(className);
      continue;
    }
    const threshold = settings.thresholds[className] ?? settings.defaultThreshold ?? DEFAULT_THRESHOLD;
    if (!(threshold > 0 && threshold < 1)) {
      throw new TranscribeError(
        "invalid_settings",
        `The threshold for class "${className}" must be between 0 and 1, got ${threshold}.`,
      );
    }
    const minGapMs = settingFor(settings.minGapMs, className, DEFAULT_MIN_GAP_MS);
    onsets.push(...pickClass(a, frames, c, className, component, threshold, minGapMs, settings.calibration));
  }
  onsets.sort((x, y) => x.timeMs - y.timeMs || x.classIndex - y.classIndex);
  return { onsets: assignArticulations(onsets, a), ignoredClasses };
}

function pickClass(
  a: Activations,
  frames: number,
  c: number,
  className: string,
  component: Component,
  threshold: number,
  minGapMs: number,
  calibration: Calibration | undefined,
): Onset[] {
  const stride = a.classes.length;
  const at = (f: number) => (f < 0 || f >= frames ? 0 : a.onset[f * stride + c]!);
  const frameMs = 1000 / a.fps;
  const candidates: { frame: number; offset: number; height: number }[] = [];
  for (let f = 0; f < frames; f++) {
    const y = at(f);
    // ≥ on the left, > on the right: a two-frame plateau yields one peak.
    if (y < threshold || y < at(f - 1) || y <= at(f + 1)) continue;
    const p = parabolicPeak(at(f - 1), y, at(f + 1));
    candidates.push({ frame: f, offset: p.offset, height: Math.min(1, p.height) });
  }
  // Refractory window as non-maximum suppression: the strongest peak wins, not the earliest, so a
  // weak bleed just before a real hit cannot suppress it.
  const byHeight = [...candidates].sort((x, y) => y.height - x.height);
  const keptTime = new Float64Array(frames).fill(Number.NaN);
  const reach = Math.ceil(minGapMs / frameMs) + 1;
  const kept: typeof candidates = [];
  for (const p of byHeight) {
    const t = (p.frame + p.offset) * frameMs;
    let blocked = false;
    for (let f = Math.max(0, p.frame - reach); f <= Math.min(frames - 1, p.frame + reach); f++) {
      if (Math.abs(keptTime[f]! - t) < minGapMs) blocked = true;
    }
    if (blocked) continue;
    keptTime[p.frame] = t;
    kept.push(p);
  }
  kept.sort((x, y) => x.frame - y.frame);
  const heights = kept.map((p) => p.height).sort((x, y) => x - y);
  const medianHeight = heights.length ? heights[heights.length >> 1]! : 1;
  return kept.map((p) => {
    let velocity: number;
    if (a.velocity) {
      // Linear interpolation of the velocity head at the sub-frame onset.
      const f0 = Math.max(0, p.offset < 0 ? p.frame - 1 : p.frame);
      const w = p.offset < 0 ? 1 + p.offset : p.offset;
      const v0 = a.velocity[f0 * stride + c] ?? 0;
      const v1 = a.velocity[Math.min(frames - 1, f0 + 1) * stride + c] ?? v0;
      velocity = v0 + (v1 - v0) * w;
      velocity = calibrated(calibration, "velocity", className, velocity) ?? velocity;
    } else {
      // Without a velocity head, loudness relative to the class's typical hit: the median hit is
      // "normal" (0.8), a hit half as strong is a ghost note. Absolute heights mix loudness with
      // the model's certainty and differ between classes.
      velocity = (0.8 * p.height) / medianHeight;
    }
    return {
      timeMs: (p.frame + p.offset) * frameMs,
      classIndex: c,
      className,
      component,
      height: p.height,
      velocity: Math.max(0.01, Math.min(1, velocity)),
      confidence:
        calibrated(calibration, "confidence", className, p.height) ?? peakConfidence(p.height, threshold),
      frame: p.frame,
    };
  });
}
